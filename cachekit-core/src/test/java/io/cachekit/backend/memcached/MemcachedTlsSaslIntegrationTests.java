package io.cachekit.backend.memcached;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

import io.cachekit.backend.AddIfAbsent;
import io.cachekit.backend.Backend;
import io.cachekit.backend.BackendContract;
import io.cachekit.backend.BackendErrorType;
import io.cachekit.backend.BackendException;
import io.cachekit.backend.BackendHealth;
import io.cachekit.backend.BulkGet;
import io.cachekit.backend.Increment;
import io.cachekit.test.TestServer;
import io.cachekit.test.TrustingContexts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link MemcachedBackend} with TLS and SASL together against a real
 * {@code memcached -Z -S}: the backend contract, and a wrong password still
 * {@code AUTHENTICATION} naming the user once the TLS handshake has succeeded.
 */
class MemcachedTlsSaslIntegrationTests extends BackendContract {

	private static final String USERNAME = "cachekit";

	private static final String PASSWORD = "tls-and-s4sl";

	@RegisterExtension
	static final TestServer memcached = TestServer.memcachedWithTlsAndSasl(USERNAME, PASSWORD);

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
		return MemcachedConfig.builder()
			.servers(memcached.address())
			.connectTimeout(Duration.ofSeconds(5))
			.tls(TrustingContexts.trusting(memcached.certificates().caCertificate()));
	}

	@Test
	void healthWithTlsAndTheRightCredentialsIsUp() {
		BackendHealth health = backend().health();
		assertThat(health.healthy()).isTrue();
		assertThat(health.details()).containsEntry("servers", Map.of(memcached.address(), "up"));
		assertThat(health.details().toString()).doesNotContain(PASSWORD);
	}

	@Test
	void wrongPasswordOverTlsIsAuthenticationNamingTheUser() {
		try (MemcachedBackend wrong = MemcachedBackend.create(config().credentials(USERNAME, "wrong").build())) {
			assertThatExceptionOfType(BackendException.class).isThrownBy(() -> wrong.get(key("k")))
				.satisfies((ex) -> assertThat(ex.getErrorType()).isEqualTo(BackendErrorType.AUTHENTICATION))
				.withMessageContaining("user '" + USERNAME + "'");
			assertThat(String.valueOf(wrong.health().detail("error"))).contains("AUTHENTICATION")
				.doesNotContain("TLS handshake");
		}
	}

}
