package io.cachekit.tier;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.cachekit.backend.BackendOperation;
import io.cachekit.codec.MessagePackCodec;
import io.cachekit.test.FaultInjectingBackend;
import io.cachekit.test.FaultInjectingBackend.Gate;
import io.cachekit.test.InMemoryBackend;
import io.cachekit.test.ManualTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link TierLoader}, through the cache's asynchronous loading path: where a loaded value
 * is stored.
 */
class TierLoaderTests {

	private final ManualTime time = new ManualTime();

	private final FaultInjectingBackend backend = FaultInjectingBackend.wrap(InMemoryBackend.create(this.time));

	private final ExecutorService executor = Executors.newCachedThreadPool();

	private final ExecutorService completer = Executors.newSingleThreadExecutor();

	@AfterEach
	void stop() {
		this.executor.shutdownNow();
		this.completer.shutdownNow();
	}

	private TieredCache cache() {
		return TieredCache.builder("test")
			.codec(MessagePackCodec.withDefaults())
			.backend(this.backend)
			.clock(this.time)
			.ticker(this.time)
			.executor(this.executor)
			.build();
	}

	@Test
	void valueOfAnAsyncLoaderIsStoredOffTheThreadThatCompletedIt() throws Exception {
		TieredCache cache = cache();
		cache.get("warm-up");
		CompletableFuture<String> loading = new CompletableFuture<>();
		CompletableFuture<String> result = cache.retrieve("k", () -> loading);
		Gate set = this.backend.hold((operation, key) -> operation == BackendOperation.SET, false);
		// The loader's future completes on a thread of its own, such as an event loop.
		Future<Boolean> completed = this.completer.submit(() -> loading.complete("v"));
		assertThat(set.awaitReached()).as("the value is being stored").isTrue();
		assertThat(completed.get(10, TimeUnit.SECONDS)).as("the completing thread is not held by L2").isTrue();
		assertThat(result).isNotDone();
		set.release();
		assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("v");
		assertThat(cache.get("k")).isEqualTo(new CacheHit("v"));
	}

	@Test
	void valueIsStoredOnTheCompletingThreadWhenTheExecutorRefuses() throws Exception {
		TieredCache cache = cache();
		cache.get("warm-up");
		CompletableFuture<String> loading = new CompletableFuture<>();
		CompletableFuture<String> result = cache.retrieve("k", () -> loading);
		this.executor.shutdown();
		loading.complete("v");
		assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("v");
		assertThat(cache.get("k")).isEqualTo(new CacheHit("v"));
	}

}
