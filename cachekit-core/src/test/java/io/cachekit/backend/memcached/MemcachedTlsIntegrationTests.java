package io.cachekit.backend.memcached;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;

import ch.qos.logback.classic.Level;
import io.cachekit.backend.AddIfAbsent;
import io.cachekit.backend.Backend;
import io.cachekit.backend.BackendContract;
import io.cachekit.backend.BackendErrorType;
import io.cachekit.backend.BackendException;
import io.cachekit.backend.BackendHealth;
import io.cachekit.backend.BulkGet;
import io.cachekit.backend.CapturedLogs;
import io.cachekit.backend.Increment;
import io.cachekit.test.ServerKind;
import io.cachekit.test.ServerProcess;
import io.cachekit.test.TestCertificates;
import io.cachekit.test.TestServer;
import io.cachekit.test.TrustingContexts;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link MemcachedBackend} over TLS against a real {@code memcached -Z} whose certificate
 * (for {@code 127.0.0.1} and {@code localhost}) the test support makes with
 * {@code openssl}: the backend contract over TLS, and a certificate the context does not
 * trust, or that does not name the host, as {@code AUTHENTICATION} naming the cause; and
 * a refused server beside a trusted one, each judged on its own.
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
		try (ServerProcess alsoOnSecondAddress = startOnAnAddressTheCertificateDoesNotName();
				MemcachedBackend unnamed = MemcachedBackend.create(
						config().servers("127.0.0.2:" + alsoOnSecondAddress.port()).tls(trustingTheServer()).build())) {
			BackendHealth health = unnamed.health();
			assertThat(health.healthy()).isFalse();
			assertThat(String.valueOf(health.detail("error"))).contains("AUTHENTICATION")
				.contains("No subject alternative names matching IP address 127.0.0.2");
		}
	}

	@Test
	void refusedServerNeitherEndsTheWaitForATrustedOneNorLosesItsFailureToTheOthersSuccess() throws IOException {
		try (ServerProcess refused = startOnAnAddressTheCertificateDoesNotName();
				CapturedLogs logs = CapturedLogs.of(MemcachedBackend.class.getName())) {
			String refusedAddress = "127.0.0.2:" + refused.port();
			// Several clients, each with its own connection to each server: the wait at
			// creation covers them all, and the refused server fails in each.
			MemcachedConfig config = config().servers(memcached.address(), refusedAddress)
				.maxPoolSize(4)
				.tls(trustingTheServer())
				.build();
			long start = System.nanoTime();
			try (MemcachedClientPool pool = MemcachedClientPool.connect(config)) {
				System.out.println("[figure] memcached TLS pool start beside a refused server, ms: "
						+ TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
				Map<String, Boolean> connected = new LinkedHashMap<>();
				pool.serverStates().forEach((server, state) -> connected.put(server.toString(), state));
				assertThat(connected).isEqualTo(Map.of(memcached.address(), true, refusedAddress, false));
				assertThat(pool.tls()).isNotNull()
					.satisfies((tls) -> assertThat(tls.failure(refusedAddress))
						.contains("No subject alternative names matching IP address 127.0.0.2"))
					.satisfies((tls) -> assertThat(tls.failure(memcached.address())).isNull());
			}
			assertThat(logs.messages(Level.WARN))
				.filteredOn((message) -> message.contains("TLS handshake with memcached"))
				.singleElement(InstanceOfAssertFactories.STRING)
				.contains(refusedAddress);
			assertThat(logs.messages(Level.INFO)).noneMatch((message) -> message.contains("succeed again"));
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

	/**
	 * Starts a second server with the same certificate (127.0.0.1 and localhost) that
	 * also listens on 127.0.0.2, an address the certificate does not name.
	 */
	private static ServerProcess startOnAnAddressTheCertificateDoesNotName() {
		TestCertificates certificates = memcached.certificates();
		return ServerProcess.startWithTls(ServerKind.MEMCACHED, trustingTheServer(), Map.of(), "-Z", "-o",
				"ssl_chain_cert=" + certificates.serverCertificate() + ",ssl_key=" + certificates.serverKey(), "-l",
				"127.0.0.2");
	}

}
