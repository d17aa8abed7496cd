package io.cachekit.benchmarks.report;

import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The report's table of L2 hit ratios measured with cachekit and its peer interleaved in
 * one JVM ({@code PairedRatios}'s JSON): the same comparisons and targets as the JMH
 * rows, without the drift between two trials minutes apart.
 */
final class PairedRatioTable {

	private static final List<Comparison> COMPARISONS = List.of(
			new Comparison("memcached", "raw client get + decode", 1, Target.atLeast(0.9, "0.9x")),
			new Comparison("memcached", "memcached-spring-boot", 1, Target.atLeast(1.5, "1.5x")),
			new Comparison("memcached", "raw client get + decode", 16, Target.atLeast(0.9, "0.9x")),
			new Comparison("memcached", "memcached-spring-boot", 16, Target.atLeast(1.5, "1.5x")),
			new Comparison("redis", "RedisCache, JDK serialization", 4, Target.atLeast(1.2, "1.2x")),
			new Comparison("redis", "RedisCache, JSON", 4, Target.atLeast(1.0, "1.0x")),
			new Comparison("redis", "JetCache remote", 4, null));

	private final @Nullable JsonNode paired;

	/**
	 * Creates the table.
	 * @param paired {@code PairedRatios}'s JSON, or {@code null} when it did not run
	 */
	PairedRatioTable(@Nullable JsonNode paired) {
		this.paired = paired;
	}

	/**
	 * Appends the section.
	 * @param out the report
	 * @param values the values of the run
	 * @param count counts a verdict and returns it
	 * @param missing records a row without a result, and why
	 */
	void render(StringBuilder out, List<String> values, UnaryOperator<Verdict> count,
			BiConsumer<String, String> missing) {
		out.append("## L2 hit, cachekit and peer interleaved\n\n")
			.append("`PairedRatios`: the readers of `MemcachedPeerBenchmark` and `RedisPeerBenchmark`, each on its ")
			.append("own server, take turns in one JVM: in each round both make the same number of calls on the ")
			.append("same threads (cachekit first in even rounds, second in odd ones), and the round's ratio is ")
			.append("the peer's time ÷ cachekit's. The figure is the median over the rounds; the range is a ")
			.append("distribution-free 95% confidence interval of that median (order statistics). A slow ")
			.append("moment of the machine slows both sides of a round, so these ratios are narrower than ")
			.append("the JMH rows above, whose trials run minutes apart.");
		if (this.paired != null) {
			out.append(" ")
				.append(this.paired.path("rounds").asInt())
				.append(" rounds of about ")
				.append(this.paired.path("roundMillis").asInt())
				.append(" ms per reader.");
		}
		out.append(
				"\n\n| backend | comparison | value | threads | cachekit ÷ peer | 95% interval | target | verdict |\n");
		out.append("| --- | --- | --- | ---: | ---: | ---: | --- | --- |\n");
		for (String value : values) {
			for (Comparison comparison : COMPARISONS) {
				String target = (comparison.target() != null) ? comparison.target().toString() : "none (reported)";
				JsonNode result = result(comparison, value);
				if (result == null) {
					missing.accept(
							"PairedRatios " + comparison.backend() + " vs " + comparison.peer() + " " + value + " "
									+ comparison.threads() + " threads",
							(this.paired == null) ? "no paired results (PairedRatios did not run or failed)"
									: "no result for this comparison in the paired results");
					PerformanceReport.cells(out, comparison.backend(), "vs " + comparison.peer(), value,
							Integer.toString(comparison.threads()), "missing", "", target,
							count.apply(Verdict.MISSING).toString());
					continue;
				}
				Estimate estimate = new Estimate(result.path("ratio").asDouble(), result.path("low").asDouble(),
						result.path("high").asDouble());
				PerformanceReport.cells(out, comparison.backend(), "vs " + comparison.peer(), value,
						Integer.toString(comparison.threads()), String.format(Locale.ROOT, "%.2f", estimate.value()),
						estimate.range("%.2f"), target,
						count.apply(Target.verdict(comparison.target(), estimate)).toString());
			}
		}
		out.append('\n');
		scale(out, count, missing);
	}

	/**
	 * Appends the scale pair of each backend: the throughput with the fewest keys ÷ that
	 * with the most, judged as a spread (the larger of the ratio and its inverse).
	 */
	private void scale(StringBuilder out, UnaryOperator<Verdict> count, BiConsumer<String, String> missing) {
		out.append("The scale target the same way: `ScaleBenchmark`'s reader (`book512`, 4 threads) over the ")
			.append("fewest and the most keys of the run, each set on its own server of the same kind, taking ")
			.append("turns. The ratio is the throughput with the fewest keys ÷ that with the most; the spread is ")
			.append("the larger of the ratio and its inverse, with the interval carried over.\n\n")
			.append("| backend | keys | fewest ÷ most | 95% interval | spread | spread range | target | verdict |\n")
			.append("| --- | --- | ---: | ---: | ---: | ---: | --- | --- |\n");
		Target target = Target.atMost(1.1, "1.10 (within 10%)");
		for (String backend : List.of("memcached", "redis")) {
			JsonNode result = scaleResult(backend);
			if (result == null) {
				missing.accept("PairedRatios scale " + backend,
						(this.paired == null) ? "no paired results (PairedRatios did not run or failed)"
								: "no scale result for this backend in the paired results");
				PerformanceReport.cells(out, backend, "", "missing", "", "", "", target.toString(),
						count.apply(Verdict.MISSING).toString());
				continue;
			}
			Estimate ratio = new Estimate(result.path("ratio").asDouble(), result.path("low").asDouble(),
					result.path("high").asDouble());
			Estimate spread = spread(ratio);
			PerformanceReport.cells(out, backend,
					String.format(Locale.ROOT, "%,d vs %,d", result.path("fewestKeys").asLong(),
							result.path("mostKeys").asLong()),
					String.format(Locale.ROOT, "%.2f", ratio.value()), ratio.range("%.2f"),
					String.format(Locale.ROOT, "%.2f", spread.value()), spread.range("%.2f"), target.toString(),
					count.apply(target.verdict(spread)).toString());
		}
		out.append('\n');
	}

	/**
	 * Returns the spread of a ratio, the larger of it and its inverse, with its interval:
	 * an interval that contains 1 gives a spread from 1 to the farther end.
	 * @param ratio the ratio with its interval
	 * @return the spread with its interval
	 */
	static Estimate spread(Estimate ratio) {
		double value = Math.max(ratio.value(), 1 / ratio.value());
		if (ratio.low() >= 1) {
			return new Estimate(value, ratio.low(), ratio.high());
		}
		if (ratio.high() <= 1) {
			return new Estimate(value, 1 / ratio.high(), 1 / ratio.low());
		}
		return new Estimate(value, 1, Math.max(ratio.high(), 1 / ratio.low()));
	}

	private @Nullable JsonNode scaleResult(String backend) {
		if (this.paired == null) {
			return null;
		}
		for (JsonNode result : this.paired.path("results").values()) {
			if (backend.equals(result.path("backend").asString(""))
					&& "scale".equals(result.path("peer").asString(""))) {
				return result;
			}
		}
		return null;
	}

	private @Nullable JsonNode result(Comparison comparison, String value) {
		if (this.paired == null) {
			return null;
		}
		for (JsonNode result : this.paired.path("results").values()) {
			if (comparison.backend().equals(result.path("backend").asString(""))
					&& comparison.peer().equals(result.path("peer").asString(""))
					&& value.equals(result.path("value").asString(""))
					&& comparison.threads() == result.path("threads").asInt()) {
				return result;
			}
		}
		return null;
	}

	private record Comparison(String backend, String peer, int threads, @Nullable Target target) {

	}

}
