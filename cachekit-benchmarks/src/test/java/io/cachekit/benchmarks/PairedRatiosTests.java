package io.cachekit.benchmarks;

import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link PairedRatios#medianInterval(double[])} gives the median and the order statistics
 * of a distribution-free 95% interval of it.
 */
class PairedRatiosTests {

	@Test
	void twentyRoundsAreBoundedByTheSixthAndFifteenthSmallest() {
		double[] ratios = IntStream.rangeClosed(1, 20).mapToDouble((rank) -> 21 - rank).toArray();

		assertThat(PairedRatios.medianInterval(ratios)).containsExactly(6, 10.5, 15);
	}

	@Test
	void sixRoundsAreBoundedByTheirExtremesAndAnOddCountHasAMiddleValue() {
		assertThat(PairedRatios.medianInterval(new double[] { 3, 1, 2, 6, 5, 4 })).containsExactly(1, 3.5, 6);
		assertThat(PairedRatios.medianInterval(new double[] { 7, 1, 2, 6, 5, 4, 3 })).containsExactly(1, 4, 7);
	}

	@Test
	void fewerThanSixRoundsHaveNoInterval() {
		assertThatIllegalArgumentException().isThrownBy(() -> PairedRatios.medianInterval(new double[5]))
			.withMessageContaining("at least 6 rounds");
	}

}
