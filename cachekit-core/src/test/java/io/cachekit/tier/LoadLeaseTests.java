package io.cachekit.tier;

import java.nio.charset.StandardCharsets;
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

import io.cachekit.backend.BackendErrorType;
import io.cachekit.backend.BackendOperation;
import io.cachekit.backend.Increment;
import io.cachekit.codec.MessagePackCodec;
import io.cachekit.test.Await;
import io.cachekit.test.FaultInjectingBackend;
import io.cachekit.test.InMemoryBackend;
import io.cachekit.test.ManualTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * {@link LoadLease}: two {@link TieredCache}s on one in-memory L2 stand for two
 * processes. The maximum wait and the lease TTL run on a {@link ManualTime}, so nothing
 * here waits for them to pass; only the short poll pauses are real.
 */
class LoadLeaseTests {

	private static final Duration LEASE_TTL = Duration.ofSeconds(5);

	private static final Duration MAX_WAIT = Duration.ofSeconds(30);

	private final ManualTime time = new ManualTime();

	private final InMemoryBackend store = InMemoryBackend.create(this.time);

	private final FaultInjectingBackend backend = FaultInjectingBackend.wrap(this.store);

	private final ExecutorService callers = Executors.newCachedThreadPool();

	@AfterEach
	void stopCallers() {
		this.callers.shutdownNow();
	}

	private TieredCache cache() {
		return cache(this.backend);
	}

	private TieredCache cache(io.cachekit.backend.Backend l2) {
		return TieredCache.builder("test")
			.codec(MessagePackCodec.withDefaults())
			.backend(l2)
			.clock(this.time)
			.ticker(this.time)
			.executor(this.callers)
			.configure((c) -> c.withLease(true)
				.withLeaseTtl(LEASE_TTL)
				.withLeaseMaxWait(MAX_WAIT)
				.withLeasePoll(Duration.ofMillis(1), Duration.ofMillis(5)))
			.build();
	}

	private String leaseKey(String key) {
		byte[] generation = this.store.get("test:generation");
		assertThat(generation).isNotNull();
		return new CacheKeys("test").leaseKey(Long.parseLong(new String(generation, StandardCharsets.US_ASCII)), key);
	}

