package io.cachekit.backend.memcached;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.cachekit.backend.AddIfAbsent;
import io.cachekit.backend.Backend;
import io.cachekit.backend.BackendContract;
import io.cachekit.backend.BackendErrorType;
import io.cachekit.backend.BackendException;
import io.cachekit.backend.BackendHealth;
import io.cachekit.backend.BulkGet;
import io.cachekit.backend.CapturedLogs;
import io.cachekit.backend.Increment;
import io.cachekit.test.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link MemcachedBackend} with SASL {@code PLAIN} against a real {@code memcached -S}
 * whose SASL database the test support creates: the backend contract over an
 * authenticated backend, and wrong or missing credentials as {@code AUTHENTICATION}.
 */
class MemcachedSaslIntegrationTests extends BackendContract {

	private static final String USERNAME = "cachekit";

	private static final String PASSWORD = "s3cret-Pl41n";

	private static final String WRONG_PASSWORD = "not-the-password";

	@RegisterExtension
	static final TestServer memcached = TestServer.memcachedWithSasl(USERNAME, PASSWORD);

	@Override
	protected Backend createBackend() {
		return MemcachedBackend.create(config().credentials(USERNAME, PASSWORD).build());
	}

	@Override
	protected String expectedBackendType() {
		return "memcached";
	}

	@Override
	protected Set<Class<?>> expectedCapabilities() {
		return Set.of(AddIfAbsent.class, BulkGet.class, Increment.class);
	}

	private static MemcachedConfig.Builder config() {
		return MemcachedConfig.builder().servers(memcached.address()).connectTimeout(Duration.ofSeconds(5));
	}

	@Test
	void healthWithTheRightCredentialsIsUpAndShowsNoPassword() {
		BackendHealth health = backend().health();
		assertThat(health.healthy()).isTrue();
		assertThat(health.details()).containsEntry("servers", Map.of(memcached.address(), "up"));
		assertThat(health.details().toString()).doesNotContain(PASSWORD);
	}

	@Test
	void wrongPasswordMakesHealthDownWithAuthenticationAndNoPassword() {
		try (MemcachedBackend wrong = MemcachedBackend.create(config().credentials(USERNAME, WRONG_PASSWORD).build())) {
			BackendHealth health = wrong.health();
			assertThat(health.healthy()).isFalse();
			assertThat(String.valueOf(health.detail("error"))).contains("AUTHENTICATION")
				.contains("user '" + USERNAME + "'")
				.doesNotContain(WRONG_PASSWORD)
				.doesNotContain(PASSWORD);
		}
	}

	@Test
	void wrongPasswordFailsEveryOperationAsAuthenticationWithoutWaitingForATimeout() {
		try (MemcachedBackend wrong = MemcachedBackend.create(config().credentials(USERNAME, WRONG_PASSWORD).build())) {
			long start = System.nanoTime();
			for (int i = 0; i < 20; i++) {
				String key = key("k" + i);
				assertThatExceptionOfType(BackendException.class).isThrownBy(() -> wrong.get(key))
					.satisfies((ex) -> assertThat(ex.getErrorType()).isEqualTo(BackendErrorType.AUTHENTICATION))
					.satisfies((ex) -> assertThat(ex).hasMessageNotContaining(WRONG_PASSWORD));
				assertThatExceptionOfType(BackendException.class).isThrownBy(() -> wrong.set(key, bytes("v"), null))
					.satisfies((ex) -> assertThat(ex.getErrorType()).isEqualTo(BackendErrorType.AUTHENTICATION));
			}
			long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
			System.out
				.println("[figure] 40 memcached operations refused for a wrong SASL password, total ms: " + millis);
			assertThat(backend().get(key("k0"))).isNull();
		}
	}

	@Test
	void wrongPasswordIsLoggedOnceNamingTheUserAndNoLogHoldsThePassword() {
		try (CapturedLogs cachekit = CapturedLogs.of("io.cachekit");
				CapturedLogs spymemcached = CapturedLogs.of("net.spy.memcached");
				MemcachedBackend wrong = MemcachedBackend
					.create(config().credentials(USERNAME, WRONG_PASSWORD).build())) {
			for (int i = 0; i < 5; i++) {
				assertThatExceptionOfType(BackendException.class).isThrownBy(() -> wrong.get(key("k")));
				wrong.health();
			}
			assertThat(cachekit.messages(Level.WARN)).filteredOn((message) -> message.contains("refused"))
				.singleElement()
				.asString()
				.contains("user '" + USERNAME + "'");
			List<ILoggingEvent> events = new ArrayList<>(cachekit.events());
			events.addAll(spymemcached.events());
			assertThat(events).isNotEmpty().allSatisfy((event) -> {
				assertThat(event.getFormattedMessage()).doesNotContain(WRONG_PASSWORD);
				if (event.getThrowableProxy() != null) {
					assertThat(String.valueOf(event.getThrowableProxy().getMessage())).doesNotContain(WRONG_PASSWORD);
				}
			});
		}
	}

	@Test
	void missingCredentialsMakeHealthDownAndOperationsFailAsAuthentication() {
		try (MemcachedBackend anonymous = MemcachedBackend.create(config().build())) {
			assertThatExceptionOfType(BackendException.class).isThrownBy(() -> anonymous.get(key("k")))
				.satisfies((ex) -> assertThat(ex.getErrorType()).isEqualTo(BackendErrorType.AUTHENTICATION))
				.withMessageContaining("without SASL credentials");
			assertThatExceptionOfType(BackendException.class)
				.isThrownBy(() -> anonymous.set(key("k"), bytes("v"), null))
				.satisfies((ex) -> assertThat(ex.getErrorType()).isEqualTo(BackendErrorType.AUTHENTICATION));
			BackendHealth health = anonymous.health();
			assertThat(health.healthy()).isFalse();
			assertThat(String.valueOf(health.detail("error"))).contains("AUTHENTICATION");
		}
		assertThat(backend().get(key("k"))).isNull();
	}

	@Test
	void missingCredentialsFailTheFirstBulkReadAsAuthenticationNotAsADroppedConnection() {
		try (MemcachedBackend anonymous = MemcachedBackend.create(config().build())) {
			// memcached answers the first key with an auth error and closes the
			// connection, which cancels the rest of the bulk read.
			assertThatExceptionOfType(BackendException.class)
				.isThrownBy(() -> anonymous.getAll(List.of(key("a"), key("b"))))
				.satisfies((ex) -> assertThat(ex.getErrorType()).isEqualTo(BackendErrorType.AUTHENTICATION))
				.withMessageContaining("without SASL credentials")
				.withMessageContaining(memcached.address());
			assertThatExceptionOfType(BackendException.class)
				.isThrownBy(() -> anonymous.getAll(List.of(key("a"), key("b"))))
				.satisfies((ex) -> assertThat(ex.getErrorType()).isEqualTo(BackendErrorType.AUTHENTICATION));
		}
	}

	@Test
	void toStringOfBackendAndConfigNameTheUserButNeverThePassword() {
		MemcachedBackend authenticated = (MemcachedBackend) backend();
		assertThat(authenticated.toString()).contains(USERNAME).doesNotContain(PASSWORD);
		assertThat(authenticated.config().toString()).contains(USERNAME).doesNotContain(PASSWORD);
	}

}
