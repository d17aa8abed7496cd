package io.cachekit.benchmarks.report;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@link PairedRatioTable#spread(Estimate)} turns a ratio of two throughputs into how far
 * apart they are, whichever is larger.
 */
class PairedRatioTableTests {

	@Test
	void aRatioAboveOneKeepsItsInterval() {
		assertThat(PairedRatioTable.spread(new Estimate(1.2, 1.1, 1.3))).isEqualTo(new Estimate(1.2, 1.1, 1.3));
	}

	@Test
	void aRatioBelowOneIsInvertedWithItsInterval() {
		Estimate spread = PairedRatioTable.spread(new Estimate(0.8, 0.5, 0.9));

		assertThat(spread.value()).isCloseTo(1.25, within(1e-9));
		assertThat(spread.low()).isCloseTo(1 / 0.9, within(1e-9));
		assertThat(spread.high()).isCloseTo(2.0, within(1e-9));
	}

	@Test
	void anIntervalAroundOneRunsFromOneToItsFartherEnd() {
		Estimate spread = PairedRatioTable.spread(new Estimate(1.02, 0.8, 1.1));

		assertThat(spread.value()).isCloseTo(1.02, within(1e-9));
		assertThat(spread.low()).isEqualTo(1.0);
		assertThat(spread.high()).isCloseTo(1.25, within(1e-9));
	}

}
