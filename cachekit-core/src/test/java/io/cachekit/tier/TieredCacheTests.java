package io.cachekit.tier;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.cachekit.backend.BackendOperation;
import io.cachekit.codec.CachedValue;
import io.cachekit.codec.CodecException;
import io.cachekit.codec.MessagePackCodec;
import io.cachekit.codec.ValueCodec;
import io.cachekit.test.Await;
import io.cachekit.test.FaultInjectingBackend;
import io.cachekit.test.FaultInjectingBackend.Gate;
import io.cachekit.test.FaultInjectingBackend.Selector;
import io.cachekit.test.InMemoryBackend;
import io.cachekit.test.ManualTime;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * {@link TieredCache} without a backend (L1 only), with time under the test's control.
 */
class TieredCacheTests {

	private final ManualTime time = new ManualTime();

	private TieredCacheBuilder builder() {
		return TieredCache.builder("test")
			.codec(MessagePackCodec.withDefaults())
			.clock(this.time)
			.ticker(this.time)
			.executor(Runnable::run);
	}

	@Test
	void getOfMissingKeyIsAMiss() {
		TieredCache cache = builder().build();
		assertThat(cache.get("k")).isNull();
		assertThat(cache.statistics(Tier.L1).missCount()).isEqualTo(1);
	}

	@Test
	void putThenGetIsAnL1Hit() {
		TieredCache cache = builder().build();
		cache.put("k", "value");
		assertThat(cache.get("k")).isEqualTo(new CacheHit("value"));
		assertThat(cache.statistics(Tier.L1).hitCount()).isEqualTo(1);
		assertThat(cache.statistics(Tier.L1).putCount()).isEqualTo(1);
	}

	@Test
	void cachedNullIsAHitWithANullValue() {
		TieredCache cache = builder().build();
		cache.put("k", null);
		assertThat(cache.get("k")).isEqualTo(new CacheHit(null));
	}

	@Test
	void nullIsRefusedWhenNullValuesAreNotAllowed() {
		TieredCache cache = builder().configure((c) -> c.withAllowNullValues(false)).build();
		assertThatIllegalArgumentException().isThrownBy(() -> cache.put("k", null))
			.withMessageContaining("does not allow null values");
	}

	@Test
	void loaderNullIsReturnedButNotCachedWhenNullValuesAreNotAllowed() throws Exception {
		TieredCache cache = builder().configure((c) -> c.withAllowNullValues(false)).build();
		assertThat(cache.<String>get("k", () -> null)).isNull();
		assertThat(cache.get("k")).isNull();
	}

	@Test
	void l1EntryLeavesAfterTheL1Ttl() {
		TieredCache cache = builder().configure((c) -> c.withL1Ttl(Duration.ofSeconds(30))).build();
		cache.put("k", "value");
		this.time.advance(Duration.ofSeconds(29));
		assertThat(cache.get("k")).isNotNull();
		this.time.advance(Duration.ofSeconds(2));
		assertThat(cache.get("k")).isNull();
	}

	@Test
	void l1EntryLeavesAtTheCacheTtlWhenThatIsShorter() {
		TieredCache cache = builder()
			.configure((c) -> c.withL1Ttl(Duration.ofSeconds(30)).withTtl(Duration.ofSeconds(5)))
			.build();
		cache.put("k", "value");
		this.time.advance(Duration.ofSeconds(4));
		assertThat(cache.get("k")).isNotNull();
		this.time.advance(Duration.ofSeconds(2));
		assertThat(cache.get("k")).isNull();
	}

	@Test
	void l1IsBoundedByEstimatedHeapBytes() {
		TieredCache cache = builder().configure((c) -> c.withL1MaxSize(10_000)).build();
		for (int i = 0; i < 100; i++) {
			cache.put("k" + i, "x".repeat(500));
		}
		assertThat(cache.l1Weight()).isLessThanOrEqualTo(10_000).isGreaterThan(5_000);
		assertThat(cache.statistics(Tier.L1).evictionCount()).isGreaterThan(50);
		assertThat(cache.l1Size()).isLessThan(20);
	}

