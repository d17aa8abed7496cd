package io.cachekit.backend.memcached;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;

import io.cachekit.backend.AddIfAbsent;
import io.cachekit.backend.Backend;
import io.cachekit.backend.BackendContract;
import io.cachekit.backend.BackendErrorType;
import io.cachekit.backend.BackendException;
import io.cachekit.backend.BackendHealth;
import io.cachekit.backend.BulkGet;
import io.cachekit.backend.Increment;
import io.cachekit.test.ServerKind;
import io.cachekit.test.ServerProcess;
import io.cachekit.test.TestCertificates;
import io.cachekit.test.TestServer;
import io.cachekit.test.TrustingContexts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link MemcachedBackend} over TLS against a real {@code memcached -Z} whose certificate
 * (for {@code 127.0.0.1} and {@code localhost}) the test support makes with
 * {@code openssl}: the backend contract over TLS, and a certificate the context does not
 * trust, or that does not name the host, as {@code AUTHENTICATION} naming the cause.
 */
class MemcachedTlsIntegrationTests extends BackendContract {

	@RegisterExtension
	static final TestServer memcached = TestServer.memcachedWithTls();

	@Override
	protected Backend createBackend() {
		return MemcachedBackend.create(config().tls(trustingTheServer()).build());
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

	private static SSLContext trustingTheServer() {
		return TrustingContexts.trusting(memcached.certificates().caCertificate());
	}

	@Test
	void healthOverTlsIsUp() {
		BackendHealth health = backend().health();
		assertThat(health.healthy()).isTrue();
		assertThat(health.details()).containsEntry("servers", Map.of(memcached.address(), "up"));
	}

	@Test
	void serverConfiguredByTheNameInItsCertificateConnects() {
		String byName = "localhost:" + memcached.process().port();
		try (MemcachedBackend backend = MemcachedBackend
			.create(config().servers(byName).tls(trustingTheServer()).build())) {
			backend.set(key("by-name"), bytes("v"), null);
			assertThat(backend.get(key("by-name"))).isEqualTo(bytes("v"));
			assertThat(backend.health().details()).containsEntry("servers", Map.of(byName, "up"));
		}
	}

	@Test
	void certificateOfAnUnrelatedAuthorityMakesHealthDownAndOperationsFailAsAuthentication() {
		try (MemcachedBackend untrusting = MemcachedBackend
			.create(config().tls(TrustingContexts.trusting(memcached.certificates().otherCaCertificate())).build())) {
			long start = System.nanoTime();
			BackendHealth health = untrusting.health();
			long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
			System.out.println("[figure] memcached health with an untrusted TLS certificate, ms: " + millis);
			assertThat(health.healthy()).isFalse();
			assertThat(String.valueOf(health.detail("error"))).contains("AUTHENTICATION")
				.contains("TLS handshake with memcached " + memcached.address() + " failed")
				.contains("unable to find valid certification path");
			assertThatExceptionOfType(BackendException.class).isThrownBy(() -> untrusting.get(key("k")))
				.satisfies((ex) -> assertThat(ex.getErrorType()).isEqualTo(BackendErrorType.AUTHENTICATION));
			assertThatExceptionOfType(BackendException.class)
				.isThrownBy(() -> untrusting.set(key("k"), bytes("v"), null))
				.satisfies((ex) -> assertThat(ex.getErrorType()).isEqualTo(BackendErrorType.AUTHENTICATION));
		}
		assertThat(backend().get(key("k"))).isNull();
	}

	@Test
	void certificateThatDoesNotNameTheConfiguredAddressIsRefused() {
		TestCertificates certificates = memcached.certificates();
		// The same certificate (127.0.0.1 and localhost) on a server that also listens on
		// 127.0.0.2, an address the certificate does not name.
		try (ServerProcess alsoOnSecondAddress = ServerProcess.startWithTls(ServerKind.MEMCACHED, trustingTheServer(),
				Map.of(), "-Z", "-o",
				"ssl_chain_cert=" + certificates.serverCertificate() + ",ssl_key=" + certificates.serverKey(), "-l",
				"127.0.0.2");
				MemcachedBackend unnamed = MemcachedBackend.create(
						config().servers("127.0.0.2:" + alsoOnSecondAddress.port()).tls(trustingTheServer()).build())) {
			BackendHealth health = unnamed.health();
			assertThat(health.healthy()).isFalse();
			assertThat(String.valueOf(health.detail("error"))).contains("AUTHENTICATION")
				.contains("No subject alternative names matching IP address 127.0.0.2");
		}
	}

	@Test
	void certificateThatDoesNotNameTheGivenHostNameIsRefused() {
		try (MemcachedBackend elsewhere = MemcachedBackend
			.create(config().tls(trustingTheServer(), "cache.example.com").build())) {
			BackendHealth health = elsewhere.health();
			assertThat(health.healthy()).isFalse();
			assertThat(String.valueOf(health.detail("error"))).contains("AUTHENTICATION").contains("cache.example.com");
			assertThatExceptionOfType(BackendException.class).isThrownBy(() -> elsewhere.get(key("k")))
				.satisfies((ex) -> assertThat(ex.getErrorType()).isEqualTo(BackendErrorType.AUTHENTICATION));
		}
	}

}
