package io.cachekit.benchmarks.report;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PerformanceReport}, from a small JMH result set in which some trials
 * are missing, one of them with a failure in JMH's log.
 */
class PerformanceReportTests {

	private static final Environment ENVIRONMENT = new Environment(Instant.parse("2026-12-02T08:00:00Z"),
			"2 cores, Test CPU, 4.0 GiB memory, Linux 6.1 amd64", "Test JDK 17", "scripts/bench.sh --quick",
			"quick: -f 1 -wi 1 -i 2", Map.of("cachekit", "0.1.0-SNAPSHOT", "memcached", "1.6.18"));

	private final PerformanceReport report = new PerformanceReport(results(),
			JsonMapper.builder().build().readTree(resource("l1-retention.json")),
			JsonMapper.builder().build().readTree(resource("paired.json")), PerformanceReport.VALUES,
			List.of("1000", "100000"));

	private final String markdown = this.report.render(ENVIRONMENT, "Smoke run on a loaded machine");

	@Test
	void headerNamesTheMachineJdkCommandAndVersions() {
		assertThat(this.markdown).contains("> **Smoke run on a loaded machine**")
			.contains("| Date | 2026-12-02T08:00:00Z |")
			.contains("| Machine | 2 cores, Test CPU, 4.0 GiB memory, Linux 6.1 amd64 |")
			.contains("| Benchmark JVM | OpenJDK 64-Bit Server VM 17.0.21+2 (JDK 17.0.21) |")
			.contains("| JVM options | `-Xmx2g` |")
			.contains("| Command | `scripts/bench.sh --quick` |")
			.contains("| cachekit | 0.1.0-SNAPSHOT |");
	}

	@Test
	void ratioRowShowsBothScoresTheRatioItsRangeAndTheVerdict() {
		assertThat(this.markdown).contains(
				"| vs CaffeineCacheManager, 2 threads | book512 | 900 ± 50 | 1,000 ± 50 | 0.90 | 0.81 … 1.00 | ≥ 0.9x | within noise |");
	}

	@Test
	void ratioWithoutErrorBarsHasNoRangeAndIsJudgedOnItsPointValue() {
		assertThat(this.markdown).contains(
				"| vs CaffeineCacheManager, 2 threads | catalog10k | 500 ± n/a | 1,000 ± n/a | 0.50 | n/a | ≥ 0.9x | not met (no error bar) |");
	}

	@Test
	void throughputRowRefusesAScoreThatIsNotAThroughput() {
		assertThat(this.markdown).contains(
				"| vs raw client get + decode, 1 thread | book512 | 20,000.00 ops/s (thrpt) | 45.00 us/op (avgt) | n/a |  | ≥ 0.9x | wrong mode |");
	}

	@Test
	void rowLabelsNameTheThreadsTheTrialsRanWith() {
		assertThat(this.markdown).contains("| book512, 1 thread | 3.00 ± 0.25 |")
			.contains("| memcached, 2 threads | 40,000 ± 1,000 |")
			.contains("| server down, book512, 1 thread | 400.0 |")
			.doesNotContain("`LocalCacheableBenchmark`, 2 threads");
	}

	@Test
	void rowOfAMissingTrialNamesItsBenchmarkMethod() {
		assertThat(this.markdown).contains(
				"| vs memcached-spring-boot (`hitCachekit16`) | book512 | missing | missing | missing |  | ≥ 1.5x | missing |");
	}

	@Test
	void missRowShowsTheDifferenceInMicroseconds() {
		assertThat(this.markdown)
			.contains("| book512, 1 thread | 3.00 ± 0.25 | 0.20 ± 0.05 | 2.80 | 2.50 … 3.10 | ≤ 2 µs | not met |");
	}

	@Test
	void failedTrialIsMissingWithTheReasonFromTheLog() {
		assertThat(this.markdown).contains("| catalog10k | missing | 0.30 ± 0.05 | missing |  | ≤ 2 µs | missing |");
		assertThat(this.report.missing()).containsEntry("LocalCacheableBenchmark.missCachekit {value=catalog10k}",
				"failed: java.lang.IllegalStateException: cachekit L1: 3 misses, 0 errors, 0 rejected; "
						+ "this trial measured failures, not cache calls");
	}

	@Test
	void trialThatFailedInTeardownIsMissingWithTheReasonFromTheLog() {
		assertThat(this.report.missing()).containsEntry("RedisPeerBenchmark.hitCachekit {value=book512}",
				"failed: java.lang.IllegalStateException: cachekit L2: 0 misses, 2 errors, 0 rejected; "
						+ "this trial measured failures, not cache calls");
		assertThat(this.markdown).contains(
				"| vs RedisCache, JDK serialization (`hitCachekit`) | book512 | missing | missing | missing |  | ≥ 1.2x | missing |");
	}

	@Test
	void benchmarkThatDidNotRunIsMissing() {
		assertThat(this.report.missing()).containsKey("ScaleBenchmark.hitCachekit {backend=redis, keys=100000}")
			.containsKey("RedisPeerBenchmark.hitCachekit {value=catalog10k}");
		assertThat(this.markdown)
			.contains("- `RedisPeerBenchmark.hitCachekit {value=catalog10k}`: no result in the JMH JSON");
	}

	@Test
	void runOfOneValueExpectsOnlyThatValue() {
		PerformanceReport oneValue = new PerformanceReport(results(), null, null, List.of("book512"), List.of("1000"));

		String text = oneValue.render(ENVIRONMENT, null);

		assertThat(text).doesNotContain("| catalog10k |").doesNotContain("catalog10k}");
		assertThat(oneValue.missing()).isNotEmpty()
			.allSatisfy((what, why) -> assertThat(what).doesNotContain("catalog10k"));
	}

