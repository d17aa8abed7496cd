package io.cachekit.benchmarks.report;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Target}.
 */
class TargetTests {

	private final Target atLeast = Target.atLeast(0.9, "0.9x");

	private final Target atMost = Target.atMost(2, "2 µs");

	private final Target below = Target.below(1000, "1 ms");

	@Test
	void atLeastIsMetWhenTheWholeRangeIsAtOrAboveTheBound() {
		assertThat(this.atLeast.verdict(new Estimate(1.0, 0.9, 1.1))).isEqualTo(Verdict.MET);
	}

	@Test
	void atLeastIsNotMetWhenTheWholeRangeIsBelowTheBound() {
		assertThat(this.atLeast.verdict(new Estimate(0.7, 0.6, 0.89))).isEqualTo(Verdict.NOT_MET);
	}

	@Test
	void atLeastIsWithinNoiseWhenTheBoundLiesInsideTheRange() {
		assertThat(this.atLeast.verdict(new Estimate(0.85, 0.8, 1.0))).isEqualTo(Verdict.WITHIN_NOISE);
	}

	@Test
	void figureWithoutErrorBarsIsJudgedOnItsPointValueAndSaysSo() {
		assertThat(this.atLeast.verdict(new Estimate(0.5, Double.NaN, Double.NaN)))
			.isEqualTo(Verdict.NOT_MET_NO_ERROR_BAR)
			.hasToString("not met (no error bar)");
		assertThat(this.atLeast.verdict(new Estimate(0.95, Double.NaN, Double.NaN))).isEqualTo(Verdict.MET_NO_ERROR_BAR)
			.hasToString("met (no error bar)");
		assertThat(this.below.verdict(new Estimate(1000, Double.NaN, Double.NaN)))
			.isEqualTo(Verdict.NOT_MET_NO_ERROR_BAR);
	}

	@Test
	void atMostIsMetAtTheBoundAndNotMetAboveIt() {
		assertThat(this.atMost.verdict(new Estimate(1.5, 1.0, 2.0))).isEqualTo(Verdict.MET);
		assertThat(this.atMost.verdict(new Estimate(2.8, 2.5, 3.1))).isEqualTo(Verdict.NOT_MET);
		assertThat(this.atMost.verdict(new Estimate(2.3, 2.0, 2.6))).isEqualTo(Verdict.WITHIN_NOISE);
	}

	@Test
	void belowIsNotMetAtTheBound() {
		assertThat(this.below.verdict(Estimate.exact(999))).isEqualTo(Verdict.MET);
		assertThat(this.below.verdict(Estimate.exact(1000))).isEqualTo(Verdict.NOT_MET);
	}

	@Test
	void figureWithoutTargetIsReported() {
		assertThat(Target.verdict(null, new Estimate(0.5, 0.4, 0.6))).isEqualTo(Verdict.REPORTED);
	}

	@Test
	void printsItsComparisonAndBound() {
		assertThat(this.atLeast).hasToString("≥ 0.9x");
		assertThat(this.atMost).hasToString("≤ 2 µs");
		assertThat(this.below).hasToString("< 1 ms");
	}

}
