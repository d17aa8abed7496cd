package io.cachekit.tier;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.cachekit.backend.Backend;
import io.cachekit.backend.BackendErrorType;
import io.cachekit.backend.BackendOperation;
import io.cachekit.backend.memcached.MemcachedBackend;
import io.cachekit.backend.memcached.MemcachedConfig;
import io.cachekit.codec.CodecException;
import io.cachekit.codec.MessagePackCodec;
import io.cachekit.metrics.MeteredBackend;
import io.cachekit.test.Await;
import io.cachekit.test.FaultInjectingBackend.Gate;
import io.cachekit.test.FaultInjectingBackend.Selector;
import io.cachekit.test.FaultInjectingBackend;
import io.cachekit.test.ManualTime;
import io.cachekit.test.ServerKind;
import io.cachekit.test.ServerProcess;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link TieredCache} over a real memcached: the read and write paths, back-fill, clear
 * through generations, unreadable entries, refused values and a server that goes down.
 */
class TieredCacheIntegrationTests {

	private static ServerProcess server;

	private final ManualTime time = new ManualTime();

	private final List<MemcachedBackend> backends = new ArrayList<>();

	private String name;

	@BeforeAll
	static void startServer() {
		server = ServerProcess.start(ServerKind.MEMCACHED);
	}

	@AfterAll
	static void stopServer() {
		server.close();
	}

	@BeforeEach
	void uniqueCacheName() {
		this.name = "cache-" + UUID.randomUUID();
	}

	@AfterEach
	void closeBackends() {
		this.backends.forEach(MemcachedBackend::close);
		if (!server.isRunning()) {
			server.restart();
		}
	}

	private MemcachedBackend backend(MemcachedConfig.Builder config) {
		MemcachedBackend backend = MemcachedBackend.create(config.build());
		this.backends.add(backend);
		return backend;
	}

	private MemcachedBackend backend() {
		return backend(MemcachedConfig.builder().servers(server.address()).maxReconnectDelay(Duration.ofSeconds(1)));
	}

	private TieredCacheBuilder cache(Backend backend) {
		return TieredCache.builder(this.name)
			.backend(backend)
			.codec(MessagePackCodec.withDefaults())
			.clock(this.time)
			.ticker(this.time)
			.executor(Runnable::run);
	}

	@Test
	void valueWrittenByOneInstanceIsServedFromL2ByAnother() {
		TieredCache writer = cache(backend()).build();
		TieredCache reader = cache(backend()).build();
		writer.put("k", List.of("a", "b"));
		assertThat(reader.get("k")).isEqualTo(new CacheHit(List.of("a", "b")));
		assertThat(reader.statistics(Tier.L2).hitCount()).isEqualTo(1);
		assertThat(reader.get("k")).isNotNull();
		assertThat(reader.statistics(Tier.L1).hitCount()).as("second read is served by L1").isEqualTo(1);
		assertThat(reader.statistics(Tier.L2).hitCount()).isEqualTo(1);
	}

	@Test
	void l1IsFilledForTheRemainingL2LifetimeOnly() {
		TieredCache writer = cache(backend()).configure((c) -> c.withTtl(Duration.ofSeconds(60))).build();
		TieredCache reader = cache(backend()).configure((c) -> c.withTtl(Duration.ofSeconds(60)))
			.configure((c) -> c.withL1Ttl(Duration.ofSeconds(30)))
			.build();
		writer.put("k", "value");
		this.time.advance(Duration.ofSeconds(50));
		assertThat(reader.get("k")).isNotNull();
		this.time.advance(Duration.ofSeconds(9));
		assertThat(reader.get("k")).isNotNull();
		assertThat(reader.statistics(Tier.L2).hitCount()).isEqualTo(1);
		this.time.advance(Duration.ofSeconds(2));
		assertThat(reader.get("k")).as("past the L2 expiry written in the envelope").isNull();
		assertThat(reader.statistics(Tier.L2).hitCount()).isEqualTo(1);
	}

