package io.cachekit.benchmarks.report;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Tests for {@link Estimate}.
 */
class EstimateTests {

	@Test
	void ratioRangeRunsFromTheLeastToTheMostFavourableEndsOfTheErrorBars() {
		Estimate ratio = Estimate.ratio(Score.of(900, 50, "ops/s"), Score.of(1000, 100, "ops/s"));

		assertThat(ratio.value()).isEqualTo(0.9);
		assertThat(ratio.low()).isCloseTo(850.0 / 1100, within(1e-12));
		assertThat(ratio.high()).isCloseTo(950.0 / 900, within(1e-12));
		assertThat(ratio.range("%.2f")).isEqualTo("0.77 … 1.06");
	}

	@Test
	void ratioHasNoRangeWhenAnErrorExceedsItsScore() {
		Estimate ratio = Estimate.ratio(Score.of(900, 50, "ops/s"), Score.of(1000, 1200, "ops/s"));

		assertThat(ratio.value()).isEqualTo(0.9);
		assertThat(ratio.hasRange()).isFalse();
		assertThat(ratio.range("%.2f")).isEqualTo("n/a");
	}

	@Test
	void ratioHasNoRangeWhenJmhGaveNoError() {
		Estimate ratio = Estimate.ratio(Score.of(900, Double.NaN, "ops/s"), Score.of(1000, 10, "ops/s"));

		assertThat(ratio.hasRange()).isFalse();
	}

	@Test
	void differenceIsInMicrosecondsWhateverTheUnit() {
		Estimate difference = Estimate.differenceMicros(Score.of(3000, 250, "ns/op"), Score.of(0.2, 0.05, "us/op"));

		assertThat(difference.value()).isCloseTo(2.8, within(1e-9));
		assertThat(difference.low()).isCloseTo(2.75 - 0.25, within(1e-9));
		assertThat(difference.high()).isCloseTo(3.25 - 0.15, within(1e-9));
	}

	@Test
	void differenceKeepsItsRangeWhenAnErrorExceedsItsScore() {
		Estimate difference = Estimate.differenceMicros(Score.of(3, 0.5, "us/op"), Score.of(0.2, 0.3, "us/op"));

		assertThat(difference.hasRange()).isTrue();
		assertThat(difference.low()).isCloseTo(2.0, within(1e-9));
		assertThat(difference.high()).isCloseTo(3.6, within(1e-9));
	}

	@Test
	void exactEstimateHasItsValueAsBothBounds() {
		Estimate exact = Estimate.exact(1.56);

		assertThat(exact.low()).isEqualTo(1.56);
		assertThat(exact.high()).isEqualTo(1.56);
		assertThat(exact.range("%.2f")).isEqualTo("exact");
	}

}