	@Test
	void valueTheCodecWouldNotAcceptIsNotCachedAndTheCallSucceeds() {
		TieredCache cache = builder().build();
		cache.put("k", "old");
		cache.put("k", new Unserializable());
		assertThat(cache.get("k")).as("the old value must not stay").isNull();
		assertThat(codecErrors(cache.statistics(Tier.L1))).isEqualTo(1);
	}

	@Test
	void valueHoldingAClassOffTheAllowlistIsNotCachedWithoutL2() {
		TieredCache cache = builder().build();
		cache.put("k", List.of("allowed", new Unserializable()));
		assertThat(cache.get("k")).isNull();
		assertThat(cache.statistics(Tier.L1).codecErrorCount(CodecException.Kind.UNSERIALIZABLE)).isEqualTo(1);
	}

	@Test
	void valueOfTrustedClassesIsCachedWithoutL2WithoutBeingEncoded() {
		CountingCodec codec = new CountingCodec(MessagePackCodec.builder().trustedPackages("io.cachekit.tier").build());
		TieredCache cache = builder().codec(codec).build();
		Trusted value = new Trusted("a", List.of(1L, 2L));
		cache.put("k", value);
		assertThat(cache.get("k")).isEqualTo(new CacheHit(value));
		assertThat(codec.encodes).as("nothing is encoded without L2").hasValue(0);
	}

	@Test
	void valueTheCodecRefusesOnlyWhenWritingIsCachedWithoutL2() {
		// Its class is trusted, but its getter throws: the codec refuses it when it
		// writes it, which a cache without L2 no longer does.
		TieredCache cache = builder().codec(MessagePackCodec.builder().trustedPackages("io.cachekit.tier").build())
			.build();
		Unserializable value = new Unserializable();
		cache.put("k", value);
		assertThat(cache.get("k")).isEqualTo(new CacheHit(value));
		assertThat(codecErrors(cache.statistics(Tier.L1))).isZero();
	}

	@Test
	void valueThatRefersToItselfIsNotCachedWithoutL2() {
		TieredCache cache = builder().build();
		List<Object> cycle = new ArrayList<>();
		cycle.add(cycle);
		cache.put("k", cycle);
		assertThat(cache.get("k")).isNull();
		assertThat(cache.statistics(Tier.L1).codecErrorCount(CodecException.Kind.UNSERIALIZABLE)).isEqualTo(1);
	}

	@Test
	void repeatedRefusalIsLoggedOnceAndCountedEachTime() {
		TieredCache cache = builder().build();
		try (LogCapture log = new LogCapture()) {
			for (int i = 0; i < 5; i++) {
				cache.put("k" + i, new Unserializable());
			}
			assertThat(log.warnings()).hasSize(1).first().asString().contains(Unserializable.class.getName());
		}
		assertThat(codecErrors(cache.statistics(Tier.L1))).isEqualTo(5);
	}

	@Test
	void keyWhoseToStringFailsBypassesTheCache() throws Exception {
		TieredCache cache = builder().build();
		BadKey key = new BadKey();
		cache.put(key, "value");
		assertThat(cache.get(key)).isNull();
		assertThat(cache.<String>get(key, () -> "loaded")).isEqualTo("loaded");
		assertThat(cache.l1Size()).isZero();
	}

	@Test
	void lookupOfAKeyWhoseToStringFailsIsCountedAsAMiss() throws Exception {
		TieredCache cache = builder().build();
		BadKey key = new BadKey();
		cache.get(key);
		cache.get(key, () -> "loaded");
		cache.retrieve(key).join();
		cache.retrieve(key, () -> CompletableFuture.completedFuture("loaded")).join();
		assertThat(cache.statistics().missCount()).isEqualTo(4);
		assertThat(cache.statistics().hitCount()).isZero();
	}