	@Test
	void clearInOneInstanceStopsTheOtherServingOldValuesAfterTheRefreshInterval() {
		TieredCache first = cache(backend()).configure((c) -> c.withGenerationRefresh(Duration.ofSeconds(1))).build();
		TieredCache second = cache(backend()).configure((c) -> c.withGenerationRefresh(Duration.ofSeconds(1))).build();
		first.put("k", "old");
		assertThat(second.get("k")).isEqualTo(new CacheHit("old"));
		first.clear();
		assertThat(first.get("k")).isNull();
		this.time.advance(Duration.ofMillis(1100));
		assertThat(second.get("k")).as("L1 of the other instance is not served past the refresh").isNull();
	}

	@Test
	void freshInstanceReadsWhatMemcachedHoldsWhenItsFirstCallsArriveTogether() throws Exception {
		TieredCache running = cache(backend()).build();
		for (int i = 0; i < 200; i++) {
			running.put("k" + i, "v" + i);
		}
		FaultInjectingBackend fresh = FaultInjectingBackend.wrap(backend());
		TieredCache starting = cache(fresh).build();
		// The first generation read of the new instance is held until every caller has
		// started, so all of them arrive while the generation is still unknown.
		Gate generationRead = fresh.hold((operation, key) -> operation == BackendOperation.GET_ALL
				|| (key != null && key.endsWith(":generation")), false);
		AtomicInteger loads = new AtomicInteger();
		ExecutorService callers = Executors.newFixedThreadPool(8);
		try {
			List<Future<?>> calls = new ArrayList<>();
			for (int thread = 0; thread < 8; thread++) {
				calls.add(callers.submit(() -> {
					for (int i = 0; i < 200; i++) {
						assertThat(starting.get("k" + i, () -> "loaded-" + loads.incrementAndGet())).isEqualTo("v" + i);
					}
					return null;
				}));
			}
			assertThat(generationRead.awaitReached()).isTrue();
			generationRead.release();
			for (Future<?> call : calls) {
				call.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			callers.shutdownNow();
		}
		assertThat(loads).as("the method never ran").hasValue(0);
		assertThat(fresh.calls(BackendOperation.SET)).as("no entry was written again").isZero();
		assertThat(starting.statistics(Tier.L2).hitCount()).as("every key came from L2").isGreaterThanOrEqualTo(200);
	}

	@Test
	void clearNeverFlushesOtherCaches() {
		MemcachedBackend backend = backend();
		TieredCache cleared = cache(backend).build();
		TieredCache other = TieredCache.builder(this.name + "-other")
			.backend(backend)
			.codec(MessagePackCodec.withDefaults())
			.configure((c) -> c.withL1Enabled(false))
			.build();
		cleared.put("k", "v");
		other.put("k", "kept");
		cleared.clear();
		assertThat(other.get("k")).isEqualTo(new CacheHit("kept"));
		assertThat(backend.exists("unrelated")).isFalse();
	}

	@Test
	void lostGenerationCounterDoesNotBringOldEntriesBack() {
		MemcachedBackend backend = backend();
		cache(backend).configure((c) -> c.withL1Enabled(false)).build().put("k", "old");
		assertThat(backend.delete(new CacheKeys(this.name).generationKey())).isTrue();
		this.time.advance(Duration.ofMillis(5));
		TieredCache fresh = cache(backend).configure((c) -> c.withL1Enabled(false)).build();
		assertThat(fresh.get("k")).isNull();
	}

	@Test
	void garbageInL2IsAMissAndIsDeleted() {
		MemcachedBackend backend = backend();
		TieredCache cache = cache(backend).configure((c) -> c.withL1Enabled(false)).build();
		cache.put("k", "value");
		String entryKey = entryKey(backend, "k");
		backend.set(entryKey, "not an envelope".getBytes(StandardCharsets.UTF_8), null);
		assertThat(cache.get("k")).isNull();
		assertThat(backend.exists(entryKey)).isFalse();
		assertThat(cache.statistics(Tier.L2).codecErrorCount(CodecException.Kind.CORRUPT)).isEqualTo(1);
	}

	@Test
	void envelopeOfAnUnknownVersionIsAMissAndIsDeleted() {
		MemcachedBackend backend = backend();
		TieredCache cache = cache(backend).configure((c) -> c.withL1Enabled(false)).build();
		cache.put("k", "value");
		String entryKey = entryKey(backend, "k");
		byte[] envelope = backend.get(entryKey);
		envelope[2] = 99;
		backend.set(entryKey, envelope, null);
		assertThat(cache.get("k")).isNull();
		assertThat(backend.exists(entryKey)).isFalse();
		assertThat(cache.statistics(Tier.L2).codecErrorCount(CodecException.Kind.UNKNOWN_FORMAT)).isEqualTo(1);
	}

	@Test
	void valueOverTheItemSizeIsNotCachedAndTheCallSucceeds() {
		MemcachedBackend small = backend(MemcachedConfig.builder().servers(server.address()).maxItemSize(1024));
		TieredCache cache = cache(small).build();
		cache.put("k", "x".repeat(10_000));
		assertThat(cache.get("k")).isNull();
		assertThat(cache.statistics(Tier.L2).rejectedCount()).isEqualTo(1);
		assertThat(cache.statistics(Tier.L2).errorCount(BackendErrorType.PERMANENT)).isEqualTo(1);
	}

	@Test
	void putIfAbsentLetsOneInstanceWinAcrossInstances() throws Exception {
		List<TieredCache> caches = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			caches.add(cache(backend()).configure((c) -> c.withL1Enabled(false)).build());
		}
		ExecutorService executor = Executors.newFixedThreadPool(4);
		try {
			List<Callable<CacheHit>> tasks = new ArrayList<>();
			for (int i = 0; i < 4; i++) {
				TieredCache cache = caches.get(i);
				String value = "writer-" + i;
				tasks.add(() -> cache.putIfAbsent("k", value));
			}
			int winners = 0;
			for (Future<CacheHit> result : executor.invokeAll(tasks)) {
				if (result.get() == null) {
					winners++;
				}
			}
			assertThat(winners).isEqualTo(1);
		}
		finally {
			executor.shutdownNow();
		}
	}