	@Test
	void scaleRowShowsEachKeyCountAndTheSpread() {
		assertThat(this.markdown)
			.contains("| backend | 1,000 keys | 100,000 keys | max ÷ min | range | target | verdict |")
			.contains(
					"| memcached, 2 threads | 40,000 ± 1,000 | 38,000 ± 1,000 | 1.05 | 1.00 … 1.11 | ≤ 1.10 (within 10%) | within noise |")
			.contains("| redis, 2 threads | 50,000 ± 1,000 | missing | missing | | ≤ 1.10 (within 10%) | missing |");
	}

	@Test
	void retentionRowComparesRetainedHeapWithTheBudget() {
		assertThat(this.markdown).contains(
				"| book512 | 1,048,576 | 2,097,152 | 1,500,000 | 1,153,434 | 1,500 of 3,000 | 1.10 | ≤ 1.2 (N + 20%) | met |")
			.contains(
					"| catalog10k | missing | missing | missing | missing | missing | missing | ≤ 1.2 (N + 20%) | missing |");
		assertThat(this.report.missing()).containsKey("L1Retention catalog10k");
	}

	@Test
	void outageRowTakesTheDifferenceOfTheNinetyNinthPercentilesWithItsRangeOverIterations() {
		// per iteration: p99 400 and 20 with the server down, 5 and 100 with L1 only
		assertThat(this.markdown).contains(
				"| server down, book512, 1 thread | 400.0 | 100.0 | 300.0 | -80.0 … 395.0 (2 iterations) | 30.00 ± 3.00 | 10.00 ± 1.00 | < 1 ms (1,000 µs) | met |");
	}

	@Test
	void outageRowOfAPausedServerIsReportedSeparatelyAndWithoutIterationsHasNoErrorBar() {
		assertThat(this.markdown).contains(
				"| server paused, book512, 1 thread | 1,200.0 | 100.0 | 1,100.0 | n/a (no samples per iteration) | 50.00 ± 3.00 | 10.00 ± 1.00 | < 1 ms (1,000 µs) | not met (no error bar) |");
	}

	@Test
	void scoreGivesTheNinetyNinthPercentileOfEachMeasuredIteration() {
		Score score = results().score(JmhResults.Trial.of("OutageBenchmark.missServerDown", "value", "book512"));

		assertThat(score).isNotNull();
		assertThat(score.iterationPercentilesMicros(0.99)).containsExactly(400.0, 20.0);
		assertThat(score.mode()).isEqualTo("sample");
		assertThat(score.threads()).isEqualTo(1);
	}

	@Test
	void pairedRowsJudgeTheMedianRatioByItsIntervalAndMarkTheRestMissing() {
		assertThat(this.markdown).contains("## L2 hit, cachekit and peer interleaved")
			.contains("20 rounds of about 80 ms per reader.")
			.contains(
					"| memcached | vs raw client get + decode | book512 | 1 | 0.95 | 0.86 … 1.02 | ≥ 0.9x | within noise |")
			.contains("| memcached | vs memcached-spring-boot | book512 | 16 | 3.37 | 3.05 … 3.68 | ≥ 1.5x | met |")
			.contains(
					"| redis | vs RedisCache, JDK serialization | catalog10k | 4 | 1.10 | 1.02 … 1.15 | ≥ 1.2x | not met |")
			.contains(
					"| redis | vs JetCache remote | catalog10k | 4 | 1.51 | 1.24 … 1.67 | none (reported) | reported |")
			.contains("| redis | vs RedisCache, JSON | book512 | 4 | missing |  | ≥ 1.0x | missing |");
		assertThat(this.report.missing()).containsEntry("PairedRatios redis vs RedisCache, JSON book512 4 threads",
				"no result for this comparison in the paired results");
		assertThat(this.markdown).contains(
				"| redis | 1,000 vs 1,000,000 | 0.97 | 0.93 … 1.02 | 1.03 | 1.00 … 1.08 | ≤ 1.10 (within 10%) | met |")
			.contains("| memcached |  | missing |  |  |  | ≤ 1.10 (within 10%) | missing |");
		assertThat(this.report.missing()).containsKey("PairedRatios scale memcached");
	}

	@Test
	void summaryCountsTheVerdicts() {
		assertThat(this.report.summary()).isEqualTo(
				"4 met, 2 not met, 2 not met (no error bar), 3 within noise, 1 wrong mode, 1 reported, 31 missing");
		assertThat(this.markdown).contains("**Verdicts:** " + this.report.summary() + ".");
	}

	@Test
	void reportWithoutAnyResultsMarksEveryRowMissing() {
		PerformanceReport empty = new PerformanceReport(JmhResults.parse("[]", List.of()), null, null,
				PerformanceReport.VALUES, PerformanceReport.SCALE_KEYS);

		String text = empty.render(ENVIRONMENT, null);

		assertThat(text).doesNotContain("| met |").doesNotContain("| not met |").contains("## Missing results");
		assertThat(empty.missing()).hasSize(4 * 2 + 6 * 2 + 6 * 2 + 2 * 4 + 2 + 3 * 2 + 7 * 2 + 2);
	}

	private static JmhResults results() {
		return JmhResults.parse(resource("jmh-results.json"), Arrays.asList(resource("jmh.log").split("\n")));
	}

	private static String resource(String name) {
		try (InputStream in = PerformanceReportTests.class.getResourceAsStream(name)) {
			if (in == null) {
				throw new IllegalStateException("no test resource " + name);
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
