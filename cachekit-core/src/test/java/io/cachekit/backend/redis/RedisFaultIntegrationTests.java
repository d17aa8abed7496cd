package io.cachekit.backend.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.cachekit.backend.BackendErrorType;
import io.cachekit.backend.BackendException;
import io.cachekit.backend.BackendHealth;
import io.cachekit.test.Await;
import io.cachekit.test.ServerKind;
import io.cachekit.test.ServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link RedisBackend} while its server is stopped, restarted or paused.
 */
class RedisFaultIntegrationTests {

	private static ServerProcess server;

	@BeforeAll
	static void startServer() {
		server = ServerProcess.start(ServerKind.REDIS);
	}

	@AfterAll
	static void stopServer() {
		server.close();
	}

	@AfterEach
	void leaveServerRunning() {
		if (!server.isRunning()) {
			server.restart();
		}
		else {
			server.resume();
		}
	}

	private static RedisBackendConfig.Builder config() {
		return RedisBackendConfig.builder().url("redis://" + server.address()).connectTimeout(Duration.ofMillis(500));
	}

	@Test
	void stoppedServerFailsOperationsAsTransientOrTimeoutAndHealthIsDown() {
		try (RedisBackend backend = RedisBackend.create(config().build())) {
			backend.set("k", bytes("v"), null);
			server.stop();
			assertThatExceptionOfType(BackendException.class).isThrownBy(() -> backend.get("k"))
				.satisfies((ex) -> assertThat(ex.getErrorType()).isIn(BackendErrorType.TRANSIENT, BackendErrorType.TIMEOUT));
			BackendHealth health = backend.health();
			assertThat(health.healthy()).isFalse();
			assertThat(health.details()).containsKey("error").containsEntry("server", server.address());
		}
	}

	@Test
	void stoppedServerFailsAtOnceInsteadOfWaitingForTheCommandTimeout() {
		try (RedisBackend backend = RedisBackend.create(config().commandTimeout(Duration.ofSeconds(10)).build())) {
			backend.set("k", bytes("v"), null);
			server.stop();
			long start = System.nanoTime();
			assertThatExceptionOfType(BackendException.class).isThrownBy(() -> backend.get("k"))
				.satisfies((ex) -> assertThat(ex.getErrorType()).isEqualTo(BackendErrorType.TRANSIENT));
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
		}
	}

	@Test
	void restartedServerIsUsedAgain() {
		try (RedisBackend backend = RedisBackend.create(config().build())) {
			backend.set("k", bytes("v"), null);
			server.stop();
			assertThat(backend.health().healthy()).isFalse();
			server.restart();
			assertThat(Await.until(() -> backend.health().healthy())).as("healthy again after restart").isTrue();
			backend.set("after", bytes("restart"), null);
			assertThat(backend.get("after")).isEqualTo(bytes("restart"));
		}
	}

	@Test
	void serverStartedAfterTheBackendIsUsedOnceItIsUp() {
		server.stop();
		try (RedisBackend backend = RedisBackend.create(config().build())) {
			assertThatExceptionOfType(BackendException.class).isThrownBy(() -> backend.get("k"))
				.satisfies((ex) -> assertThat(ex.getErrorType()).isEqualTo(BackendErrorType.TRANSIENT));
			server.restart();
			assertThat(Await.until(() -> backend.health().healthy())).isTrue();
			assertThat(backend.get("k")).isNull();
		}
	}

	@Test
	void pausedServerFailsAsTimeoutAndHealthIsDown() {
		RedisBackendConfig config = config().commandTimeout(Duration.ofMillis(200)).retryAttempts(0).build();
		try (RedisBackend backend = RedisBackend.create(config)) {
			backend.set("k", bytes("v"), null);
			server.pause();
			assertThatExceptionOfType(BackendException.class).isThrownBy(() -> backend.get("k"))
				.satisfies((ex) -> assertThat(ex.getErrorType()).isEqualTo(BackendErrorType.TIMEOUT));
			BackendHealth health = backend.health();
			assertThat(health.healthy()).isFalse();
			assertThat(String.valueOf(health.detail("error"))).contains("TIMEOUT");
			server.resume();
			assertThat(Await.until(() -> backend.health().healthy())).isTrue();
			assertThat(backend.get("k")).isEqualTo(bytes("v"));
		}
	}

	@Test
	void retriesCarryAnIdempotentOperationOverAShortPause() {
		RedisBackendConfig config = config().commandTimeout(Duration.ofMillis(300)).retryAttempts(5).build();
		try (RedisBackend backend = RedisBackend.create(config)) {
			backend.set("k", bytes("v"), null);
			server.pause();
			CompletableFuture<Void> resume = CompletableFuture.runAsync(server::resume,
					CompletableFuture.delayedExecutor(500, TimeUnit.MILLISECONDS));
			assertThat(backend.get("k")).isEqualTo(bytes("v"));
			resume.join();
		}
	}

	@Test
	void incrementIsNotRetriedOnATimeout() {
		RedisBackendConfig config = config().commandTimeout(Duration.ofMillis(300)).retryAttempts(5).build();
		try (RedisBackend backend = RedisBackend.create(config)) {
			backend.increment("n", 1, 0, null);
			server.pause();
			CompletableFuture<Void> resume = CompletableFuture.runAsync(server::resume,
					CompletableFuture.delayedExecutor(500, TimeUnit.MILLISECONDS));
			assertThatExceptionOfType(BackendException.class).isThrownBy(() -> backend.increment("n", 1, 0, null))
				.satisfies((ex) -> assertThat(ex.getErrorType()).isEqualTo(BackendErrorType.TIMEOUT));
			resume.join();
			// The timed-out increment reached the server once it resumed; it was not sent twice.
			assertThat(Await.until(() -> "1".equals(text(backend.get("n"))))).isTrue();
			assertThat(backend.increment("n", 0, 0, null)).isEqualTo(1);
		}
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static String text(byte[] value) {
		return (value != null) ? new String(value, StandardCharsets.UTF_8) : null;
	}

}
