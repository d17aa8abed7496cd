package io.cachekit.backend.memcached;

import java.time.Duration;
import java.util.Map;

import io.cachekit.backend.Backend;
import io.cachekit.backend.BackendFaultContract;
import io.cachekit.test.ServerKind;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link MemcachedBackend} while its one server is stopped, restarted or paused.
 */
class MemcachedFaultIntegrationTests extends BackendFaultContract {

	@Override
	protected ServerKind serverKind() {
		return ServerKind.MEMCACHED;
	}

	@Override
	protected Backend createBackend(String address, Duration timeout, int retryAttempts) {
		return MemcachedBackend.create(config(address).operationTimeout(timeout).retryAttempts(retryAttempts).build());
	}

	private static MemcachedConfig.Builder config(String address) {
		return MemcachedConfig.builder().servers(address).maxReconnectDelay(Duration.ofSeconds(1));
	}

	@Test
	void stoppedServerIsReportedDownInTheHealthDetails() {
		try (MemcachedBackend backend = MemcachedBackend.create(config(server().address()).build())) {
			server().stop();
			assertThat(backend.health().details()).containsEntry("servers", Map.of(server().address(), "down"));
		}
	}

}
