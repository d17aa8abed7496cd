package io.cachekit.backend.memcached;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import javax.net.ssl.SSLContext;

import io.cachekit.backend.BackendHealth;
import io.cachekit.test.ServerKind;
import io.cachekit.test.ServerProcess;
import io.cachekit.test.TestCertificates;
import io.cachekit.test.TestServer;
import io.cachekit.test.TrustingContexts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Auto-discovery over TLS, from a real {@code memcached -Z} as the configuration
 * endpoint: it answers {@code config get cluster} with {@code ERROR}, as memcached does,
 * so the configuration is read from the {@code AmazonElastiCache:cluster} key, and each
 * discovered node's certificate is checked against that node's own host.
 */
class MemcachedDiscoveryTlsIntegrationTests {

	private static final String CONFIG_KEY = "AmazonElastiCache:cluster";

	@RegisterExtension
	static final TestServer memcached = TestServer.memcachedWithTls();

	@Test
	void endpointIsAskedOverTlsAndEachDiscoveredNodeIsVerifiedAgainstItsOwnHost() {
		TestCertificates certificates = memcached.certificates();
		try (ServerProcess unnamed = ServerProcess.startWithTls(ServerKind.MEMCACHED, trusting(), Map.of(), "-Z", "-o",
				"ssl_chain_cert=" + certificates.serverCertificate() + ",ssl_key=" + certificates.serverKey(), "-l",
				"127.0.0.2");
				MemcachedBackend writer = MemcachedBackend
					.create(MemcachedConfig.builder().servers(memcached.address()).tls(trusting()).build())) {
			int port = memcached.process().port();
			writer.set(CONFIG_KEY, ("7\n127.0.0.1|127.0.0.1|" + port + " 127.0.0.2|127.0.0.2|" + unnamed.port() + "\n")
				.getBytes(StandardCharsets.US_ASCII), null);
			try (MemcachedBackend backend = MemcachedBackend.create(MemcachedConfig.builder()
				.discoveryEndpoint(memcached.address())
				.discoveryInterval(Duration.ofMillis(200))
				.tls(trusting())
				.keyPrefix("discovered:")
				.build())) {
				BackendHealth health = backend.health();
				assertThat(health.detail("config_version")).isEqualTo(7L);
				assertThat(health.detail("nodes"))
					.isEqualTo(Map.of(memcached.address(), Map.of("state", "up", "weight", 1),
							"127.0.0.2:" + unnamed.port(), Map.of("state", "down", "weight", 1)));
				for (int i = 0; i < 50; i++) {
					backend.set("k" + i, bytes("v" + i), null);
					assertThat(backend.get("k" + i)).isEqualTo(bytes("v" + i));
				}
			}
		}
	}

	private static SSLContext trusting() {
		return TrustingContexts.trusting(memcached.certificates().caCertificate());
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
