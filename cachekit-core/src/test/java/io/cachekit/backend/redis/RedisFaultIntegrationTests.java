package io.cachekit.backend.redis;

import java.time.Duration;

import io.cachekit.backend.Backend;
import io.cachekit.backend.BackendErrorType;
import io.cachekit.backend.BackendException;
import io.cachekit.backend.BackendFaultContract;
import io.cachekit.test.Await;
import io.cachekit.test.ServerKind;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link RedisBackend} while its server is stopped, restarted or paused.
 */
class RedisFaultIntegrationTests extends BackendFaultContract {

	@Override
	protected ServerKind serverKind() {
		return ServerKind.REDIS;
	}

	@Override
	protected Backend createBackend(String address, Duration timeout, int retryAttempts) {
		return RedisBackend.create(config().commandTimeout(timeout).retryAttempts(retryAttempts).build());
	}

	private RedisBackendConfig.Builder config() {
		return RedisBackendConfig.builder().url("redis://" + server().address()).connectTimeout(Duration.ofMillis(500));
	}

	@Test
	void stoppedServerIsNamedInTheHealthDetails() {
		try (RedisBackend backend = RedisBackend.create(config().build())) {
			backend.set("k", bytes("v"), null);
			server().stop();
			assertThat(backend.health().details()).containsKey("error").containsEntry("server", server().address());
		}
	}

	@Test
	void stoppedServerFailsAtOnceInsteadOfWaitingForTheCommandTimeout() {
		try (RedisBackend backend = RedisBackend.create(config().commandTimeout(Duration.ofSeconds(10)).build())) {
			backend.set("k", bytes("v"), null);
			server().stop();
			// TRANSIENT, not TIMEOUT: it failed on the lost connection, not after the
			// 10 s timeout.
			assertThatExceptionOfType(BackendException.class).isThrownBy(() -> backend.get("k"))
				.satisfies((ex) -> assertThat(ex.getErrorType()).isEqualTo(BackendErrorType.TRANSIENT));
		}
	}

	@Test
	void serverStartedAfterTheBackendIsUsedOnceItIsUp() {
		server().stop();
		try (RedisBackend backend = RedisBackend.create(config().build())) {
			assertThatExceptionOfType(BackendException.class).isThrownBy(() -> backend.get("k"))
				.satisfies((ex) -> assertThat(ex.getErrorType()).isEqualTo(BackendErrorType.TRANSIENT));
			server().restart();
			assertThat(Await.until(() -> backend.health().healthy())).isTrue();
			assertThat(backend.get("k")).isNull();
		}
	}

}
