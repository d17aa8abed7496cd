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
					return this.loads.load("k", () -> {
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

	@Test
	void recursiveLoadOfTheSameKeyFails() {
		assertThatIllegalStateException().isThrownBy(() -> this.loads.load("k", () -> this.loads.load("k", () -> "x")))
			.withMessageContaining("recursive load");
	}

	@Test
	void failureReachesTheCallerAndTheKeyCanBeLoadedAgain() throws Exception {
		IllegalStateException failure = new IllegalStateException("no");
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> this.loads.load("k", () -> {
			throw failure;
		})).isSameAs(failure);
		assertThat(this.loads.<String>load("k", () -> "v")).isEqualTo("v");
	}

	@Test
	void asyncLoadIsSharedAndStoredBeforeItCompletes() {
		List<String> stored = new ArrayList<>();
		CompletableFuture<String> pending = new CompletableFuture<>();
		CompletableFuture<String> first = this.loads.loadAsync("k", () -> pending, stored::add);
		CompletableFuture<String> second = this.loads.loadAsync("k", () -> CompletableFuture.completedFuture("x"),
				stored::add);
		pending.complete("v");
		assertThat(first.join()).isEqualTo("v");
		assertThat(second.join()).isEqualTo("v");
		assertThat(stored).containsExactly("v");
	}

	@Test
	void asyncLoaderThatThrowsFailsTheFutureAndFreesTheKey() {
		CompletableFuture<String> failed = this.loads.loadAsync("k", () -> {
			throw new IllegalStateException("no");
		}, (value) -> {
		});
		assertThat(failed).isCompletedExceptionally();
		assertThat(this.loads.loadAsync("k", () -> CompletableFuture.completedFuture("v"), (value) -> {
		}).join()).isEqualTo("v");
	}

}