	@Test
	void loaderRunsOnceForConcurrentCallersOfOneKey() throws Exception {
		TieredCache cache = builder().build();
		AtomicInteger calls = new AtomicInteger();
		List<Thread> callers = new java.util.concurrent.CopyOnWriteArrayList<>();
		ExecutorService executor = Executors.newFixedThreadPool(8, (task) -> {
			Thread thread = new Thread(task);
			callers.add(thread);
			return thread;
		});
		try {
			List<Future<String>> results = new ArrayList<>();
			for (int i = 0; i < 8; i++) {
				results.add(executor.submit(() -> cache.get("k", () -> {
					calls.incrementAndGet();
					// Finish only once the seven other callers are waiting for this load.
					Await.until(() -> callers.size() == 8 && callers.stream()
						.filter((caller) -> caller != Thread.currentThread())
						.allMatch((caller) -> caller.getState() == Thread.State.WAITING));
					return "loaded";
				})));
			}
			for (Future<String> result : results) {
				assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo("loaded");
			}
		}
		finally {
			executor.shutdownNow();
		}
		assertThat(calls).hasValue(1);
		assertThat(cache.statistics(Tier.L1).missCount()).as("each caller missed once").isEqualTo(8);
	}

	@Test
	void loadsOfDifferentKeysRunInParallel() throws Exception {
		TieredCache cache = builder().build();
		CountDownLatch bothStarted = new CountDownLatch(2);
		ExecutorService executor = Executors.newFixedThreadPool(2);
		try {
			Future<Boolean> first = executor.submit(() -> cache.get("a", () -> {
				bothStarted.countDown();
				return bothStarted.await(5, TimeUnit.SECONDS);
			}));
			Future<Boolean> second = executor.submit(() -> cache.get("b", () -> {
				bothStarted.countDown();
				return bothStarted.await(5, TimeUnit.SECONDS);
			}));
			assertThat(first.get(10, TimeUnit.SECONDS)).as("load of a saw load of b start").isTrue();
			assertThat(second.get(10, TimeUnit.SECONDS)).as("load of b saw load of a start").isTrue();
		}
		finally {
			executor.shutdownNow();
		}
	}

	@Test
	void loaderThatAsksForItsOwnKeyFailsInsteadOfWaitingForever() {
		TieredCache cache = builder().build();
		assertThatIllegalStateException().isThrownBy(() -> cache.get("k", () -> cache.get("k", () -> "inner")))
			.withMessageContaining("recursive load");
	}

