package io.cachekit.backend.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.cachekit.backend.AddIfAbsent;
import io.cachekit.backend.Backend;
import io.cachekit.backend.BackendContract;
import io.cachekit.backend.BackendErrorType;
import io.cachekit.backend.BackendException;
import io.cachekit.backend.BackendHealth;
import io.cachekit.backend.Broadcast;
import io.cachekit.backend.BulkGet;
import io.cachekit.backend.Increment;
import io.cachekit.backend.TtlInspection;
import io.cachekit.test.ServerKind;
import io.cachekit.test.ServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link RedisBackend} as a Redis ACL user that may use only the commands, keys and
 * channels the README lists for cachekit, with the default user switched off: the backend
 * contract passes (so the list is complete), and what lies outside the user's rights
 * fails as {@code AUTHENTICATION}.
 */
class RedisAclIntegrationTests extends BackendContract {

	private static final String USER = "cachekit";

	private static final String PASSWORD = "acl-Pa55word";

	private static final String PREFIX = "app:";

	/** The rules the README gives, for the key prefix {@value #PREFIX}. */
	private static final List<String> RULES = List.of("on", ">" + PASSWORD, "resetkeys", "~" + PREFIX + "*",
			"resetchannels", "&" + PREFIX + "*", "-@all", "+get", "+set", "+del", "+exists", "+mget", "+pttl",
			"+publish", "+subscribe", "+unsubscribe", "+ping", "+evalsha", "+eval", "+incrby", "+pexpire");

	private static ServerProcess server;

	@BeforeAll
	static void startServer() {
		List<String> arguments = new ArrayList<>(List.of("--user", "default", "off", "--user", USER));
		arguments.addAll(RULES);
		server = ServerProcess.start(ServerKind.REDIS, arguments.toArray(new String[0]));
	}

	@AfterAll
	static void stopServer() {
		server.close();
	}

	@Override
	protected Backend createBackend() {
		return RedisBackend.create(config(USER + ":" + PASSWORD, PREFIX).build());
	}

	@Override
	protected String expectedBackendType() {
		return "redis";
	}

	@Override
	protected Set<Class<?>> expectedCapabilities() {
		return Set.of(AddIfAbsent.class, BulkGet.class, Broadcast.class, Increment.class, TtlInspection.class);
	}

	private static RedisBackendConfig.Builder config(String userInfo, String prefix) {
		return RedisBackendConfig.builder()
			.url("redis://" + userInfo + "@" + server.address())
			.keyPrefix(prefix)
			.connectTimeout(Duration.ofSeconds(1));
	}

	@Test
	void keysOutsideTheUsersPatternFailAsAuthentication() {
		try (RedisBackend other = RedisBackend.create(config(USER + ":" + PASSWORD, "other:").build())) {
			assertThatExceptionOfType(BackendException.class).isThrownBy(() -> other.get("k"))
				.satisfies((ex) -> assertThat(ex.getErrorType()).isEqualTo(BackendErrorType.AUTHENTICATION))
				.withMessageContaining("NOPERM")
				.withMessageNotContaining(PASSWORD);
			assertThatExceptionOfType(BackendException.class)
				.isThrownBy(() -> other.publish("invalidations", bytes("x")))
				.satisfies((ex) -> assertThat(ex.getErrorType()).isEqualTo(BackendErrorType.AUTHENTICATION));
			BackendHealth health = other.health();
			assertThat(health.healthy()).isFalse();
			assertThat(String.valueOf(health.detail("error"))).contains("AUTHENTICATION").contains("NOPERM");
		}
	}

	@Test
	void wrongPasswordOfTheUserFailsAsAuthentication() {
		try (RedisBackend wrong = RedisBackend.create(config(USER + ":not-" + PASSWORD, PREFIX).build())) {
			assertThatExceptionOfType(BackendException.class).isThrownBy(() -> wrong.get("k"))
				.satisfies((ex) -> assertThat(ex.getErrorType()).isEqualTo(BackendErrorType.AUTHENTICATION))
				.withMessageContaining("WRONGPASS")
				.withMessageNotContaining("not-" + PASSWORD);
			assertThat(wrong.health().healthy()).isFalse();
		}
	}

	@Test
	void unknownUserFailsAsAuthentication() {
		try (RedisBackend unknown = RedisBackend.create(config("nobody:" + PASSWORD, PREFIX).build())) {
			assertThatExceptionOfType(BackendException.class).isThrownBy(() -> unknown.exists("k"))
				.satisfies((ex) -> assertThat(ex.getErrorType()).isEqualTo(BackendErrorType.AUTHENTICATION))
				.withMessageNotContaining(PASSWORD);
		}
	}

}
