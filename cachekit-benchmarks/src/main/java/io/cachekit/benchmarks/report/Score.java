package io.cachekit.benchmarks.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

/**
 * One JMH result: the score, its error (JMH's 99.9% confidence half-width; NaN when JMH
 * could not compute one, as after a single iteration), its unit, and for sample-time
 * benchmarks the percentiles, keyed by JMH's labels such as {@code "99.0"}, and the
 * sampled times of each measured iteration; with the mode and thread count it ran with.
 *
 * @param score the score
 * @param error the error, or NaN
 * @param unit JMH's unit, such as {@code ops/s} or {@code us/op}
 * @param percentiles the percentiles, empty unless the mode samples times
 * @param mode JMH's mode, such as {@code thrpt}, {@code avgt} or {@code sample}; empty
 * when unknown
 * @param threads the benchmark threads, 0 when unknown
 * @param iterations the sampled times of each measured iteration, in the score's unit, as
 * value to count; empty unless the mode samples times
 */
record Score(double score, double error, String unit, Map<String, Double> percentiles, String mode, int threads,
		List<NavigableMap<Double, Long>> iterations) {

	Score {
		percentiles = Map.copyOf(percentiles);
		List<NavigableMap<Double, Long>> copies = new ArrayList<>();
		for (NavigableMap<Double, Long> iteration : iterations) {
			copies.add(Collections.unmodifiableNavigableMap(new TreeMap<>(iteration)));
		}
		iterations = List.copyOf(copies);
	}

	static Score of(double score, double error, String unit) {
		return new Score(score, error, unit, Map.of(), "", 0, List.of());
	}

	/**
	 * Tells whether the score is a throughput, what a throughput row compares: its unit
	 * is per second and its mode, when known, is JMH's {@code thrpt}.
	 * @return whether the score is operations per second
	 */
	boolean isThroughput() {
		return this.unit.endsWith("/s") && (this.mode.isEmpty() || this.mode.equals("thrpt"));
	}

	/**
	 * Returns a percentile of each measured iteration's samples, in microseconds: the
	 * smallest sampled time at or above which lies no more than {@code 1 − q} of the
	 * iteration's samples (nearest rank).
	 * @param q the quantile, such as {@code 0.99}
	 * @return one value per measured iteration, empty when the samples were not recorded
	 */
	List<Double> iterationPercentilesMicros(double q) {
		List<Double> percentiles = new ArrayList<>();
		for (NavigableMap<Double, Long> iteration : this.iterations) {
			long total = 0;
			for (long count : iteration.values()) {
				total += count;
			}
			if (total == 0) {
				continue;
			}
			long rank = Math.max(1, (long) Math.ceil(q * total));
			long seen = 0;
			for (Map.Entry<Double, Long> sample : iteration.entrySet()) {
				seen += sample.getValue();
				if (seen >= rank) {
					percentiles.add(sample.getKey() * microsPer(this.unit));
					break;
				}
			}
		}
		return percentiles;
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