	@Test
	void loaderExceptionReachesTheCallerAndCachesNothing() {
		TieredCache cache = builder().build();
		IllegalStateException failure = new IllegalStateException("no");
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> cache.get("k", () -> {
			throw failure;
		})).isSameAs(failure);
		assertThat(cache.get("k")).isNull();
	}

	@Test
	void putIfAbsentKeepsTheFirstValue() {
		TieredCache cache = builder().build();
		assertThat(cache.putIfAbsent("k", "first")).isNull();
		assertThat(cache.putIfAbsent("k", "second")).isEqualTo(new CacheHit("first"));
		assertThat(cache.get("k")).isEqualTo(new CacheHit("first"));
	}

	@Test
	void evictTellsWhetherTheKeyWasPresent() {
		TieredCache cache = builder().build();
		cache.put("k", "value");
		assertThat(cache.evict("k")).isTrue();
		assertThat(cache.evict("k")).isFalse();
		assertThat(cache.get("k")).isNull();
	}

	@Test
	void clearRemovesEveryEntry() {
		TieredCache cache = builder().build();
		cache.put("a", 1);
		cache.put("b", 2);
		cache.clear();
		assertThat(cache.get("a")).isNull();
		assertThat(cache.get("b")).isNull();
	}

	@Test
	void retrieveCompletesWithTheHitOrNull() {
		TieredCache cache = builder().build();
		cache.put("k", "value");
		assertThat(cache.retrieve("k").join()).isEqualTo(new CacheHit("value"));
		assertThat(cache.retrieve("missing").join()).isNull();
	}

	@Test
	void retrieveWithLoaderLoadsOnceAndCaches() {
		TieredCache cache = builder().build();
		AtomicInteger calls = new AtomicInteger();
		CompletableFuture<String> pending = new CompletableFuture<>();
		CompletableFuture<String> first = cache.retrieve("k", () -> {
			calls.incrementAndGet();
			return pending;
		});
		CompletableFuture<String> second = cache.retrieve("k", () -> {
			calls.incrementAndGet();
			return CompletableFuture.completedFuture("other");
		});
		pending.complete("loaded");
		assertThat(first.join()).isEqualTo("loaded");
		assertThat(second.join()).isEqualTo("loaded");
		assertThat(calls).hasValue(1);
		assertThat(cache.get("k")).isEqualTo(new CacheHit("loaded"));
	}

	@Test
	void retrieveWithALoaderThatReturnsNoFutureFailsAndLeavesTheKeyUsable() {
		TieredCache cache = builder().build();
		assertThat(cache.<String>retrieve("k", () -> null)).isCompletedExceptionally();
		assertThat(cache.retrieve("k", () -> CompletableFuture.completedFuture("v")).join()).isEqualTo("v");
	}

	@Test
	void slowL2ReadNeverPutsBackAValueALaterWriteReplaced() throws Exception {
		FaultInjectingBackend backend = FaultInjectingBackend.wrap(InMemoryBackend.create(this.time));
		TieredCache cache = builder().backend(backend)
			.configure((c) -> c.withL1Ttl(Duration.ofSeconds(10)).withTtl(Duration.ofHours(1)))
			.build();
		cache.put("k", "v1");
		this.time.advance(Duration.ofSeconds(11));
		Gate gate = backend.hold(Selector.keys((key) -> key.endsWith(":k")), true);
		ExecutorService reader = Executors.newSingleThreadExecutor();
		try {
			Future<CacheHit> slowRead = reader.submit(() -> cache.get("k"));
			assertThat(gate.awaitReached()).as("the read reached L2").isTrue();
			cache.put("k", "v2");
			gate.release();
			assertThat(slowRead.get(10, TimeUnit.SECONDS)).isEqualTo(new CacheHit("v1"));
		}
		finally {
			reader.shutdownNow();
		}
		assertThat(cache.get("k")).as("L1 keeps the later write").isEqualTo(new CacheHit("v2"));
	}

	@Test
	void retrieveWithFailingLoaderFailsAndCachesNothing() {
		TieredCache cache = builder().build();
		CompletableFuture<String> result = cache.retrieve("k",
				() -> CompletableFuture.failedFuture(new IllegalStateException("no")));
		assertThat(result).isCompletedExceptionally();
		assertThat(cache.get("k")).isNull();
	}

	@Test
	void writeWhileTheFirstGenerationReadIsUnderWayReachesL2AndIsServed() throws Exception {
		FaultInjectingBackend backend = FaultInjectingBackend.wrap(InMemoryBackend.create(this.time));
		TieredCache cache = builder().backend(backend).build();
		Gate generationRead = backend.hold((operation, key) -> operation == BackendOperation.GET_ALL
				|| (key != null && key.endsWith(":generation")), false);
		ExecutorService threads = Executors.newFixedThreadPool(2);
		try {
			Future<CacheHit> reader = threads.submit(() -> cache.get("k"));
			assertThat(generationRead.awaitReached()).isTrue();
			Thread[] writerThread = new Thread[1];
			Future<?> writer = threads.submit(() -> {
				writerThread[0] = Thread.currentThread();
				cache.put("k", "written");
			});
			// The write either waits for the generation (as it must) or has already gone
			// around L2; both are visible without timing.
			assertThat(Await.until(() -> writer.isDone()
					|| (writerThread[0] != null && writerThread[0].getState() == Thread.State.WAITING)))
				.isTrue();
			generationRead.release();
			reader.get(10, TimeUnit.SECONDS);
			writer.get(10, TimeUnit.SECONDS);
		}
		finally {
			threads.shutdownNow();
		}
		assertThat(cache.get("k")).isEqualTo(new CacheHit("written"));
		TieredCache otherInstance = builder().backend(backend).build();
		assertThat(otherInstance.get("k")).as("the write reached L2").isEqualTo(new CacheHit("written"));
	}

	@Test
	void freshInstanceReadsWhatL2HoldsEvenWhenItsFirstCallsArriveTogether() throws Exception {
		InMemoryBackend shared = InMemoryBackend.create(this.time);
		TieredCache running = builder().backend(shared).build();
		for (int i = 0; i < 50; i++) {
			running.put("k" + i, "v" + i);
		}
		FaultInjectingBackend backend = FaultInjectingBackend.wrap(shared);
		TieredCache fresh = builder().backend(backend).build();
		Gate generationRead = backend.hold((operation, key) -> operation == BackendOperation.GET_ALL
				|| (key != null && key.endsWith(":generation")), false);
		AtomicInteger loads = new AtomicInteger();
		ExecutorService callers = Executors.newFixedThreadPool(8);
		try {
			List<Future<?>> calls = new ArrayList<>();
			for (int thread = 0; thread < 8; thread++) {
				calls.add(callers.submit(() -> {
					for (int i = 0; i < 50; i++) {
						String value = fresh.get("k" + i, () -> {
							loads.incrementAndGet();
							return "loaded";
						});
						assertThat(value).isNotEqualTo("loaded");
					}
					return null;
				}));
			}
			assertThat(generationRead.awaitReached()).isTrue();
			generationRead.release();
			for (Future<?> call : calls) {
				call.get(30, TimeUnit.SECONDS);
			}
		}
		finally {
			callers.shutdownNow();
		}
		assertThat(loads).as("the loader never ran").hasValue(0);
		assertThat(backend.calls(BackendOperation.SET)).as("no entry was written again").isZero();
	}

	@Test
	void retrieveOfAFreshInstanceReadsWhatL2Holds() {
		InMemoryBackend shared = InMemoryBackend.create(this.time);
		builder().backend(shared).build().put("k", "cluster");
		TieredCache fresh = builder().backend(shared).build();
		assertThat(fresh.retrieve("k", () -> CompletableFuture.completedFuture("loaded")).join()).isEqualTo("cluster");
	}

	@Test
	void wholeCacheStatisticsCountEachLookupAndPutOnce() {
		TieredCache cache = builder().backend(InMemoryBackend.create(this.time)).build();
		cache.get("k");
		cache.put("k", "v");
		cache.get("k");
		cache.get("missing");
		TierStatistics whole = cache.statistics();
		assertThat(whole.hitCount()).isEqualTo(1);
		assertThat(whole.missCount()).isEqualTo(2);
		assertThat(whole.putCount()).isEqualTo(1);
		assertThat(cache.statistics(Tier.L1).missCount()).as("per tier").isEqualTo(2);
		assertThat(cache.statistics(Tier.L2).missCount()).isEqualTo(2);
	}

	@Test
	void wholeCacheEvictionsCountWhatEvictRemoved() {
		TieredCache cache = builder().backend(InMemoryBackend.create(this.time)).build();
		cache.put("k", "v");
		cache.evict("k");
		cache.evict("k");
		assertThat(cache.statistics().evictionCount()).isEqualTo(1);
	}

	static long codecErrors(TierStatistics statistics) {
		long total = 0;
		for (CodecException.Kind kind : CodecException.Kind.values()) {
			total += statistics.codecErrorCount(kind);
		}
		return total;
	}

	/**
	 * A value of a trusted package, in a cache whose codec trusts it.
	 *
	 * @param name a name
	 * @param numbers some numbers
	 */
	record Trusted(String name, List<Long> numbers) {

	}

	/**
	 * A codec that counts its encodes.
	 */
	static final class CountingCodec implements ValueCodec {

		final AtomicInteger encodes = new AtomicInteger();

		private final ValueCodec codec;

		CountingCodec(ValueCodec codec) {
			this.codec = codec;
		}

		@Override
		public byte[] encode(@Nullable Object value, @Nullable Instant expiresAt, String key) {
			this.encodes.incrementAndGet();
			return this.codec.encode(value, expiresAt, key);
		}

		@Override
		public CachedValue decode(byte[] bytes, String key) {
			return this.codec.decode(bytes, key);
		}

		@Override
		public boolean accepts(Class<?> type) {
			return this.codec.accepts(type);
		}

	}

	/**
	 * A value the codec cannot write: its getter throws.
	 */
	static final class Unserializable {

		public String getValue() {
			throw new IllegalStateException("cannot read");
		}

	}

	/**
	 * A key whose {@code toString()} throws.
	 */
	static final class BadKey {

		@Override
		public String toString() {
			throw new IllegalStateException("no string");
		}

	}

}
