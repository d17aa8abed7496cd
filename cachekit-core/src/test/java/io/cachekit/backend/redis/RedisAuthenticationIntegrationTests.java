package io.cachekit.backend.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.cachekit.backend.BackendErrorType;
import io.cachekit.backend.BackendException;
import io.cachekit.backend.BackendHealth;
import io.cachekit.test.ServerKind;
import io.cachekit.test.ServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link RedisBackend} against a redis-server that requires a password.
 */
class RedisAuthenticationIntegrationTests {

	private static final String PASSWORD = "s3cret-Pa55";

	private static final String WRONG_PASSWORD = "wrong-Pa55";

	private static ServerProcess server;

	@BeforeAll
	static void startServer() {
		server = ServerProcess.start(ServerKind.REDIS, "--requirepass", PASSWORD);
	}

	@AfterAll
	static void stopServer() {
		server.close();
	}

	private static RedisBackend backend(String userInfo) {
		return RedisBackend.create(RedisBackendConfig.builder()
			.url("redis://" + userInfo + server.address())
			.connectTimeout(Duration.ofSeconds(1))
			.build());
	}

	@Test
	void rightPasswordWorks() {
		try (RedisBackend backend = backend(":" + PASSWORD + "@")) {
			backend.set("k", bytes("v"), null);
			assertThat(backend.get("k")).isEqualTo(bytes("v"));
			assertThat(backend.health().healthy()).isTrue();
		}
	}

	@Test
	void rightPasswordForTheDefaultUserWorks() {
		try (RedisBackend backend = backend("default:" + PASSWORD + "@")) {
			assertThat(backend.increment("n", 1, 1, null)).isEqualTo(1);
		}
	}

	@Test
	void wrongPasswordFailsOperationsAsAuthentication() {
		try (RedisBackend backend = backend(":" + WRONG_PASSWORD + "@")) {
			assertThatExceptionOfType(BackendException.class).isThrownBy(() -> backend.get("k"))
				.satisfies((ex) -> assertThat(ex.getErrorType()).isEqualTo(BackendErrorType.AUTHENTICATION))
				.withMessageContaining("WRONGPASS")
				.withMessageNotContaining(WRONG_PASSWORD);
			assertThatExceptionOfType(BackendException.class).isThrownBy(() -> backend.set("k", bytes("v"), null))
				.satisfies((ex) -> assertThat(ex.getErrorType()).isEqualTo(BackendErrorType.AUTHENTICATION));
			assertThatExceptionOfType(BackendException.class).isThrownBy(() -> backend.increment("n", 1, 0, null))
				.satisfies((ex) -> assertThat(ex.getErrorType()).isEqualTo(BackendErrorType.AUTHENTICATION));
		}
	}

	@Test
	void wrongPasswordMakesHealthDownWithTheErrorAndNoPassword() {
		try (RedisBackend backend = backend(":" + WRONG_PASSWORD + "@")) {
			BackendHealth health = backend.health();
			assertThat(health.healthy()).isFalse();
			assertThat(String.valueOf(health.detail("error"))).contains("AUTHENTICATION").contains("WRONGPASS");
			assertThat(health.toString()).doesNotContain(WRONG_PASSWORD);
			assertThat(backend.toString()).doesNotContain(WRONG_PASSWORD);
			assertThat(backend.config().toString()).doesNotContain(WRONG_PASSWORD);
		}
	}

	@Test
	void missingPasswordFailsAsAuthentication() {
		try (RedisBackend backend = backend("")) {
			assertThatExceptionOfType(BackendException.class).isThrownBy(() -> backend.exists("k"))
				.satisfies((ex) -> assertThat(ex.getErrorType()).isEqualTo(BackendErrorType.AUTHENTICATION))
				.withMessageContaining("NOAUTH");
			assertThat(backend.health().healthy()).isFalse();
		}
	}

	@Test
	void wrongUserFailsAsAuthentication() {
		try (RedisBackend backend = backend("nobody:" + PASSWORD + "@")) {
			assertThatExceptionOfType(BackendException.class).isThrownBy(() -> backend.get("k"))
				.satisfies((ex) -> assertThat(ex.getErrorType()).isEqualTo(BackendErrorType.AUTHENTICATION))
				.withMessageNotContaining(PASSWORD);
		}
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
