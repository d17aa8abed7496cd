package io.cachekit.benchmarks;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import io.cachekit.backend.BackendErrorType;
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
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

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
 * <li>{@code missServerPaused}: the same over a memcached paused with {@code SIGSTOP}
 * instead: connections stay open and nothing answers, so the breaker's trial calls wait
 * for the client's operation timeout. Reported separately.</li>
 * <li>{@code missL1Only}: the same calls on a cachekit cache without a backend.</li>
 * </ul>
 * The caches over memcached encode as the starter does over memcached, the L1-only one as
 * it does without a backend ({@link StarterCodecs}). Teardown of each outage trial prints
 * the breaker's state, its transitions while measured and the L2 calls it let through or
 * refused ({@code [breaker]} line), and fails when the breaker was closed at any time
 * while measured. Sample time, one thread: the report reads the 99th percentile of each
 * and takes their difference.
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

	/**
	 * How long setup keeps calling the failed server for the breaker to open: a paused
	 * server answers each call only with the client's timeout.
	 */
	static final Duration OPEN_WAIT = Duration.ofSeconds(60);

	@Benchmark
	public @Nullable Object missServerDown(ServerDown state) {
		return state.miss();
	}

	@Benchmark
	public @Nullable Object missServerPaused(ServerPaused state) {
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
	 * cachekit with L1 on over a memcached that fails, its circuit breaker open before
	 * measuring. Watches the breaker while measured: its state at each measured
	 * iteration's start and end, its transitions, the L2 calls it let through to the
	 * server or refused (resilience4j's events), and the L2 errors the cache counted,
	 * which include the calls skipped without asking the breaker (server not connected,
	 * or this thread's previous call timed out). Teardown prints them in a line starting
	 * with {@code [breaker]}, and fails the trial when the breaker was closed at any time
	 * while measured (half-open counts as open: L2 is still skipped but for trial calls),
	 * since then the trial measured calls to a failing server, not the breaker.
	 */
	public abstract static class Outage extends Misses {

		private @Nullable ServerProcess server;

		private @Nullable MemcachedBackend backend;

		private final Map<String, LongAdder> transitions = new ConcurrentHashMap<>();

		private final LongAdder permittedCalls = new LongAdder();

		private final LongAdder refusedCalls = new LongAdder();

		private volatile boolean measuring;

		private final Set<CircuitBreaker.State> statesMeasured = ConcurrentHashMap.newKeySet();

		private volatile boolean closedWhileMeasured;

		private long l2ErrorsBefore;

		private long measuredL2Errors;

		/**
		 * Makes the server fail.
		 * @param server the running server, which has answered a read
		 */
		abstract void fail(ServerProcess server);

		/**
		 * Returns what {@link #fail(ServerProcess)} does, for messages.
		 * @return a past participle
		 */
		abstract String failure();

		/**
		 * Starts memcached and the cache, makes the server fail, and makes calls until
		 * the breaker opens. On failure, closes what it made before rethrowing: JMH halts
		 * a failed fork without running shutdown hooks, which would leave memcached
		 * running.
		 */
		void open() {
			try {
				openOrFail();
			}
			catch (RuntimeException | Error ex) {
				try {
					close();
				}
				catch (RuntimeException closing) {
					ex.addSuppressed(closing);
				}
				throw ex;
			}
		}

		private void openOrFail() {
			ServerProcess server = ServerProcess.start(ServerKind.MEMCACHED);
			this.server = server;
			MemcachedBackend backend = MemcachedBackend
				.create(MemcachedConfig.builder().servers(server.address()).build());
			this.backend = backend;
			TieredCache tiered = TieredCache.builder("outage")
				.configuration(CacheConfiguration.defaults().withTtl(TTL))
				.backend(backend)
				.codec(StarterCodecs.memcached())
				.build();
			this.tiered = tiered;
			tiered.put("before-outage", "stored");
			if (tiered.get("before-outage") == null) {
				throw new IllegalStateException("the cache did not read back a key before the outage: " + server);
			}
			fail(server);
			use(tiered);
			CircuitBreaker breaker = tiered.circuitBreaker();
			long deadline = System.nanoTime() + OPEN_WAIT.toNanos();
			int calls = 0;
			while (breaker.state() != CircuitBreaker.State.OPEN) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("the circuit breaker did not open within " + OPEN_WAIT + " ("
							+ calls + " calls) after " + server + " was " + failure() + ": " + breaker);
				}
				miss();
				calls++;
			}
			watch(breaker.resilience4j().getEventPublisher());
			System.out.printf("%nmemcached %s; the circuit breaker opened after %d calls%n", failure(), calls);
		}

		private void watch(io.github.resilience4j.circuitbreaker.CircuitBreaker.EventPublisher events) {
			events.onStateTransition((event) -> {
				if (this.measuring) {
					io.github.resilience4j.circuitbreaker.CircuitBreaker.StateTransition transition = event
						.getStateTransition();
					this.transitions.computeIfAbsent(transition.name(), (name) -> new LongAdder()).increment();
					if (transition.getToState() == io.github.resilience4j.circuitbreaker.CircuitBreaker.State.CLOSED) {
						this.closedWhileMeasured = true;
					}
				}
			});
			events.onSuccess((event) -> countPermitted());
			events.onError((event) -> countPermitted());
			events.onIgnoredError((event) -> countPermitted());
			events.onCallNotPermitted((event) -> {
				if (this.measuring) {
					this.refusedCalls.increment();
				}
			});
		}

		private void countPermitted() {
			if (this.measuring) {
				this.permittedCalls.increment();
			}
		}

		@Setup(Level.Iteration)
		public void beginIteration(IterationParams iteration) {
			TieredCache tiered = this.tiered;
			if (tiered == null || iteration.getType() != IterationType.MEASUREMENT) {
				return;
			}
			this.l2ErrorsBefore = l2Errors(tiered);
			noteState(tiered);
			this.measuring = true;
		}

		@TearDown(Level.Iteration)
		public void endIteration(IterationParams iteration) {
			TieredCache tiered = this.tiered;
			if (tiered == null || iteration.getType() != IterationType.MEASUREMENT) {
				return;
			}
			this.measuring = false;
			noteState(tiered);
			this.measuredL2Errors += l2Errors(tiered) - this.l2ErrorsBefore;
		}

		private void noteState(TieredCache tiered) {
			CircuitBreaker.State state = tiered.circuitBreaker().state();
			this.statesMeasured.add(state);
			if (state == CircuitBreaker.State.CLOSED) {
				this.closedWhileMeasured = true;
			}
		}

		private static long l2Errors(TieredCache tiered) {
			TierStatistics l2 = tiered.statistics(Tier.L2);
			long errors = 0;
			for (BackendErrorType type : BackendErrorType.values()) {
				errors += l2.errorCount(type);
			}
			return errors;
		}

		/**
		 * Prints what the breaker did while measured, checks the calls, and closes
		 * everything.
		 * @param benchmark the benchmark's name, for the printed line
		 */
		void stop(String benchmark) {
			try {
				TieredCache tiered = this.tiered;
				if (tiered != null) {
					System.out.printf("%n[breaker] %s %s: states at measured iterations' bounds %s, %s at the end; "
							+ "transitions while measured %s; L2 calls while measured: %d let through to the server, "
							+ "%d refused by the breaker, %d L2 errors counted%n", benchmark, this.value,
							new TreeSet<>(this.statesMeasured), tiered.circuitBreaker().state(),
							new TreeMap<>(this.transitions), this.permittedCalls.sum(), this.refusedCalls.sum(),
							this.measuredL2Errors);
					if (this.closedWhileMeasured || this.statesMeasured.isEmpty()) {
						throw new IllegalStateException("the circuit breaker was not open (or half-open) throughout "
								+ "the measured iterations (" + tiered.circuitBreaker()
								+ "); the trial measured calls to a failing server, not the breaker");
					}
				}
				requireMissesAndPuts();
			}
			finally {
				close();
			}
		}

		/**
		 * Stops the server first (resuming a paused one), so that closing the client
		 * meets refused connections rather than waiting for timeouts, then closes the
		 * cache and the client.
		 */
		private void close() {
			TieredCache tiered = this.tiered;
			MemcachedBackend backend = this.backend;
			ServerProcess server = this.server;
			this.backend = null;
			this.server = null;
			CacheBenchmark.closeAll((server != null && server.isRunning()) ? server::stop : null,
					(tiered != null) ? tiered::close : null, backend, server);
		}

	}

	/**
	 * cachekit with L1 on over a memcached that was killed, its breaker open.
	 */
	@State(Scope.Benchmark)
	public static class ServerDown extends Outage {

		@Setup(Level.Trial)
		public void start() {
			open();
		}

		@Override
		void fail(ServerProcess server) {
			server.kill();
		}

		@Override
		String failure() {
			return "killed";
		}

		@TearDown(Level.Trial)
		public void stop() {
			stop("missServerDown");
		}

	}

	/**
	 * cachekit with L1 on over a memcached paused with {@code SIGSTOP}, its breaker open:
	 * connections stay open and nothing answers, so the calls the breaker lets through
	 * wait for the client's timeout.
	 */
	@State(Scope.Benchmark)
	public static class ServerPaused extends Outage {

		@Setup(Level.Trial)
		public void start() {
			open();
		}

		@Override
		void fail(ServerProcess server) {
			server.pause();
		}

		@Override
		String failure() {
			return "paused";
		}

		@TearDown(Level.Trial)
		public void stop() {
			stop("missServerPaused");
		}

	}

	/**
	 * cachekit with L1 only.
	 */
	@State(Scope.Benchmark)
	public static class L1Only extends Misses {

		@Setup(Level.Trial)
		public void start() {
			TieredCache tiered = TieredCache.builder("outage")
				.configuration(CacheConfiguration.defaults().withTtl(TTL))
				.codec(StarterCodecs.l1Only())
				.build();
			this.tiered = tiered;
			use(tiered);
		}

		@TearDown(Level.Trial)
		public void stop() {
			try {
				requireMissesAndPuts();
			}
			finally {
				TieredCache tiered = this.tiered;
				if (tiered != null) {
					tiered.close();
				}
			}
		}

	}

}
