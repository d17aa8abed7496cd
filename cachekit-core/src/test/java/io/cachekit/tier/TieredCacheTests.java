package io.cachekit.tier;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.cachekit.codec.CodecException;
import io.cachekit.codec.MessagePackCodec;
import io.cachekit.test.Await;
import io.cachekit.test.ManualTime;
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

	private TieredCache.Builder builder() {
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
		TieredCache cache = builder().allowNullValues(false).build();
		assertThatIllegalArgumentException().isThrownBy(() -> cache.put("k", null))
			.withMessageContaining("does not allow null values");
	}

	@Test
	void loaderNullIsReturnedButNotCachedWhenNullValuesAreNotAllowed() throws Exception {
		TieredCache cache = builder().allowNullValues(false).build();
		assertThat(cache.<String>get("k", () -> null)).isNull();
		assertThat(cache.get("k")).isNull();
	}

	@Test
	void l1EntryLeavesAfterTheL1Ttl() {
		TieredCache cache = builder().l1Ttl(Duration.ofSeconds(30)).build();
		cache.put("k", "value");
		this.time.advance(Duration.ofSeconds(29));
		assertThat(cache.get("k")).isNotNull();
		this.time.advance(Duration.ofSeconds(2));
		assertThat(cache.get("k")).isNull();
	}

	@Test
	void l1EntryLeavesAtTheCacheTtlWhenThatIsShorter() {
		TieredCache cache = builder().l1Ttl(Duration.ofSeconds(30)).ttl(Duration.ofSeconds(5)).build();
		cache.put("k", "value");
		this.time.advance(Duration.ofSeconds(4));
		assertThat(cache.get("k")).isNotNull();
		this.time.advance(Duration.ofSeconds(2));
		assertThat(cache.get("k")).isNull();
	}

	@Test
	void l1IsBoundedByEncodedBytes() {
		TieredCache cache = builder().l1MaxWeight(10_000).build();
		for (int i = 0; i < 100; i++) {
			cache.put("k" + i, "x".repeat(500));
		}
		assertThat(cache.l1Weight()).isLessThanOrEqualTo(10_000).isGreaterThan(5_000);
		assertThat(cache.statistics(Tier.L1).evictionCount()).isGreaterThan(50);
		assertThat(cache.l1Size()).isLessThan(20);
	}

	@Test
	void valueThatCannotBeEncodedIsNotCachedAndTheCallSucceeds() {
		TieredCache cache = builder().build();
		cache.put("k", "old");
		cache.put("k", new Unserializable());
		assertThat(cache.get("k")).as("the old value must not stay").isNull();
		assertThat(codecErrors(cache.statistics(Tier.L1))).isEqualTo(1);
	}

	@Test
	void repeatedEncodingFailureIsLoggedOnceAndCountedEachTime() {
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
		GatedBackend backend = new GatedBackend();
		TieredCache cache = builder().backend(backend).l1Ttl(Duration.ofSeconds(10)).ttl(Duration.ofHours(1)).build();
		cache.put("k", "v1");
		this.time.advance(Duration.ofSeconds(11));
		backend.holdNextGet();
		ExecutorService reader = Executors.newSingleThreadExecutor();
		try {
			Future<CacheHit> slowRead = reader.submit(() -> cache.get("k"));
			assertThat(backend.awaitHeldGet()).as("the read reached L2").isTrue();
			cache.put("k", "v2");
			backend.releaseGet();
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

	/**
	 * A map-backed L2 whose next read can be held after it has read its value, to put a
	 * write between a read and its L1 fill.
	 */
	static final class GatedBackend implements io.cachekit.backend.Backend {

		private final java.util.Map<String, byte[]> entries = new java.util.concurrent.ConcurrentHashMap<>();

		private volatile CountDownLatch held = new CountDownLatch(0);

		private final CountDownLatch reached = new CountDownLatch(1);

		private final CountDownLatch release = new CountDownLatch(1);

		void holdNextGet() {
			this.held = new CountDownLatch(1);
		}

		boolean awaitHeldGet() throws InterruptedException {
			return this.reached.await(10, TimeUnit.SECONDS);
		}

		void releaseGet() {
			this.release.countDown();
		}

		@Override
		public byte @org.jspecify.annotations.Nullable [] get(String key) {
			byte[] value = this.entries.get(key);
			if (this.held.getCount() > 0 && !key.endsWith(":generation")) {
				this.held.countDown();
				this.reached.countDown();
				try {
					this.release.await(10, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			return value;
		}

		@Override
		public void set(String key, byte[] value, @org.jspecify.annotations.Nullable Duration ttl) {
			this.entries.put(key, value);
		}

		@Override
		public boolean delete(String key) {
			return this.entries.remove(key) != null;
		}

		@Override
		public boolean exists(String key) {
			return this.entries.containsKey(key);
		}

		@Override
		public io.cachekit.backend.BackendHealth health() {
			return io.cachekit.backend.BackendHealth.up("gated", 0, java.util.Map.of());
		}

	}

	static long codecErrors(TierStatistics statistics) {
		long total = 0;
		for (CodecException.Kind kind : CodecException.Kind.values()) {
			total += statistics.codecErrorCount(kind);
		}
		return total;
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