	@Test
	void serverDownMakesReadsMissesAndWritesSilentAndIsLoggedOnce() {
		TieredCache cache = cache(backend()).configure((c) -> c.withL1Enabled(false)).build();
		cache.put("k", "value");
		server.stop();
		try (LogCapture log = new LogCapture()) {
			for (int i = 0; i < 5; i++) {
				assertThat(cache.get("k")).isNull();
				cache.put("other" + i, "value");
			}
			assertThat(log.warnings()).hasSize(1);
		}
		TierStatistics l2 = cache.statistics(Tier.L2);
		assertThat(l2.errorCount(BackendErrorType.TRANSIENT) + l2.errorCount(BackendErrorType.TIMEOUT))
			.isGreaterThanOrEqualTo(10);
	}

	@Test
	void hungServerOpensTheCircuitSoLaterCallsSkipL2UntilItAnswersAgain() {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		MemcachedBackend memcached = backend(MemcachedConfig.builder()
			.servers(server.address())
			.operationTimeout(Duration.ofMillis(200))
			.retryAttempts(0));
		TieredCache cache = cache(new MeteredBackend(memcached, "memcached", registry))
			.configure((c) -> c.withL1Enabled(false).withGenerationRefresh(Duration.ofMinutes(5)))
			.circuitBreaker(CircuitBreaker.create(CircuitBreakerConfig.builder()
				.slidingWindowSize(3)
				.minimumNumberOfCalls(3)
				.failureRateThreshold(100)
				.waitDurationInOpenState(Duration.ofSeconds(30))
				.permittedNumberOfCallsInHalfOpenState(1)
				.build(), this.time))
			.build();
		cache.put("k", "value");
		server.pause();
		try {
			for (int i = 0; i < 10; i++) {
				if (i > 0 && i < 3) {
					// A thread whose call timed out waits again only after the open time.
					this.time.advance(Duration.ofSeconds(30));
				}
				assertThat(cache.get("k")).isNull();
			}
		}
		finally {
			server.resume();
		}
		assertThat(registry.get("cachekit.backend.latency").tag("operation", "get").timer().count())
			.as("only the calls before the circuit opened reached memcached")
			.isEqualTo(3);
		assertThat(cache.circuitBreaker().state()).isEqualTo(CircuitBreaker.State.OPEN);
		this.time.advance(Duration.ofSeconds(31));
		assertThat(Await.until(() -> cache.get("k") != null)).as("served again after a successful trial").isTrue();
		assertThat(cache.circuitBreaker().state()).isEqualTo(CircuitBreaker.State.CLOSED);
	}

