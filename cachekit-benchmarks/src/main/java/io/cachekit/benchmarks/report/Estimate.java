package io.cachekit.benchmarks.report;

import java.util.Locale;

/**
 * A figure derived from two scores (a ratio or a difference) with the range their error
 * bars allow. The bounds are NaN when the errors say nothing useful about the figure: an
 * error larger than its score, or no error at all from JMH. An exact figure (from
 * measurements without an error bar, such as a percentile or a heap size) has both bounds
 * equal to its value.
 *
 * @param value the figure from the two scores
 * @param low the lowest value the error bars allow, or NaN
 * @param high the highest value the error bars allow, or NaN
 */
record Estimate(double value, double low, double high) {

	/**
	 * Returns a figure without an error bar.
	 * @param value the figure
	 * @return the estimate
	 */
	static Estimate exact(double value) {
		return new Estimate(value, value, value);
	}

	/**
	 * Returns {@code a ÷ b} with the range {@code (a − ea)/(b + eb) … (a + ea)/(b − eb)};
	 * its bounds are NaN when either error is unknown or exceeds its score.
	 * @param a the numerator's score
	 * @param b the denominator's score
	 * @return the ratio
	 */
	static Estimate ratio(Score a, Score b) {
		double value = a.score() / b.score();
		if (!bounded(a) || !bounded(b)) {
			return new Estimate(value, Double.NaN, Double.NaN);
		}
		return new Estimate(value, (a.score() - a.error()) / (b.score() + b.error()),
				(a.score() + a.error()) / (b.score() - b.error()));
	}

	/**
	 * Returns {@code a − b} in microseconds, with the range
	 * {@code (a − ea) − (b + eb) … (a + ea) − (b − eb)}; its bounds are NaN when either
	 * error is unknown.
	 * @param a the first score, a time per operation
	 * @param b the second score, a time per operation
	 * @return the difference in microseconds
	 */
	static Estimate differenceMicros(Score a, Score b) {
		double value = a.micros() - b.micros();
		if (Double.isNaN(a.error()) || Double.isNaN(b.error())) {
			return new Estimate(value, Double.NaN, Double.NaN);
		}
		return new Estimate(value, (a.micros() - a.errorMicros()) - (b.micros() + b.errorMicros()),
				(a.micros() + a.errorMicros()) - (b.micros() - b.errorMicros()));
	}

	private static boolean bounded(Score score) {
		return !Double.isNaN(score.error()) && score.error() < score.score();
	}

	/**
	 * Tells whether the error bars bound the figure.
	 * @return {@code true} unless the bounds are NaN
	 */
	boolean hasRange() {
		return !Double.isNaN(this.low) && !Double.isNaN(this.high);
	}

	/**
	 * Returns the range as text: {@code low … high}, {@code exact} for a figure without
	 * an error bar, {@code n/a} when the error bars do not bound it.
	 * @param format the format of one bound, such as {@code %.2f}
	 * @return the text
	 */
	String range(String format) {
		if (!hasRange()) {
			return "n/a";
		}
		if (this.low == this.value && this.high == this.value) {
			return "exact";
		}
		return String.format(Locale.ROOT, format, this.low) + " … " + String.format(Locale.ROOT, format, this.high);
	}

}
