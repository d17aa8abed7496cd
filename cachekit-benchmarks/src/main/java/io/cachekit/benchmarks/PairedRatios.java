package io.cachekit.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Measures the L2 hit ratios of the report (cachekit ÷ peer) with the two readers
 * interleaved in one JVM, so that a drift of the machine's speed between two JMH trials,
 * minutes apart, does not enter the ratio.
 *
 * <p>
 * For each pair, the two readers of the JMH benchmarks ({@link MemcachedPeerBenchmark}'s
 * {@code Readers}, {@link RedisPeerBenchmark}'s peers, each on its own server) read
 * random keys in alternating rounds: in each round, each reader makes the same number of
 * calls on the same number of threads, cachekit first in even rounds and second in odd
 * ones. A round's ratio is the peer's time ÷ cachekit's time (cachekit's throughput ÷ the
 * peer's); the figure is the median over the rounds, with a distribution-free 95%
 * confidence interval of that median ({@link #medianInterval(double[])}). The first
 * rounds warm both readers up and size the batches to about {@value #ROUND_MILLIS} ms
 * each.
 *
 * <p>
 * Arguments: the number of measured rounds, the values (comma-separated, as
 * {@link BenchmarkValues} names them), the fewest and the most keys of the scale pair
 * (comma-separated), and the JSON file to write. Run it from the repository's root:
 *
 * <pre>
 * java -cp cachekit-benchmarks/target/benchmarks.jar io.cachekit.benchmarks.PairedRatios 20 book512,catalog10k 1000,1000000 /tmp/paired.json
 * </pre>
 */
public final class PairedRatios {

	/** The time each reader is given in a round. */
	static final int ROUND_MILLIS = 80;

	private static final int WARMUP_ROUNDS = 4;

	private PairedRatios() {
	}

	public static void main(String[] args) throws Exception {
		int rounds = (args.length > 0) ? Integer.parseInt(args[0]) : 20;
		List<String> values = List.of(((args.length > 1) ? args[1] : "book512,catalog10k").split(","));
		String[] scaleKeys = ((args.length > 2) ? args[2] : "1000,1000000").split(",");
		Path output = Path.of((args.length > 3) ? args[3] : "cachekit-benchmarks/target/bench/paired.json");
		JsonMapper mapper = JsonMapper.builder().build();
		ObjectNode report = mapper.createObjectNode();
		report.put("rounds", rounds);
		report.put("roundMillis", ROUND_MILLIS);
		ArrayNode results = report.putArray("results");
		for (String value : values) {
			memcached(value, rounds, results);
			redis(value, rounds, results);
		}
		for (String backend : List.of("memcached", "redis")) {
			scale(backend, Integer.parseInt(scaleKeys[0]), Integer.parseInt(scaleKeys[scaleKeys.length - 1]), rounds,
					results);
		}
		Path parent = output.toAbsolutePath().getParent();
		if (parent != null) {
			Files.createDirectories(parent);
		}
		mapper.writerWithDefaultPrettyPrinter().writeValue(output, report);
		System.out.println("wrote " + output);
	}

	private static void memcached(String value, int rounds, ArrayNode results) throws Exception {
		MemcachedPeerBenchmark.Readers readers = new MemcachedPeerBenchmark.Readers();
		readers.value = value;
		readers.start();
		try {
			Reader cachekit = () -> readers.cachekit(readers.randomIndex());
			for (int threads : new int[] { 1, 16 }) {
				results.add(measure("memcached", "raw client get + decode", value, threads, rounds, cachekit,
						() -> readers.rawClient(readers.randomIndex())));
				results.add(measure("memcached", "memcached-spring-boot", value, threads, rounds, cachekit,
						() -> readers.memcachedSpringBoot(readers.randomIndex())));
			}
		}
		finally {
			readers.stop();
		}
	}

	private static void redis(String value, int rounds, ArrayNode results) throws Exception {
		RedisPeerBenchmark.CachekitRemote cachekit = started(new RedisPeerBenchmark.CachekitRemote(), value);
		try {
			compare(value, rounds, results, cachekit, "RedisCache, JDK serialization",
					new RedisPeerBenchmark.RedisCacheJdk());
			compare(value, rounds, results, cachekit, "RedisCache, JSON", new RedisPeerBenchmark.RedisCacheJson());
			compare(value, rounds, results, cachekit, "JetCache remote", new RedisPeerBenchmark.JetCacheRemote());
		}
		finally {
			cachekit.stop();
		}
	}

	private static void compare(String value, int rounds, ArrayNode results, RedisPeerBenchmark.RedisPeer cachekit,
			String peerName, RedisPeerBenchmark.RedisPeer peer) throws Exception {
		started(peer, value);
		try {
			results
				.add(measure("redis", peerName, value, RedisPeerBenchmark.THREADS, rounds, cachekit::hit, peer::hit));
		}
		finally {
			peer.stop();
		}
	}

	private static <P extends RedisPeerBenchmark.RedisPeer> P started(P peer, String value) {
		peer.value = value;
		peer.start();
		return peer;
	}

	private static void scale(String backend, int fewest, int most, int rounds, ArrayNode results) throws Exception {
		ScaleBenchmark few = scaleState(backend, fewest);
		try {
			ScaleBenchmark many = scaleState(backend, most);
			try {
				ObjectNode result = measure(backend, "scale", BenchmarkValues.BOOK_512, ScaleBenchmark.THREADS, rounds,
						few::hitCachekit, many::hitCachekit);
				result.put("fewestKeys", fewest);
				result.put("mostKeys", most);
				results.add(result);
			}
			finally {
				many.stop();
			}
		}
		finally {
			few.stop();
		}
	}

	private static ScaleBenchmark scaleState(String backend, int keys) throws InterruptedException {
		ScaleBenchmark state = new ScaleBenchmark();
		state.backend = backend;
		state.keys = keys;
		state.start();
		return state;
	}

	private static ObjectNode measure(String backend, String peer, String value, int threads, int rounds,
			Reader cachekit, Reader other) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			int calls = 64;
			for (int round = 0; round < WARMUP_ROUNDS; round++) {
				long nanos = Math.max(time(pool, cachekit, threads, calls), time(pool, other, threads, calls));
				calls = (int) Math.max(threads, Math.min(1_000_000L, calls * (ROUND_MILLIS * 1_000_000L) / nanos));
			}
			double[] ratios = new double[rounds];
			for (int round = 0; round < rounds; round++) {
				boolean cachekitFirst = round % 2 == 0;
				long first = time(pool, cachekitFirst ? cachekit : other, threads, calls);
				long second = time(pool, cachekitFirst ? other : cachekit, threads, calls);
				ratios[round] = cachekitFirst ? (double) second / first : (double) first / second;
			}
			double[] interval = medianInterval(ratios);
			System.out.printf("[paired] %s %s %s %d threads: %.2f (%.2f-%.2f), %d calls per round%n", backend, peer,
					value, threads, interval[1], interval[0], interval[2], calls);
			ObjectNode result = JsonNodeFactory.instance.objectNode();
			result.put("backend", backend);
			result.put("peer", peer);
			result.put("value", value);
			result.put("threads", threads);
			result.put("callsPerRound", calls);
			result.put("ratio", interval[1]);
			result.put("low", interval[0]);
			result.put("high", interval[2]);
			return result;
		}
		finally {
			pool.shutdownNow();
		}
	}

	/**
	 * Returns the median of the ratios and a distribution-free 95% confidence interval of
	 * it: the order statistics of ranks k and n + 1 − k, with k the largest rank for
	 * which a binomial(n, ½) variable falls below k with probability at most 2.5%.
	 * @param ratios at least 6 ratios
	 * @return low, median, high
	 * @throws IllegalArgumentException with fewer than 6 ratios, for which no such
	 * interval exists
	 */
	static double[] medianInterval(double[] ratios) {
		int n = ratios.length;
		if (n < 6) {
			throw new IllegalArgumentException("a 95% interval of a median needs at least 6 rounds, got " + n);
		}
		double[] sorted = ratios.clone();
		Arrays.sort(sorted);
		double median = (n % 2 == 1) ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
		// P(X <= j) for X ~ binomial(n, 1/2), accumulated until it exceeds 2.5%.
		double probability = Math.pow(0.5, n);
		double cumulative = probability;
		int k = 0;
		while (cumulative <= 0.025) {
			k++;
			probability = probability * (n - k + 1) / k;
			cumulative += probability;
		}
		// P(X <= k - 1) <= 2.5%: ranks k and n + 1 - k (1-based) bound the median.
		return new double[] { sorted[k - 1], median, sorted[n - k] };
	}

	private static long time(ExecutorService pool, Reader reader, int threads, int calls) throws Exception {
		int perThread = Math.max(1, calls / threads);
		List<Callable<Void>> tasks = new ArrayList<>(threads);
		for (int t = 0; t < threads; t++) {
			tasks.add(() -> {
				for (int i = 0; i < perThread; i++) {
					reader.read();
				}
				return null;
			});
		}
		long start = System.nanoTime();
		for (Future<Void> done : pool.invokeAll(tasks)) {
			done.get();
		}
		return System.nanoTime() - start;
	}

	/** One call of a reader under test. */
	@FunctionalInterface
	private interface Reader {

		void read();

	}

}
