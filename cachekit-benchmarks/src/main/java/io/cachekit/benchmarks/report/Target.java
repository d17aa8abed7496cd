package io.cachekit.benchmarks.report;

import org.jspecify.annotations.Nullable;

/**
 * A target of the performance issue: a bound on a ratio or a difference, and the verdict
 * on an {@link Estimate} against it.
 *
 * @param comparison how the figure must relate to the bound
 * @param bound the bound
 * @param text the bound as the report prints it, such as {@code 0.9x} or {@code 2 µs}
 */
record Target(Comparison comparison, double bound, String text) {

	static Target atLeast(double bound, String text) {
		return new Target(Comparison.AT_LEAST, bound, text);
	}

	static Target atMost(double bound, String text) {
		return new Target(Comparison.AT_MOST, bound, text);
	}

	static Target below(double bound, String text) {
		return new Target(Comparison.BELOW, bound, text);
	}

	/**
	 * Judges an estimate: met when its whole range meets the bound, not met when none of
	 * it does, within noise when the bound lies inside the range. Without a range (the
	 * error bars do not bound the figure), the point value is judged and the verdict says
	 * there was no error bar.
	 * @param estimate the estimate
	 * @return the verdict
	 */
	Verdict verdict(Estimate estimate) {
		if (!estimate.hasRange()) {
			return meets(estimate.value()) ? Verdict.MET_NO_ERROR_BAR : Verdict.NOT_MET_NO_ERROR_BAR;
		}
		return switch (this.comparison) {
			case AT_LEAST -> judge(estimate.low() >= this.bound, estimate.high() < this.bound);
			case AT_MOST -> judge(estimate.high() <= this.bound, estimate.low() > this.bound);
			case BELOW -> judge(estimate.high() < this.bound, estimate.low() >= this.bound);
		};
	}

	/**
	 * Tells whether a value meets the bound.
	 * @param value the value
	 * @return whether it meets the bound
	 */
	boolean meets(double value) {
		return switch (this.comparison) {
			case AT_LEAST -> value >= this.bound;
			case AT_MOST -> value <= this.bound;
			case BELOW -> value < this.bound;
		};
	}

	/**
	 * Judges an estimate against an optional target.
	 * @param target the target, or {@code null} when the figure is only reported
	 * @param estimate the estimate
	 * @return the verdict
	 */
	static Verdict verdict(@Nullable Target target, Estimate estimate) {
		return (target != null) ? target.verdict(estimate) : Verdict.REPORTED;
	}

	private static Verdict judge(boolean met, boolean notMet) {
		if (met) {
			return Verdict.MET;
		}
		return notMet ? Verdict.NOT_MET : Verdict.WITHIN_NOISE;
	}

	@Override
	public String toString() {
		return this.comparison.symbol + " " + this.text;
	}

	/**
	 * How a figure must relate to a target's bound.
	 */
	enum Comparison {

		AT_LEAST("≥"), AT_MOST("≤"), BELOW("<");

		private final String symbol;

		Comparison(String symbol) {
			this.symbol = symbol;
		}

	}

}
