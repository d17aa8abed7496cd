package io.cachekit.benchmarks.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.cachekit.benchmarks.report.JmhResults.Trial;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes {@code docs/performance.md} from one JMH run of the peer comparisons, the L1
 * retention measurement and the interleaved L2 ratios: one table per target of the
 * performance issue, each row with cachekit's score and the peer's, their ratio (or
 * difference) with the range their error bars allow, the target and the verdict.
 *
 * <p>
 * A benchmark missing from the JMH results (its trial failed, or it was not run) shows as
 * {@code missing}, with the reason JMH's log gives when it gives one; no figure is ever
 * made up. {@link #main(String[])} exits with 1 when anything was missing, after writing
 * the report, since JMH itself exits with 0 when a trial fails.
 *
 * <p>
 * Options: {@code --jmh FILE} (JMH's JSON), {@code --log FILE} (JMH's output),
 * {@code --retention FILE} ({@code L1Retention}'s JSON), {@code --paired FILE}
 * ({@code PairedRatios}' JSON), {@code --out FILE} (the Markdown),
 * {@code --command TEXT}, {@code --profile TEXT}, {@code --values LIST} and
 * {@code --scale-keys LIST} (the values and key counts the run was asked for,
 * comma-separated; all of them by default), {@code --cpu-steal PERCENT} (the share of CPU
 * time the hypervisor took while JMH ran, shown with the machine) and {@code --note TEXT}
 * (a remark printed at the top, such as that the machine was loaded).
 */
public final class PerformanceReport {

	static final List<String> VALUES = List.of("book512", "catalog10k");

	static final List<String> SCALE_KEYS = List.of("1000", "10000", "100000", "1000000");

	static final List<String> SCALE_BACKENDS = List.of("memcached", "redis");

	private final JmhResults results;

	private final @Nullable JsonNode retention;

	private final PairedRatioTable paired;

	private final List<String> values;

	private final List<String> scaleKeys;

	private final Map<String, String> missing = new LinkedHashMap<>();

	private final Map<Verdict, Integer> verdicts = new EnumMap<>(Verdict.class);

	/**
	 * Creates a report.
	 * @param results the JMH results
	 * @param retention {@code L1Retention}'s JSON, or {@code null} when it did not run
	 * @param paired {@code PairedRatios}'s JSON, or {@code null} when it did not run
	 * @param values the values the run was asked for
	 * @param scaleKeys the key counts {@code ScaleBenchmark} was asked for
	 */
	PerformanceReport(JmhResults results, @Nullable JsonNode retention, @Nullable JsonNode paired, List<String> values,
			List<String> scaleKeys) {
		this.results = results;
		this.retention = retention;
		this.paired = new PairedRatioTable(paired);
		this.values = List.copyOf(values);
		this.scaleKeys = List.copyOf(scaleKeys);
	}

	public static void main(String[] args) throws IOException {
		Map<String, String> options = options(args);
		Path out = Path.of(options.getOrDefault("out", "docs/performance.md"));
		Path log = options.containsKey("log") ? Path.of(options.get("log")) : null;
		JmhResults results = JmhResults
			.read(Path.of(options.getOrDefault("jmh", "cachekit-benchmarks/target/bench/jmh.json")), log);
		Path retentionFile = Path
			.of(options.getOrDefault("retention", "cachekit-benchmarks/target/bench/l1-retention.json"));
		JsonNode retention = Files.exists(retentionFile) ? JsonMapper.builder().build().readTree(retentionFile) : null;
		Path pairedFile = Path.of(options.getOrDefault("paired", "cachekit-benchmarks/target/bench/paired.json"));
		JsonNode paired = Files.exists(pairedFile) ? JsonMapper.builder().build().readTree(pairedFile) : null;
		List<String> scaleKeys = options.containsKey("scale-keys") ? Arrays.asList(options.get("scale-keys").split(","))
				: SCALE_KEYS;
		List<String> values = options.containsKey("values") ? Arrays.asList(options.get("values").split(",")) : VALUES;
		PerformanceReport report = new PerformanceReport(results, retention, paired, values, scaleKeys);
		Environment environment = Environment.detect(options.getOrDefault("command", "scripts/bench.sh"),
				options.getOrDefault("profile", "full"), options.get("cpu-steal"));
		String markdown = report.render(environment, options.get("note"));
		Path parent = out.toAbsolutePath().getParent();
		if (parent != null) {
			Files.createDirectories(parent);
		}
		Files.writeString(out, markdown, StandardCharsets.UTF_8);
		System.out.println("wrote " + out + ": " + report.summary());
		if (!report.missing().isEmpty()) {
			System.err.println("missing results:");
			report.missing().forEach((what, why) -> System.err.println("  " + what + ": " + why));
			System.exit(1);
		}
	}

	private static Map<String, String> options(String[] args) {
		Map<String, String> options = new LinkedHashMap<>();
		for (int i = 0; i < args.length; i++) {
			if (!args[i].startsWith("--") || i + 1 >= args.length) {
				throw new IllegalArgumentException("expected --option value pairs, got " + Arrays.toString(args));
			}
			options.put(args[i].substring(2), args[++i]);
		}
		return options;
	}

	/**
	 * Returns what was missing from the results after {@link #render}: each missing trial
	 * and why.
	 * @return trial to reason, in the report's order
	 */
	Map<String, String> missing() {
		return this.missing;
	}

	/**
	 * Returns how many rows got each verdict, after {@link #render}.
	 * @return the counts as text, such as {@code 3 met, 1 not met}
	 */
	String summary() {
		List<String> parts = new ArrayList<>();
		this.verdicts.forEach((verdict, count) -> parts.add(count + " " + verdict));
		return String.join(", ", parts);
	}

	/**
	 * Renders the report.
	 * @param environment the machine, JDK, command and versions
	 * @param note a remark for the top of the report, or {@code null}
	 * @return the Markdown
	 */
	String render(Environment environment, @Nullable String note) {
		this.missing.clear();
		this.verdicts.clear();
		StringBuilder body = new StringBuilder();
		localHit(body);
		localMiss(body);
		memcachedHit(body);
		redisHit(body);
		this.paired.render(body, this.values, this::count, this.missing::put);
		scale(body);
		retention(body);
		outage(body);
		StringBuilder out = new StringBuilder();
		out.append("# cachekit performance\n\n");
		out.append("<!-- Written by scripts/bench.sh (io.cachekit.benchmarks.report.PerformanceReport); ")
			.append("do not edit by hand: run the script again. -->\n\n");
		if (note != null && !note.isBlank()) {
			out.append("> **").append(note.strip()).append("**\n\n");
		}
		header(out, environment);
		out.append("## How to read this\n\n")
			.append("Each figure is one JMH fork on the machine above, with memcached, redis-server, the clients' ")
			.append("I/O threads and the benchmark threads sharing its cores; ± is JMH's 99.9% confidence ")
			.append("interval over the measurement iterations, not the spread between runs. A ratio is ")
			.append("cachekit ÷ peer; its range runs from the least to the most favourable ends of the two ")
			.append("error bars ((a − ea) ÷ (b + eb) … (a + ea) ÷ (b − eb)), and is n/a when an error is as large ")
			.append("as its score. A target is *met* when the whole range meets it, *not met* when none of it ")
			.append("does, and *within noise* when the target lies inside the range: run again on a quieter ")
			.append("machine or with longer iterations before reading more into it. A figure whose range is n/a ")
			.append("(a single iteration, or an error as large as its score) is judged on its value alone and ")
			.append("says so: *met (no error bar)* or *not met (no error bar)*. Percentiles and heap sizes ")
			.append("carry no error bar (range *exact*); the outage rows show the spread of the per-iteration ")
			.append("99th percentiles instead. Each row names the threads its trials ran with, as JMH recorded ")
			.append("them; a throughput row whose score is not operations per second says *wrong mode*. ")
			.append("Every cachekit trial fails, and shows here as ")
			.append("*missing*, when cachekit missed or counted an L2 or codec error while measured, since a ")
			.append("failure is a fast miss that would flatter it.\n\n");
		out.append("**Verdicts:** ").append(summary().isEmpty() ? "none" : summary()).append(".\n\n");
		out.append(body);
		out.append("## Missing results\n\n");
		if (this.missing.isEmpty()) {
			out.append("None: every benchmark of the run has a result.\n");
		}
		else {
			out.append("These trials have no result; their rows above say *missing*. ")
				.append("JMH leaves a failed trial out of its results; the reason is its log's first line ")
				.append("after `<failure>`, where it has one.\n\n");
			this.missing.forEach((what, why) -> out.append("- `").append(what).append("`: ").append(why).append('\n'));
		}
		return out.toString();
	}

	private void header(StringBuilder out, Environment environment) {
		out.append("## Run\n\n| | |\n| --- | --- |\n");
		row(out, "Date", environment.date().toString());
		row(out, "Machine", environment.machine());
		row(out, "JDK", environment.jdk());
		String jmhJdk = this.results.run("jdkVersion");
		if (!jmhJdk.isEmpty()) {
			row(out, "Benchmark JVM",
					this.results.run("vmName") + " " + this.results.run("vmVersion") + " (JDK " + jmhJdk + ")");
		}
		row(out, "JVM options", code(this.results.run("jvmArgs").isEmpty() ? "(none)" : this.results.run("jvmArgs")));
		row(out, "Command", code(environment.command()));
		row(out, "Profile", environment.profile());
		out.append("\n### Versions\n\n| component | version |\n| --- | --- |\n");
		environment.versions().forEach((name, version) -> row(out, name, version));
		out.append('\n');
	}

	private void localHit(StringBuilder out) {
		section(out, "L1 hit through `@Cacheable`",
				"`LocalCacheableBenchmark`, calls per second through a Spring `@Cacheable` proxy: "
						+ "cachekit with L1 only against Spring's `CaffeineCacheManager`.");
		ratioHeader(out);
		for (String value : this.values) {
			ratioRow(out, "vs CaffeineCacheManager", value,
					Trial.of("LocalCacheableBenchmark.hitCachekit", "value", value),
					Trial.of("LocalCacheableBenchmark.hitCaffeine", "value", value), Target.atLeast(0.9, "0.9x"));
		}
		out.append('\n');
	}

	private void localMiss(StringBuilder out) {
		section(out, "`@Cacheable` miss, L1 only",
				"`LocalCacheableBenchmark`, microseconds per call: each call a new key, the method "
						+ "returns a prebuilt value, which is stored. The figure is cachekit's time minus Caffeine's.");
		out.append(
				"| value | cachekit (µs/call) | Caffeine (µs/call) | cachekit − Caffeine (µs) | range | target | verdict |\n");
		out.append("| --- | ---: | ---: | ---: | ---: | --- | --- |\n");
		for (String value : this.values) {
			Trial a = Trial.of("LocalCacheableBenchmark.missCachekit", "value", value);
			Trial b = Trial.of("LocalCacheableBenchmark.missCaffeine", "value", value);
			Score sa = score(a);
			Score sb = score(b);
			Target target = Target.atMost(2, "2 µs");
			if (sa == null || sb == null) {
				missingRow(out, value, scoreCell(sa, false), scoreCell(sb, false), target);
				continue;
			}
			Estimate difference = Estimate.differenceMicros(sa, sb);
			Verdict verdict = count(target.verdict(difference));
			cells(out, value + threads(sa, sb), micros(sa), micros(sb), format("%,.2f", difference.value()),
					difference.range("%,.2f"), target.toString(), verdict.toString());
		}
		out.append('\n');
	}

	private void memcachedHit(StringBuilder out) {
		section(out, "memcached L2 hit, L1 off",
				"`MemcachedPeerBenchmark`, calls per second against one memcached: cachekit (L1 off) against "
						+ "spymemcached's `MemcachedClient.get` of the same bytes plus decoding them with the same "
						+ "codec (the starter's over memcached: LZ4 above 1 KB), and against memcached-spring-boot's `MemcachedCacheManager`.");
		ratioHeader(out);
		for (String value : this.values) {
			for (String threads : List.of("", "16")) {
				Trial cachekit = Trial.of("MemcachedPeerBenchmark.hitCachekit" + threads, "value", value);
				ratioRow(out, "vs raw client get + decode", value, cachekit,
						Trial.of("MemcachedPeerBenchmark.hitRawClient" + threads, "value", value),
						Target.atLeast(0.9, "0.9x"));
				ratioRow(out, "vs memcached-spring-boot", value, cachekit,
						Trial.of("MemcachedPeerBenchmark.hitMemcachedSpringBoot" + threads, "value", value),
						Target.atLeast(1.5, "1.5x"));
			}
		}
		out.append('\n');
	}

	private void redisHit(StringBuilder out) {
		section(out, "Redis L2 hit, L1 off; two-level hit",
				"`RedisPeerBenchmark`, calls per second against one redis-server: cachekit (L1 off) "
						+ "against Spring Data Redis's `RedisCacheManager` with JDK serialization and with its JSON "
						+ "serializer, and JetCache's remote cache; then cachekit with L1 on over Redis against "
						+ "JetCache's two-level cache (both hits served by the local tier).");
		ratioHeader(out);
		for (String value : this.values) {
			Trial cachekit = Trial.of("RedisPeerBenchmark.hitCachekit", "value", value);
			ratioRow(out, "vs RedisCache, JDK serialization", value, cachekit,
					Trial.of("RedisPeerBenchmark.hitRedisCacheJdk", "value", value), Target.atLeast(1.2, "1.2x"));
			ratioRow(out, "vs RedisCache, JSON", value, cachekit,
					Trial.of("RedisPeerBenchmark.hitRedisCacheJson", "value", value), Target.atLeast(1.0, "1.0x"));
			ratioRow(out, "vs JetCache remote", value, cachekit,
					Trial.of("RedisPeerBenchmark.hitJetCacheRemote", "value", value), null);
			ratioRow(out, "two-level hit vs JetCache two-level", value,
					Trial.of("RedisPeerBenchmark.twoLevelHitCachekit", "value", value),
					Trial.of("RedisPeerBenchmark.twoLevelHitJetCache", "value", value), null);
		}
		out.append('\n');
	}

	private void scale(StringBuilder out) {
		section(out, "Scale: L2 hit by number of keys",
				"`ScaleBenchmark`, cachekit (L1 off) reading a random key of the set, `book512` values, "
						+ "calls per second; the spread is the largest score ÷ the smallest over the key counts run.");
		out.append("| backend |");
		for (String keys : this.scaleKeys) {
			out.append(' ').append(format("%,d", Long.parseLong(keys))).append(" keys |");
		}
		out.append(" max ÷ min | range | target | verdict |\n|");
		out.append(" --- |".repeat(1)).append(" ---: |".repeat(this.scaleKeys.size() + 2)).append(" --- | --- |\n");
		for (String backend : SCALE_BACKENDS) {
			StringBuilder row = new StringBuilder();
			Score min = null;
			Score max = null;
			boolean complete = true;
			boolean wrongMode = false;
			int threads = 0;
			for (String keys : this.scaleKeys) {
				Trial trial = Trial.of("ScaleBenchmark.hitCachekit", "backend", backend, "keys", keys);
				Score score = score(trial);
				row.append(' ').append(scoreCell(score, true)).append(" |");
				if (score == null) {
					complete = false;
					continue;
				}
				threads = Math.max(threads, score.threads());
				wrongMode |= !score.isThroughput();
				min = (min == null || score.score() < min.score()) ? score : min;
				max = (max == null || score.score() > max.score()) ? score : max;
			}
			out.append("| ").append(backend).append(threads(threads)).append(" |").append(row);
			Target target = Target.atMost(1.1, "1.10 (within 10%)");
			if (wrongMode) {
				out.append(" wrong mode (not a throughput) | | ")
					.append(target)
					.append(" | ")
					.append(count(Verdict.WRONG_MODE))
					.append(" |\n");
				continue;
			}
			if (!complete || min == null || max == null) {
				out.append(" missing | | ").append(target).append(" | ").append(count(Verdict.MISSING)).append(" |\n");
				continue;
			}
			if (this.scaleKeys.size() < 2) {
				out.append(" n/a (one key count) | | ")
					.append(target)
					.append(" | ")
					.append(count(Verdict.REPORTED))
					.append(" |\n");
				continue;
			}
			Estimate spread = Estimate.ratio(max, min);
			out.append(' ')
				.append(format("%.2f", spread.value()))
				.append(" | ")
				.append(spread.range("%.2f"))
				.append(" | ")
				.append(target)
				.append(" | ")
				.append(count(target.verdict(spread)))
				.append(" |\n");
		}
		out.append('\n');
	}

	private void retention(StringBuilder out) {
		section(out, "L1 heap retained against its budget",
				"`L1Retention`: an L1-only cache with a budget of N bytes (`l1MaxSize`) is written distinct values "
						+ "whose heap size (JOL) adds up to 2N, the budget's unit since L1 weighs values by their "
						+ "estimated heap size (objects every value shares, such as interned strings, are counted once); "
						+ "their encoded size is shown too. The retained heap is the JOL size of the cache minus that "
						+ "of an empty one; the run fails unless L1 evicted (kept fewer entries than written).");
		out.append(
				"| value | budget (bytes) | written, heap (bytes) | written, encoded (bytes) | retained (bytes) | entries kept of written | retained ÷ budget | target | verdict |\n");
		out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |\n");
		Target target = Target.atMost(1.2, "1.2 (N + 20%)");
		for (String value : this.values) {
			JsonNode result = retentionResult(value);
			if (result == null) {
				String what = "L1Retention " + value;
				this.missing.put(what,
						(this.retention == null) ? "no retention results (L1Retention did not run or failed)"
								: "no result for this value in the retention results");
				cells(out, value, "missing", "missing", "missing", "missing", "missing", "missing", target.toString(),
						count(Verdict.MISSING).toString());
				continue;
			}
			double ratio = result.path("ratio").asDouble();
			JsonNode encoded = result.path("writtenEncoded");
			cells(out, value, format("%,d", result.path("budget").asLong()),
					format("%,d", result.path("written").asLong()),
					encoded.isNumber() ? format("%,d", encoded.asLong()) : "not recorded",
					format("%,d", result.path("retained").asLong()),
					format("%,d", result.path("entries").asLong()) + " of "
							+ format("%,d", result.path("writtenEntries").asLong()),
					format("%.2f", ratio), target.toString(), count(target.verdict(Estimate.exact(ratio))).toString());
		}
		out.append('\n');
	}

	private @Nullable JsonNode retentionResult(String value) {
		if (this.retention == null) {
			return null;
		}
		for (JsonNode result : this.retention.path("results").values()) {
			if (value.equals(result.path("value").asString(""))) {
				return result;
			}
		}
		return null;
	}

	private void outage(StringBuilder out) {
		section(out, "Outage: a miss with memcached down or paused",
				"`OutageBenchmark`, sample time: a `@Cacheable` miss (get, then put of a new key) with L1 on "
						+ "over a memcached that was killed, or paused with SIGSTOP (reported separately), its "
						+ "circuit breaker open, against the same calls without a backend. The figure is the "
						+ "difference of the 99th percentiles over all measured samples; the range is the smallest "
						+ "and largest difference of the 99th percentiles of each measured iteration (nearest rank, "
						+ "iterations paired in order). The verdict judges the figure; the range shows how much "
						+ "it moved between iterations.");
		out.append(
				"| outage | outage p99 (µs) | L1 only p99 (µs) | added at p99 (µs) | per-iteration range (µs) | outage mean (µs) | L1 only mean (µs) | target | verdict |\n");
		out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |\n");
		Target target = Target.below(1000, "1 ms (1,000 µs)");
		for (String value : this.values) {
			for (String outage : List.of("ServerDown", "ServerPaused")) {
				String label = (outage.equals("ServerDown") ? "server down, " : "server paused, ") + value;
				Trial a = Trial.of("OutageBenchmark.miss" + outage, "value", value);
				Trial b = Trial.of("OutageBenchmark.missL1Only", "value", value);
				Score sa = score(a);
				Score sb = score(b);
				Double pa = (sa != null) ? sa.percentileMicros("99.0") : null;
				Double pb = (sb != null) ? sb.percentileMicros("99.0") : null;
				if (sa == null || sb == null || pa == null || pb == null) {
					cells(out, label, (sa == null) ? "missing" : "no p99", (sb == null) ? "missing" : "no p99",
							"missing", "", scoreCell(sa, false), scoreCell(sb, false), target.toString(),
							count(Verdict.MISSING).toString());
					continue;
				}
				double added = pa - pb;
				List<Double> perA = sa.iterationPercentilesMicros(0.99);
				List<Double> perB = sb.iterationPercentilesMicros(0.99);
				int paired = Math.min(perA.size(), perB.size());
				String range;
				Verdict verdict;
				if (paired == 0) {
					range = "n/a (no samples per iteration)";
					verdict = target.meets(added) ? Verdict.MET_NO_ERROR_BAR : Verdict.NOT_MET_NO_ERROR_BAR;
				}
				else {
					double low = Double.POSITIVE_INFINITY;
					double high = Double.NEGATIVE_INFINITY;
					for (int i = 0; i < paired; i++) {
						double difference = perA.get(i) - perB.get(i);
						low = Math.min(low, difference);
						high = Math.max(high, difference);
					}
					range = format("%,.1f", low) + " … " + format("%,.1f", high) + " (" + paired + " iterations)";
					verdict = target.meets(added) ? Verdict.MET : Verdict.NOT_MET;
				}
				cells(out, label + threads(sa, sb), format("%,.1f", pa), format("%,.1f", pb), format("%,.1f", added),
						range, micros(sa), micros(sb), target.toString(), count(verdict).toString());
			}
		}
		out.append('\n');
	}

	private static void section(StringBuilder out, String title, String description) {
		out.append("## ").append(title).append("\n\n").append(description).append("\n\n");
	}

	private static void ratioHeader(StringBuilder out) {
		out.append("| comparison | value | cachekit | peer | cachekit ÷ peer | range | target | verdict |\n");
		out.append("| --- | --- | ---: | ---: | ---: | ---: | --- | --- |\n");
	}

	private void ratioRow(StringBuilder out, String comparison, String value, Trial cachekit, Trial peer,
			@Nullable Target target) {
		Score a = score(cachekit);
		Score b = score(peer);
		String targetText = (target != null) ? target.toString() : "none (reported)";
		if (a == null || b == null) {
			String method = cachekit.benchmark().substring(cachekit.benchmark().indexOf('.') + 1);
			cells(out, comparison + " (`" + method + "`)", value, scoreCell(a, true), scoreCell(b, true), "missing", "",
					targetText, count(Verdict.MISSING).toString());
			return;
		}
		String label = comparison + threads(a, b);
		if (!a.isThroughput() || !b.isThroughput()) {
			cells(out, label, value, modeCell(a), modeCell(b), "n/a", "", targetText,
					count(Verdict.WRONG_MODE).toString());
			return;
		}
		Estimate ratio = Estimate.ratio(a, b);
		cells(out, label, value, throughput(a), throughput(b), format("%.2f", ratio.value()), ratio.range("%.2f"),
				targetText, count(Target.verdict(target, ratio)).toString());
	}

	/**
	 * Returns the thread counts of two trials as a label's suffix, such as
	 * {@code ", 4 threads"}, or {@code ", 2 threads vs 1 thread"} when they differ.
	 */
	private static String threads(Score a, Score b) {
		if (a.threads() == b.threads()) {
			return threads(a.threads());
		}
		return threads(a.threads()) + " vs " + threads(b.threads()).substring(2);
	}

	private static String threads(int threads) {
		if (threads <= 0) {
			return ", threads unknown";
		}
		return ", " + threads + ((threads == 1) ? " thread" : " threads");
	}

	private static String modeCell(Score score) {
		return format("%,.2f", score.score()) + " " + score.unit()
				+ (score.mode().isEmpty() ? "" : " (" + score.mode() + ")");
	}

	private void missingRow(StringBuilder out, String value, String a, String b, Target target) {
		cells(out, value, a, b, "missing", "", target.toString(), count(Verdict.MISSING).toString());
	}

	/**
	 * Returns a trial's score, noting it as missing when the run has none.
	 */
	private @Nullable Score score(Trial trial) {
		Score score = this.results.score(trial);
		if (score == null) {
			String reason = this.results.failure(trial);
			this.missing.putIfAbsent(trial.toString(), (reason != null) ? "failed: " + reason
					: "no result in the JMH JSON and no failure in its log (not run?)");
		}
		return score;
	}

	private static String scoreCell(@Nullable Score score, boolean throughput) {
		if (score == null) {
			return "missing";
		}
		return throughput ? throughput(score) : micros(score);
	}

	private Verdict count(Verdict verdict) {
		this.verdicts.merge(verdict, 1, Integer::sum);
		return verdict;
	}

	private static String throughput(Score score) {
		return format("%,.0f", score.score()) + " ± "
				+ (Double.isNaN(score.error()) ? "n/a" : format("%,.0f", score.error()));
	}

	private static String micros(Score score) {
		return format("%,.2f", score.micros()) + " ± "
				+ (Double.isNaN(score.error()) ? "n/a" : format("%,.2f", score.errorMicros()));
	}

	/**
	 * Appends one row of a Markdown table.
	 * @param out the report
	 * @param cells the row's cells, in order
	 */
	static void cells(StringBuilder out, String... cells) {
		out.append('|');
		for (String cell : cells) {
			out.append(' ').append(cell).append(" |");
		}
		out.append('\n');
	}

	private static void row(StringBuilder out, String name, String value) {
		cells(out, name, value.replace("|", "\\|"));
	}

	private static String code(String text) {
		return "`" + text + "`";
	}

	private static String format(String format, Object... args) {
		return String.format(Locale.ROOT, format, args);
	}

}