	@Test
	void twoProcessesLoadAMissingKeyOnce() throws Exception {
		TieredCache first = cache();
		TieredCache second = cache();
		AtomicInteger loads = new AtomicInteger();
		CountDownLatch othersWait = new CountDownLatch(1);
		List<Future<String>> results = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			TieredCache process = (i % 2 == 0) ? first : second;
			results.add(this.callers.submit(() -> process.get("k", () -> {
				loads.incrementAndGet();
				// Finish only once the other process has found the lease taken.
				othersWait.await(10, TimeUnit.SECONDS);
				return "v";
			})));
		}
		assertThat(Await.until(() -> this.backend.calls(BackendOperation.ADD_IF_ABSENT) >= 3)).isTrue();
		othersWait.countDown();
		for (Future<String> result : results) {
			assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("v");
		}
		assertThat(loads).hasValue(1);
		assertThat(first.lease().taken.sum() + second.lease().taken.sum()).isEqualTo(1);
		assertThat(this.store.keys()).doesNotContain(leaseKey("k"));
	}

	@Test
	void holderThatNeverReleasesHoldsOthersUpUntilItsLeaseExpires() throws Exception {
		TieredCache holder = cache();
		TieredCache other = cache();
		CountDownLatch holding = new CountDownLatch(1);
		CountDownLatch dies = new CountDownLatch(1);
		Future<String> held = this.callers.submit(() -> holder.get("k", () -> {
			holding.countDown();
			dies.await(10, TimeUnit.SECONDS);
			throw new IllegalStateException("holder died");
		}));
		assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
		AtomicInteger loads = new AtomicInteger();
		CountDownLatch otherLoading = new CountDownLatch(1);
		CountDownLatch otherMayFinish = new CountDownLatch(1);
		Future<String> waiting = this.callers.submit(() -> other.get("k", () -> {
			loads.incrementAndGet();
			otherLoading.countDown();
			otherMayFinish.await(10, TimeUnit.SECONDS);
			return "v";
		}));
		long addsBefore = this.backend.calls(BackendOperation.ADD_IF_ABSENT);
		assertThat(Await.until(() -> this.backend.calls(BackendOperation.ADD_IF_ABSENT) >= addsBefore + 3)).isTrue();
		assertThat(loads).hasValue(0);
		this.time.advance(LEASE_TTL);
		assertThat(otherLoading.await(10, TimeUnit.SECONDS)).isTrue();
		// The dead holder comes back and releases: the lease is no longer its own.
		dies.countDown();
		assertThat(held).failsWithin(Duration.ofSeconds(10));
		assertThat(this.store.keys()).contains(leaseKey("k"));
		otherMayFinish.countDown();
		assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo("v");
		assertThat(loads).hasValue(1);
		assertThat(other.lease().waitedOut.sum()).isZero();
	}

	@Test
	void callerLoadsItselfOnceTheMaximumWaitPassed() throws Exception {
		TieredCache cache = cache();
		cache.get("warm-up");
		this.store.set(leaseKey("k"), "someone-else".getBytes(StandardCharsets.US_ASCII), Duration.ofHours(1));
		Future<String> waiting = this.callers.submit(() -> cache.get("k", () -> "mine"));
		assertThat(Await.until(() -> this.backend.calls(BackendOperation.ADD_IF_ABSENT) >= 2)).isTrue();
		this.time.advance(MAX_WAIT);
		assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo("mine");
		assertThat(cache.lease().waitedOut.sum()).isEqualTo(1);
		assertThat(this.store.keys()).contains(leaseKey("k"));
	}

	@Test
	void interruptedWaitLoadsAtOnceWithTheInterruptFlagSet() throws Exception {
		TieredCache cache = cache();
		cache.get("warm-up");
		this.store.set(leaseKey("k"), "someone-else".getBytes(StandardCharsets.US_ASCII), Duration.ofHours(1));
		CompletableFuture<String> answer = new CompletableFuture<>();
		AtomicInteger interruptedLoads = new AtomicInteger();
		Thread waiter = new Thread(() -> {
			try {
				answer.complete(cache.get("k", () -> {
					if (Thread.currentThread().isInterrupted()) {
						interruptedLoads.incrementAndGet();
					}
					return "mine";
				}));
			}
			catch (Exception ex) {
				answer.completeExceptionally(ex);
			}
		});
		waiter.start();
		assertThat(Await.until(() -> this.backend.calls(BackendOperation.ADD_IF_ABSENT) >= 2)).isTrue();
		waiter.interrupt();
		assertThat(answer.get(10, TimeUnit.SECONDS)).isEqualTo("mine");
		assertThat(interruptedLoads).hasValue(1);
	}

	@Test
	void failedLoadReleasesTheLeaseAndThrows() {
		TieredCache cache = cache();
		assertThatIllegalStateException().isThrownBy(() -> cache.get("k", () -> {
			throw new IllegalStateException("boom");
		}));
		assertThat(cache.lease().taken.sum()).isEqualTo(1);
		assertThat(this.store.keys()).doesNotContain(leaseKey("k"));
	}

	@Test
	void failingL2LoadsAtOnceWithoutALease() throws Exception {
		TieredCache cache = cache();
		cache.get("warm-up");
		this.backend.fail(BackendErrorType.TRANSIENT);
		assertThat(cache.get("k", () -> "v")).isEqualTo("v");
		assertThat(cache.lease().taken.sum()).isZero();
		assertThat(cache.lease().waitedOut.sum()).isZero();
	}

	@Test
	void backendWithoutAddIfAbsentLoadsWithoutALease() throws Exception {
		TieredCache cache = cache(InMemoryBackend.withCapabilities(this.time, Increment.class));
		assertThat(cache.lease().isActive()).isFalse();
		assertThat(cache.get("k", () -> "v")).isEqualTo("v");
	}

	@Test
	void leaseIsOffByDefault() {
		TieredCache cache = TieredCache.builder("test")
			.codec(MessagePackCodec.withDefaults())
			.backend(this.backend)
			.build();
		assertThat(cache.lease().isActive()).isFalse();
	}

	@Test
	void asyncLoserWaitsForTheHoldersEntryWithoutLoading() throws Exception {
		TieredCache holder = cache();
		TieredCache other = cache();
		CountDownLatch holding = new CountDownLatch(1);
		CountDownLatch finish = new CountDownLatch(1);
		Future<String> held = this.callers.submit(() -> holder.get("k", () -> {
			holding.countDown();
			finish.await(10, TimeUnit.SECONDS);
			return "holder's";
		}));
		assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
		AtomicInteger loads = new AtomicInteger();
		CompletableFuture<String> waiting = other.retrieve("k", () -> {
			loads.incrementAndGet();
			return CompletableFuture.completedFuture("other's");
		});
		long addsBefore = this.backend.calls(BackendOperation.ADD_IF_ABSENT);
		assertThat(Await.until(() -> this.backend.calls(BackendOperation.ADD_IF_ABSENT) >= addsBefore + 2)).isTrue();
		assertThat(waiting).isNotDone();
		finish.countDown();
		assertThat(held.get(10, TimeUnit.SECONDS)).isEqualTo("holder's");
		assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo("holder's");
		assertThat(loads).hasValue(0);
	}

	/**
	 * Starts an asynchronous load of a key whose lease another process holds for an hour,
	 * on a cache whose only thread is {@code executor}.
	 */
	private CompletableFuture<String> waitForAnotherHolder(ExecutorService executor) {
		TieredCache cache = TieredCache.builder("test")
			.codec(MessagePackCodec.withDefaults())
			.backend(this.backend)
			.clock(this.time)
			.ticker(this.time)
			.executor(executor)
			.configure((c) -> c.withLease(true)
				.withLeaseMaxWait(MAX_WAIT)
				.withLeasePoll(Duration.ofMillis(1), Duration.ofMillis(5)))
			.build();
		cache.get("warm-up");
		this.store.set(leaseKey("k"), "someone-else".getBytes(StandardCharsets.US_ASCII), Duration.ofHours(1));
		return cache.retrieve("k", () -> CompletableFuture.completedFuture("mine"));
	}

	@Test
	void asyncWaitHoldsNoThread() throws Exception {
		ExecutorService single = Executors.newSingleThreadExecutor();
		try {
			CompletableFuture<String> waiting = waitForAnotherHolder(single);
			long addsBefore = this.backend.calls(BackendOperation.ADD_IF_ABSENT);
			assertThat(Await.until(() -> this.backend.calls(BackendOperation.ADD_IF_ABSENT) >= addsBefore + 3))
				.isTrue();
			// The cache's only thread is free between two looks at L2.
			assertThat(single.submit(() -> "free").get(10, TimeUnit.SECONDS)).isEqualTo("free");
			assertThat(waiting).isNotDone();
			this.time.advance(MAX_WAIT);
			assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo("mine");
		}
		finally {
			single.shutdownNow();
		}
	}

	@Test
	void asyncWaitWhoseExecutorStopsTakingTasksLoadsInsteadOfHanging() throws Exception {
		ExecutorService single = Executors.newSingleThreadExecutor();
		try {
			CompletableFuture<String> waiting = waitForAnotherHolder(single);
			long addsBefore = this.backend.calls(BackendOperation.ADD_IF_ABSENT);
			assertThat(Await.until(() -> this.backend.calls(BackendOperation.ADD_IF_ABSENT) >= addsBefore + 1))
				.isTrue();
			// The executor refuses every look from now on (an application shutting down).
			single.shutdown();
			assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo("mine");
		}
		finally {
			single.shutdownNow();
		}
	}

	@Test
	void asyncWinnerReleasesTheLeaseAfterWritingTheEntry() throws Exception {
		TieredCache cache = cache();
		CompletableFuture<String> loading = new CompletableFuture<>();
		CompletableFuture<String> result = cache.retrieve("k", () -> loading);
		assertThat(Await.until(() -> cache.lease().taken.sum() == 1)).isTrue();
		assertThat(this.store.keys()).contains(leaseKey("k"));
		loading.complete("v");
		assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("v");
		assertThat(Await.until(() -> !this.store.keys().contains(leaseKey("k")))).isTrue();
		assertThat(cache.get("k")).isEqualTo(new CacheHit("v"));
	}

}
