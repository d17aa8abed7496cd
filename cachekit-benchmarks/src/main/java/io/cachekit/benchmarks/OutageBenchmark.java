package io.cachekit.benchmarks;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.cachekit.backend.memcached.MemcachedBackend;
import io.cachekit.backend.memcached.MemcachedConfig;
import io.cachekit.codec.CodecException;
import io.cachekit.spring.CachekitCache;
import io.cachekit.test.ServerKind;
import io.cachekit.test.ServerProcess;
import io.cachekit.tier.CacheConfiguration;
import io.cachekit.tier.CircuitBreaker;
import io.cachekit.tier.Tier;
import io.cachekit.tier.TierStatistics;
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

/**
 * What an L2 outage adds to a cache miss: a {@code @Cacheable} miss (a {@code get} that
 * misses, then a {@code put} of the loaded value, each call a new key) with L1 on over a
 * memcached that was killed, against the same calls on a cache without a backend.
 *
 * <ul>
 * <li>{@code missServerDown}: cachekit over {@link MemcachedBackend} with L1 on. Setup
 * starts memcached, stores and reads a key through the cache, kills the server, and then
 * makes calls until the cache's circuit breaker reports itself open (it fails when it
 * never does). While measured, the breaker's half-open trial calls reach the dead server
 * now and then; they are part of the figure, as they would be in production.</li>
 * <li>{@code missL1Only}: the same calls on a cachekit cache without a backend.</li>
 * </ul>
 * Sample time, one thread: the report reads the 99th percentile of each and takes their
 * difference.
 *
 * <p>
 * memcached must be installed. Run it from the repository's root:
 *
 * <pre>
 * java -jar cachekit-benchmarks/target/benchmarks.jar OutageBenchmark
 * </pre>
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
@Fork(1)
@Warmup(iterations = 2, time = 2, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 3, time = 2, timeUnit = TimeUnit.SECONDS)
public class OutageBenchmark {

	static final Duration TTL = Duration.ofHours(1);

	/** How long setup keeps calling the dead server for the breaker to open. */
	static final Duration OPEN_WAIT = Duration.ofSeconds(30);

	@Benchmark
	public @Nullable Object missServerDown(ServerDown state) {
		return state.miss();
	}

	@Benchmark
	public @Nullable Object missL1Only(L1Only state) {
		return state.miss();
	}

	/**
	 * A cache whose calls {@link #miss()} makes, each on a key of its own.
	 */
	@State(Scope.Benchmark)
	public abstract static class Misses {

		/** The value each miss stores. */
		@Param({ BenchmarkValues.BOOK_512, BenchmarkValues.CATALOG_10K })
		String value = BenchmarkValues.BOOK_512;

		private Object loaded = "";

		private long next;

		private long hitsBefore;

		@Nullable TieredCache tiered;

		private @Nullable Cache cache;

		void use(TieredCache tiered) {
			this.loaded = BenchmarkValues.value(this.value);
			this.tiered = tiered;
			this.cache = new CachekitCache(tiered);
			this.hitsBefore = tiered.statistics().hitCount();
		}

		/**
		 * What a {@code @Cacheable} method does on a miss: looks the key up and, as it is
		 * absent, stores the value the method returned.
		 */
		@Nullable Object miss() {
			Cache cache = this.cache;
			if (cache == null) {
				throw new IllegalStateException("the cache is not set up");
			}
			String key = "outage-" + this.next++;
			Cache.ValueWrapper hit = cache.get(key);
			if (hit != null) {
				return hit.get();
			}
			cache.put(key, this.loaded);
			return this.loaded;
		}

		/**
		 * Fails when every call did not miss and store, or a value could not be encoded:
		 * then the trial did not measure the calls it is named for.
		 */
		void requireMissesAndPuts() {
			TieredCache tiered = this.tiered;
			if (tiered == null) {
				return;
			}
			TierStatistics l1 = tiered.statistics(Tier.L1);
			TierStatistics whole = tiered.statistics();
			long hits = whole.hitCount() - this.hitsBefore;
			long codecErrors = 0;
			for (CodecException.Kind kind : CodecException.Kind.values()) {
				codecErrors += whole.codecErrorCount(kind);
			}
			if (hits > 0 || codecErrors > 0 || l1.putCount() < this.next) {
				throw new IllegalStateException(tiered + ": " + hits + " hits, " + l1.putCount() + " L1 puts of "
						+ this.next + " misses, " + codecErrors
						+ " codec errors; every call should have missed and stored its value in L1");
			}
		}

	}

	/**
	 * cachekit with L1 on over a memcached that was killed, its breaker open.
	 */
	@State(Scope.Benchmark)
	public static class ServerDown extends Misses {

		private @Nullable ServerProcess server;

		private @Nullable MemcachedBackend backend;

		@Setup(Level.Trial)
		public void start() {
			ServerProcess server = ServerProcess.start(ServerKind.MEMCACHED);
			this.server = server;
			MemcachedBackend backend = MemcachedBackend
				.create(MemcachedConfig.builder().servers(server.address()).build());
			this.backend = backend;
			TieredCache tiered = TieredCache.builder("outage")
				.configuration(CacheConfiguration.defaults().withTtl(TTL))
				.backend(backend)
				.codec(CacheBenchmark.codec())
				.build();
			tiered.put("before-outage", "stored");
			if (tiered.get("before-outage") == null) {
				throw new IllegalStateException("the cache did not read back a key before the outage: " + server);
			}
			server.kill();
			use(tiered);
			CircuitBreaker breaker = tiered.circuitBreaker();
			long deadline = System.nanoTime() + OPEN_WAIT.toNanos();
			int calls = 0;
			while (breaker.state() != CircuitBreaker.State.OPEN) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("the circuit breaker did not open within " + OPEN_WAIT + " ("
							+ calls + " calls) after " + server + " was killed: " + breaker);
				}
				miss();
				calls++;
			}
			System.out.printf("%nmemcached killed; the circuit breaker opened after %d calls%n", calls);
		}

		@TearDown(Level.Trial)
		public void stop() {
			try {
				requireMissesAndPuts();
			}
			finally {
				CacheBenchmark.closeAll(this.backend, this.server);
				this.backend = null;
				this.server = null;
			}
		}

	}

	/**
	 * cachekit with L1 only.
	 */
	@State(Scope.Benchmark)
	public static class L1Only extends Misses {

		@Setup(Level.Trial)
		public void start() {
			use(TieredCache.builder("outage")
				.configuration(CacheConfiguration.defaults().withTtl(TTL))
				.codec(CacheBenchmark.codec())
				.build());
		}

		@TearDown(Level.Trial)
		public void stop() {
			requireMissesAndPuts();
		}

	}

}
