package io.cachekit.backend.memcached;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import io.cachekit.test.Await;
import io.cachekit.test.ConfigEndpointServer;
import io.cachekit.test.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node a configuration endpoint adds to a pool with SASL credentials is authenticated
 * like the configured ones: {@code memcached -S} answers nothing else.
 */
class MemcachedDiscoverySaslIntegrationTests {

	private static final String USERNAME = "cachekit";

	private static final String PASSWORD = "s3cret-Pl41n";

	@RegisterExtension
	static final TestServer first = TestServer.memcachedWithSasl(USERNAME, PASSWORD);

	@RegisterExtension
	static final TestServer second = TestServer.memcachedWithSasl(USERNAME, PASSWORD);

	@Test
	void discoveredNodeIsAuthenticatedAndServesItsKeys() {
		try (ConfigEndpointServer endpoint = ConfigEndpointServer.start()) {
			endpoint.publishPorts(1, first.process().port());
			try (MemcachedBackend backend = MemcachedBackend.create(
					config().discoveryEndpoint(endpoint.address()).discoveryInterval(Duration.ofMillis(200)).build());
					MemcachedBackend onSecond = MemcachedBackend.create(config().servers(second.address()).build())) {
				assertThat(backend.health().healthy()).isTrue();
				endpoint.publishPorts(2, first.process().port(), second.process().port());
				assertThat(Await
					.until(() -> Map.of("state", "up", "weight", 1).equals(nodes(backend).get(second.address()))))
					.isTrue();
				int onSecondNode = 0;
				for (int i = 0; i < 200; i++) {
					String key = "sasl-" + i;
					backend.set(key, bytes(key), null);
					assertThat(backend.get(key)).isEqualTo(bytes(key));
					onSecondNode += (onSecond.get(key) != null) ? 1 : 0;
				}
				System.out.printf("[figure] memcached discovery with SASL: keys of 200 on the discovered node: %d%n",
						onSecondNode);
				assertThat(onSecondNode).isPositive();
				assertThat(backend.health().healthy()).isTrue();
			}
		}
	}

	private static MemcachedConfig.Builder config() {
		return MemcachedConfig.builder().credentials(USERNAME, PASSWORD).connectTimeout(Duration.ofSeconds(5));
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> nodes(MemcachedBackend backend) {
		Object nodes = backend.health().detail("nodes");
		return (nodes != null) ? (Map<String, Object>) nodes : Map.of();
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
