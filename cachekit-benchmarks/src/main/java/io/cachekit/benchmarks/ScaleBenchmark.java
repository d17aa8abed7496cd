package io.cachekit.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

import io.cachekit.backend.Backend;
import io.cachekit.backend.memcached.MemcachedBackend;
import io.cachekit.backend.memcached.MemcachedConfig;
import io.cachekit.backend.redis.RedisBackend;
import io.cachekit.backend.redis.RedisBackendConfig;
import io.cachekit.codec.ValueCodec;
import io.cachekit.spring.CachekitCache;
import io.cachekit.test.ServerKind;
import io.cachekit.test.ServerProcess;
import io.cachekit.tier.CacheConfiguration;
import io.cachekit.tier.Tier;
import io.cachekit.tier.TieredCache;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import org.springframework.cache.Cache;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * L2 hit throughput of cachekit (L1 off) as the number of distinct keys grows from
 * 10<sup>3</sup> to 10<sup>6</sup>: a shared tier whose speed depended on the size of the
 * key set would show here.
 *
 * <p>
 * Each trial starts its own memcached ({@code -m 1024}, so that a million {@code book512}
 * values fit without eviction) or redis-server, fills every key through cachekit from
 * {@value #FILL_THREADS} threads (through a cache without coherence, see
 * {@link #filler}), prints how long that took, checks that a sample of keys reads back
 * equal, and reads {@value #WARM_READS} random keys, the same warm-up for every key
 * count. The cache encodes with the codec the starter builds for the backend
 * ({@link StarterCodecs}). Four threads then read a random key of the set per call
 * through cachekit's Spring {@link Cache}. Teardown fails the trial when a read missed or
 * L2 reported an error.
 *
 * <p>
 * memcached and redis-server must be installed. Run it from the repository's root:
 *
 * <pre>
 * java -jar cachekit-benchmarks/target/benchmarks.jar ScaleBenchmark -p keys=1000,100000
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(ScaleBenchmark.THREADS)
@Fork(1)
@Warmup(iterations = 2, time = 2, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 3, time = 2, timeUnit = TimeUnit.SECONDS)
public class ScaleBenchmark {

	/** The threads each trial reads with. */
	static final int THREADS = 4;

	static final int FILL_THREADS = 16;

	static final int SAMPLE_SIZE = 1000;

	static final int WARM_READS = 20_000;

	/** The L2 server: {@code memcached} or {@code redis}. */
	@Param({ "memcached", "redis" })
	String backend = "memcached";

	/** The number of distinct keys stored and read. */
	@Param({ "1000", "10000", "100000", "1000000" })
	int keys = 1000;

	private String[] keyNames = new String[0];

	private @Nullable ServerProcess server;

	private @Nullable LettuceConnectionFactory connectionFactory;

	private @Nullable Backend l2;

	/** The backend, to close. */
	private @Nullable AutoCloseable l2Resource;

	private @Nullable TieredCache tiered;

	private @Nullable Cache cachekit;

	/**
	 * Starts the server and fills it. On failure, closes what it made before rethrowing:
	 * JMH halts a failed fork without running shutdown hooks, which would leave the
	 * server running.
	 */
	@Setup(Level.Trial)
	public void start() throws InterruptedException {
		try {
			open();
		}
		catch (InterruptedException | RuntimeException | Error ex) {
			try {
				close();
			}
			catch (RuntimeException closing) {
				ex.addSuppressed(closing);
			}
			throw ex;
		}
	}

	private void open() throws InterruptedException {
		this.keyNames = new String[this.keys];
		for (int i = 0; i < this.keys; i++) {
			this.keyNames[i] = "scale-" + i;
		}
		Backend l2 = startBackend();
		this.l2 = l2;
		ValueCodec codec = StarterCodecs.forBackend(this.backend);
		TieredCache tiered = StarterCodecs.withoutL1(l2, codec);
		this.tiered = tiered;
		CachekitCache cachekit = new CachekitCache(tiered);
		long started = System.nanoTime();
		fill(new CachekitCache(filler(l2, tiered.name(), codec)));
		long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
		System.out.printf("%nfilled %,d keys of %s through cachekit in %,d ms (%,.0f puts/s from %d threads)%n",
				this.keys, this.backend, millis, this.keys * 1000.0 / Math.max(1, millis), FILL_THREADS);
		checkSample(cachekit);
		warmReads(cachekit);
		this.cachekit = cachekit;
	}

	private Backend startBackend() {
		switch (this.backend) {
			case "memcached" -> {
				ServerProcess server = ServerProcess.start(ServerKind.MEMCACHED, "-m", "1024");
				this.server = server;
				MemcachedBackend backend = MemcachedBackend
					.create(MemcachedConfig.builder().servers(server.address()).build());
				this.l2Resource = backend;
				return backend;
			}
			case "redis" -> {
				ServerProcess server = ServerProcess.start(ServerKind.REDIS);
				this.server = server;
				LettuceConnectionFactory connectionFactory = new LettuceConnectionFactory(
						new RedisStandaloneConfiguration("127.0.0.1", server.port()));
				this.connectionFactory = connectionFactory;
				connectionFactory.afterPropertiesSet();
				connectionFactory.start();
				RedisBackend backend = RedisBackend.create(connectionFactory, RedisBackendConfig.builder().build());
				this.l2Resource = backend;
				return backend;
			}
			default ->
				throw new IllegalArgumentException("Unknown backend " + this.backend + "; expected memcached or redis");
		}
	}

	/**
	 * Returns a cache of the same name over the same backend, hence writing the same L2
	 * keys, without coherence: it does not announce each of a million new keys on the
	 * invalidation journal, which adds L2 writes to every put. The sample check reads
	 * through the measured cache, so a fill it could not read fails the trial.
	 */
	private static TieredCache filler(Backend backend, String name, ValueCodec codec) {
		return TieredCache.builder(name)
			.configuration(
					CacheConfiguration.defaults().withL1Enabled(false).withTtl(CacheBenchmark.TTL).withCoherence(false))
			.backend(backend)
			.codec(codec)
			.build();
	}

	/**
	 * Stores every key, each value built for its put and dropped, so that a million keys
	 * do not hold a million values in this heap.
	 */
	private void fill(Cache cache) throws InterruptedException {
		inParallel("filling", this.keys,
				(i) -> cache.put(this.keyNames[i], BenchmarkValues.value(BenchmarkValues.BOOK_512, i)));
	}

	/**
	 * Reads {@value #WARM_READS} random keys, whatever the key count, so that every trial
	 * starts measuring with its read path equally warm: otherwise a small set, filled in
	 * a moment, would start colder than a million keys filled in minutes.
	 */
	private void warmReads(Cache cache) throws InterruptedException {
		inParallel("warming up reads on", WARM_READS, (i) -> {
			String key = this.keyNames[ThreadLocalRandom.current().nextInt(this.keys)];
			if (cache.get(key) == null) {
				throw new IllegalStateException(this.backend + " missed key '" + key + "' after the fill");
			}
		});
	}

	/**
	 * Runs an action for each index below {@code count}, from {@value #FILL_THREADS}
	 * threads.
	 */
	private void inParallel(String what, int count, IntConsumer action) throws InterruptedException {
		ExecutorService executor = Executors.newFixedThreadPool(FILL_THREADS);
		try {
			List<Future<?>> parts = new ArrayList<>();
			for (int part = 0; part < FILL_THREADS; part++) {
				int first = part;
				parts.add(executor.submit(() -> {
					for (int i = first; i < count; i += FILL_THREADS) {
						action.accept(i);
					}
				}));
			}
			for (Future<?> part : parts) {
				part.get();
			}
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException(what + " " + this.backend + " failed", ex.getCause());
		}
		finally {
			executor.shutdownNow();
		}
	}

	private void checkSample(Cache cache) {
		int step = Math.max(1, this.keys / SAMPLE_SIZE);
		for (int i = 0; i < this.keys; i += step) {
			Cache.ValueWrapper stored = cache.get(this.keyNames[i]);
			Object expected = BenchmarkValues.value(BenchmarkValues.BOOK_512, i);
			if (stored == null || !expected.equals(stored.get())) {
				throw new IllegalStateException(
						this.backend + " did not read back key '" + this.keyNames[i] + "' after the fill: " + stored);
			}
		}
	}

	@TearDown(Level.Trial)
	public void stop() {
		try {
			if (this.tiered != null) {
				CacheBenchmark.requireOnlyHits(this.tiered, Tier.L2);
			}
		}
		finally {
			close();
		}
	}

	private void close() {
		LettuceConnectionFactory connectionFactory = this.connectionFactory;
		@Nullable AutoCloseable l2Resource = this.l2Resource;
		ServerProcess server = this.server;
		this.tiered = null;
		this.cachekit = null;
		this.l2 = null;
		this.l2Resource = null;
		this.connectionFactory = null;
		this.server = null;
		this.keyNames = new String[0];
		CacheBenchmark.closeAll(l2Resource, (connectionFactory != null) ? connectionFactory::destroy : null, server);
	}

	@Benchmark
	public Cache.@Nullable ValueWrapper hitCachekit() {
		Cache cache = this.cachekit;
		if (cache == null) {
			throw new IllegalStateException("the cache is not set up");
		}
		return cache.get(this.keyNames[ThreadLocalRandom.current().nextInt(this.keyNames.length)]);
	}

}
