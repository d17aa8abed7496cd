package io.cachekit.benchmarks.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The results of one JMH run, read from its JSON output ({@code -rf json}), and the
 * reasons of the trials that failed, read from its log.
 *
 * <p>
 * JMH leaves a failed trial out of its JSON and still exits with 0; its log says why,
 * after {@code <failure>} (which ends the line of the iteration that failed) under the
 * trial's {@code # Benchmark:} and {@code # Parameters:} lines. A benchmark is named by
 * its class's simple name and method, such as {@code ScaleBenchmark.hitCachekit}.
 */
final class JmhResults {

	private static final String PACKAGE = "io.cachekit.benchmarks.";

	private final Map<Trial, Score> scores;

	private final Map<Trial, String> failures;

	private final Map<String, String> run;

	private JmhResults(Map<Trial, Score> scores, Map<Trial, String> failures, Map<String, String> run) {
		this.scores = scores;
		this.failures = failures;
		this.run = run;
	}

	/**
	 * Reads the results.
	 * @param json JMH's JSON output; a missing file is a run without results
	 * @param log JMH's log, or {@code null}
	 * @return the results
	 * @throws UncheckedIOException when a file cannot be read
	 */
	static JmhResults read(Path json, @Nullable Path log) {
		try {
			String text = Files.exists(json) ? Files.readString(json, StandardCharsets.UTF_8) : "[]";
			List<String> logLines = (log != null && Files.exists(log)) ? Files.readAllLines(log, StandardCharsets.UTF_8)
					: List.of();
			return parse(text.isBlank() ? "[]" : text, logLines);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot read the JMH results " + json + " or log " + log, ex);
		}
	}

	/**
	 * Parses the results.
	 * @param json JMH's JSON output
	 * @param log the lines of JMH's log
	 * @return the results
	 */
	static JmhResults parse(String json, List<String> log) {
		JsonNode root = JsonMapper.builder().build().readTree(json);
		Map<Trial, Score> scores = new HashMap<>();
		Map<String, String> run = new LinkedHashMap<>();
		for (JsonNode result : root.values()) {
			Map<String, String> params = new TreeMap<>();
			for (Map.Entry<String, JsonNode> param : result.path("params").properties()) {
				params.put(param.getKey(), param.getValue().asString());
			}
			JsonNode metric = result.path("primaryMetric");
			Map<String, Double> percentiles = new HashMap<>();
			for (Map.Entry<String, JsonNode> percentile : metric.path("scorePercentiles").properties()) {
				percentiles.put(percentile.getKey(), number(percentile.getValue()));
			}
			Score score = new Score(number(metric.path("score")), number(metric.path("scoreError")),
					metric.path("scoreUnit").asString(""), percentiles, result.path("mode").asString(""),
					result.path("threads").asInt(0), iterations(metric.path("rawDataHistogram")));
			scores.put(new Trial(simpleName(result.path("benchmark").asString("")), params), score);
			if (run.isEmpty()) {
				run.put("jdkVersion", result.path("jdkVersion").asString(""));
				run.put("vmName", result.path("vmName").asString(""));
				run.put("vmVersion", result.path("vmVersion").asString(""));
				run.put("jvm", result.path("jvm").asString(""));
				List<String> args = new ArrayList<>();
				for (JsonNode arg : result.path("jvmArgs").values()) {
					args.add(arg.asString());
				}
				run.put("jvmArgs", String.join(" ", args));
			}
		}
		return new JmhResults(scores, failures(log), run);
	}

	/**
	 * Reads JMH's {@code rawDataHistogram}: per fork, per measured iteration, a list of
	 * {@code [value, count]} pairs.
	 */
	private static List<NavigableMap<Double, Long>> iterations(JsonNode histogram) {
		List<NavigableMap<Double, Long>> iterations = new ArrayList<>();
		for (JsonNode fork : histogram.values()) {
			for (JsonNode iteration : fork.values()) {
				NavigableMap<Double, Long> samples = new TreeMap<>();
				for (JsonNode pair : iteration.values()) {
					if (pair.size() == 2) {
						samples.merge(number(pair.get(0)), pair.get(1).asLong(), Long::sum);
					}
				}
				iterations.add(samples);
			}
		}
		return iterations;
	}

	/**
	 * Reads a JSON number; JMH writes {@code "NaN"} as a string.
	 */
	private static double number(JsonNode node) {
		if (node.isNumber()) {
			return node.doubleValue();
		}
		try {
			return Double.parseDouble(node.asString("NaN"));
		}
		catch (NumberFormatException ex) {
			return Double.NaN;
		}
	}

	private static String simpleName(String benchmark) {
		return benchmark.startsWith(PACKAGE) ? benchmark.substring(PACKAGE.length()) : benchmark;
	}

	private static Map<Trial, String> failures(List<String> log) {
		Map<Trial, String> failures = new HashMap<>();
		String benchmark = null;
		Map<String, String> params = new TreeMap<>();
		for (int i = 0; i < log.size(); i++) {
			String line = log.get(i);
			if (line.startsWith("# Benchmark: ")) {
				benchmark = simpleName(line.substring("# Benchmark: ".length()).trim());
				params = new TreeMap<>();
			}
			else if (line.startsWith("# Parameters: (") && line.endsWith(")")) {
				params = parameters(line.substring("# Parameters: (".length(), line.length() - 1));
			}
			else if (line.endsWith("<failure>") && benchmark != null) {
				String reason = "";
				for (int j = i + 1; j < log.size() && reason.isEmpty(); j++) {
					reason = log.get(j).trim();
				}
				failures.putIfAbsent(new Trial(benchmark, params), reason.isEmpty() ? "failed" : reason);
			}
		}
		return failures;
	}

	private static Map<String, String> parameters(String text) {
		Map<String, String> params = new TreeMap<>();
		for (String pair : text.split(", ")) {
			int equals = pair.indexOf(" = ");
			if (equals > 0) {
				params.put(pair.substring(0, equals).trim(), pair.substring(equals + 3).trim());
			}
		}
		return params;
	}

	/**
	 * Returns the score of a trial.
	 * @param trial the benchmark and its parameters
	 * @return the score, or {@code null} when the run has none
	 */
	@Nullable Score score(Trial trial) {
		return this.scores.get(trial);
	}

	/**
	 * Returns why a trial failed, as JMH's log says.
	 * @param trial the benchmark and its parameters
	 * @return the first line of the failure, or {@code null} when the log has none
	 */
	@Nullable String failure(Trial trial) {
		return this.failures.get(trial);
	}

	/**
	 * Returns a property of the run as JMH recorded it: {@code jdkVersion},
	 * {@code vmName}, {@code vmVersion}, {@code jvm} or {@code jvmArgs}.
	 * @param name the property
	 * @return its value, empty when the run has no results
	 */
	String run(String name) {
		return this.run.getOrDefault(name, "");
	}

	/**
	 * One trial: a benchmark (class simple name and method) and its parameters.
	 *
	 * @param benchmark such as {@code ScaleBenchmark.hitCachekit}
	 * @param params the parameters, such as {@code value=book512}
	 */
	record Trial(String benchmark, Map<String, String> params) {

		Trial {
			params = Map.copyOf(params);
		}

		static Trial of(String benchmark, String... params) {
			Map<String, String> map = new TreeMap<>();
			for (int i = 0; i + 1 < params.length; i += 2) {
				map.put(params[i], params[i + 1]);
			}
			return new Trial(benchmark, map);
		}

		@Override
		public String toString() {
			return this.params.isEmpty() ? this.benchmark : this.benchmark + " " + new TreeMap<>(this.params);
		}

	}

}