	private TieredCacheBuilder hangingCache() {
		MemcachedBackend memcached = backend(MemcachedConfig.builder()
			.servers(server.address())
			.operationTimeout(Duration.ofMillis(200))
			.retryAttempts(0));
		return cache(memcached).configure((c) -> c.withL1Enabled(false));
	}

	@Test
	void clearDuringAnOutageReachesL2WhenItReturns() {
		TieredCache cache = hangingCache().build();
		cache.put("k", "old");
		server.pause();
		try {
			cache.clear();
		}
		finally {
			server.resume();
		}
		assertThat(cache.get("k")).isNull();
		assertThat(cache(backend()).configure((c) -> c.withL1Enabled(false)).build().get("k")).as("another instance")
			.isNull();
	}

	@Test
	void evictDuringAnOutageReachesL2WhenItReturns() {
		TieredCache cache = hangingCache().build();
		cache.put("k", "old");
		server.pause();
		try {
			cache.evict("k");
		}
		finally {
			server.resume();
		}
		assertThat(cache.get("k")).isNull();
		assertThat(cache(backend()).configure((c) -> c.withL1Enabled(false)).build().get("k")).as("another instance")
			.isNull();
	}

	@Test
	void writeThatMissedL2NeverLetsTheOlderL2ValueBack() {
		TieredCache cache = hangingCache().configure((c) -> c.withL1Enabled(true))
			.configure((c) -> c.withL1Ttl(Duration.ofSeconds(10)))
			.build();
		cache.put("k", "old");
		server.pause();
		try {
			cache.put("k", "new");
		}
		finally {
			server.resume();
		}
		assertThat(cache.get("k")).as("L1 holds the new value").isEqualTo(new CacheHit("new"));
		this.time.advance(Duration.ofSeconds(11));
		assertThat(cache.get("k")).as("after L1 expiry, not the older L2 value").isNull();
	}

	@Test
	void unreachableL2AtStartupStillCachesInL1() throws Exception {
		MemcachedBackend unreachable = backend(MemcachedConfig.builder()
			.servers("127.0.0.1:" + io.cachekit.test.ClosedPort.find())
			.connectTimeout(Duration.ofMillis(100)));
		TieredCache cache = cache(unreachable).build();
		java.util.concurrent.atomic.AtomicInteger loads = new java.util.concurrent.atomic.AtomicInteger();
		assertThat(cache.<String>get("k", () -> "value-" + loads.incrementAndGet())).isEqualTo("value-1");
		assertThat(cache.<String>get("k", () -> "value-" + loads.incrementAndGet())).isEqualTo("value-1");
		assertThat(loads).hasValue(1);
		assertThat(cache.l1Size()).isEqualTo(1);
	}

	@Test
	void oversizedValuesAreLoggedOnceEvenBetweenSuccessfulWrites() {
		MemcachedBackend small = backend(MemcachedConfig.builder().servers(server.address()).maxItemSize(1024));
		TieredCache cache = cache(small).build();
		try (LogCapture log = new LogCapture()) {
			for (int i = 0; i < 3; i++) {
				cache.put("big" + i, "x".repeat(10_000));
				cache.put("small" + i, "fits");
			}
			assertThat(log.warnings()).hasSize(1);
		}
		assertThat(cache.statistics(Tier.L2).rejectedCount()).isEqualTo(3);
	}

	private String entryKey(MemcachedBackend backend, String key) {
		CacheKeys keys = new CacheKeys(this.name);
		byte[] generation = backend.get(keys.generationKey());
		assertThat(generation).isNotNull();
		return keys.entryKey(Long.parseLong(new String(generation, StandardCharsets.US_ASCII)), key);
	}

}
