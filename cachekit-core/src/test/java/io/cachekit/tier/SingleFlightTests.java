package io.cachekit.tier;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.cachekit.test.Await;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class SingleFlightTests {

	private final SingleFlight loads = new SingleFlight("test");

	@Test
	void concurrentLoadsOfOneKeyRunOnce() throws Exception {
		AtomicInteger calls = new AtomicInteger();
		List<Thread> waiters = new CopyOnWriteArrayList<>();
		ExecutorService executor = Executors.newFixedThreadPool(4);
		try {
			List<Future<String>> results = new ArrayList<>();
			for (int i = 0; i < 4; i++) {
				results.add(executor.submit(() -> {
					waiters.add(Thread.currentThread());
					return load("k", () -> {
						calls.incrementAndGet();
						// Finish only once the three other callers wait for this load.
						Await.until(() -> waiters.size() == 4 && waiters.stream()
							.filter((waiter) -> waiter != Thread.currentThread())
							.allMatch((waiter) -> waiter.getState() == Thread.State.WAITING));
						return "v";
					});
				}));
			}
			for (Future<String> result : results) {
				assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo("v");
			}
		}
		finally {
			executor.shutdownNow();
		}
		assertThat(calls).hasValue(1);
	}

	private <T> T load(String key, java.util.concurrent.Callable<T> load) throws Exception {
		return this.loads.load(key, this.loads.ticket(key), () -> {
			throw new AssertionError("no load ended since the ticket was taken");
		}, load);
	}

	private <T> CompletableFuture<T> loadAsync(String key, java.util.function.Supplier<CompletableFuture<T>> loader,
			java.util.function.Consumer<T> store) {
		return this.loads.loadAsync(key, this.loads.ticket(key), () -> {
			throw new AssertionError("no load ended since the ticket was taken");
		}, loader, store);
	}

	@Test
	void callerWhoseTicketMovedLooksAgainInsteadOfLoading() throws Exception {
		long ticket = this.loads.ticket("k");
		load("k", () -> "first");
		AtomicInteger calls = new AtomicInteger();
		String value = this.loads.load("k", ticket, () -> new CacheHit("first"), () -> {
			calls.incrementAndGet();
			return "second";
		});
		assertThat(value).isEqualTo("first");
		assertThat(calls).hasValue(0);
	}

	@Test
	void asyncCallerWhoseTicketMovedLooksAgainInsteadOfLoading() throws Exception {
		long ticket = this.loads.ticket("k");
		load("k", () -> "first");
		CompletableFuture<String> value = this.loads.loadAsync("k", ticket, () -> new CacheHit("first"),
				() -> CompletableFuture.completedFuture("second"), (stored) -> {
					throw new AssertionError("nothing to store");
				});
		assertThat(value.join()).isEqualTo("first");
	}

	@Test
	void lookingAgainThatMissesLoads() throws Exception {
		long ticket = this.loads.ticket("k");
		load("k", () -> "first");
		assertThat(this.loads.load("k", ticket, () -> null, () -> "second")).isEqualTo("second");
	}

	@Test
	void recursiveLoadOfTheSameKeyFails() {
		assertThatIllegalStateException().isThrownBy(() -> load("k", () -> load("k", () -> "x")))
			.withMessageContaining("recursive load");
	}

	@Test
	void failureReachesTheCallerAndTheKeyCanBeLoadedAgain() throws Exception {
		IllegalStateException failure = new IllegalStateException("no");
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> load("k", () -> {
			throw failure;
		})).isSameAs(failure);
		assertThat(this.<String>load("k", () -> "v")).isEqualTo("v");
	}

	@Test
	void asyncLoadIsSharedAndStoredBeforeItCompletes() {
		List<String> stored = new ArrayList<>();
		CompletableFuture<String> pending = new CompletableFuture<>();
		CompletableFuture<String> first = loadAsync("k", () -> pending, stored::add);
		CompletableFuture<String> second = loadAsync("k", () -> CompletableFuture.completedFuture("x"), stored::add);
		pending.complete("v");
		assertThat(first.join()).isEqualTo("v");
		assertThat(second.join()).isEqualTo("v");
		assertThat(stored).containsExactly("v");
	}

	@Test
	void asyncLoaderThatThrowsFailsTheFutureAndFreesTheKey() {
		CompletableFuture<String> failed = loadAsync("k", () -> {
			throw new IllegalStateException("no");
		}, (value) -> {
		});
		assertThat(failed).isCompletedExceptionally();
		assertThat(loadAsync("k", () -> CompletableFuture.completedFuture("v"), (value) -> {
		}).join()).isEqualTo("v");
	}

}
