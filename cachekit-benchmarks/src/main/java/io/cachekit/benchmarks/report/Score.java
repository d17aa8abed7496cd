package io.cachekit.benchmarks.report;

import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * One JMH result: the score, its error (JMH's 99.9% confidence half-width; NaN when JMH
 * could not compute one, as after a single iteration), its unit, and for sample-time
 * benchmarks the percentiles, keyed by JMH's labels such as {@code "99.0"}.
 *
 * @param score the score
 * @param error the error, or NaN
 * @param unit JMH's unit, such as {@code ops/s} or {@code us/op}
 * @param percentiles the percentiles, empty unless the mode samples times
 */
record Score(double score, double error, String unit, Map<String, Double> percentiles) {

	Score {
		percentiles = Map.copyOf(percentiles);
	}

	static Score of(double score, double error, String unit) {
		return new Score(score, error, unit, Map.of());
	}

	/**
	 * Returns the score in microseconds per operation.
	 * @throws IllegalStateException when the unit is not a time per operation
	 */
	double micros() {
		return this.score * microsPer(this.unit);
	}

	/**
	 * Returns the error in microseconds per operation.
	 * @throws IllegalStateException when the unit is not a time per operation
	 */
	double errorMicros() {
		return this.error * microsPer(this.unit);
	}

	/**
	 * Returns a percentile in microseconds.
	 * @param label JMH's label, such as {@code "99.0"}
	 * @return the percentile, or {@code null} when JMH did not record it
	 */
	@Nullable Double percentileMicros(String label) {
		Double value = this.percentiles.get(label);
		return (value != null) ? value * microsPer(this.unit) : null;
	}

	private static double microsPer(String unit) {
		return switch (unit.toLowerCase(Locale.ROOT)) {
			case "ns/op" -> 0.001;
			case "us/op" -> 1;
			case "ms/op" -> 1_000;
			case "s/op" -> 1_000_000;
			default -> throw new IllegalStateException("'" + unit + "' is not a time per operation");
		};
	}

}
