package io.cachekit.autoconfigure;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import io.cachekit.autoconfigure.CachekitProperties.OutageStatus;
import io.cachekit.backend.Backend;
import io.cachekit.backend.BackendHealth;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * {@link CachekitHealthIndicator}: the outage status and the node counts, over a backend
 * whose health is given.
 */
class CachekitHealthIndicatorTests {

	@Test
	void nodesMapAddsUpAndTotalCounts() {
		Map<String, Object> nodes = new LinkedHashMap<>();
		nodes.put("127.0.0.1:7001", Map.of("state", "up", "role", "master"));
		nodes.put("127.0.0.1:7002", Map.of("state", "fail", "role", "master"));
		nodes.put("127.0.0.1:7003", Map.of("state", "UP", "role", "replica"));
		nodes.put("127.0.0.1:7004", "down");
		Health health = indicator(BackendHealth.up("redis", 1, Map.of("nodes", nodes)), OutageStatus.DOWN).health();
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).containsEntry("nodes", nodes)
			.containsEntry("nodes_up", 2L)
			.containsEntry("nodes_total", 4);
	}

	@Test
	void noNodesMapAddsNoCounts() {
		Health health = indicator(BackendHealth.up("memcached", 1, Map.of("servers", Map.of())), OutageStatus.DOWN)
			.health();
		assertThat(health.getDetails()).doesNotContainKeys("nodes_up", "nodes_total");
	}

	@Test
	void outageIsDownByDefault() {
		Health health = indicator(down(), OutageStatus.DOWN).health();
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
	}

	@Test
	void outageIsDegradedWhenAskedAndKeepsTheDetails() {
		Health health = indicator(down(), OutageStatus.DEGRADED).health();
		assertThat(health.getStatus().getCode()).isEqualTo("DEGRADED");
		assertThat(health.getDetails()).containsEntry("backend_type", "memcached").containsKey("error");
	}

	@Test
	void healthyBackendIsUpWhateverTheOutageStatus() {
		Health health = indicator(BackendHealth.up("memcached", 1, Map.of()), OutageStatus.DEGRADED).health();
		assertThat(health.getStatus()).isEqualTo(Status.UP);
	}

	@Test
	void healthCheckThatThrowsIsAnOutageWithTheOutageStatus() {
		Backend backend = mock(Backend.class);
		given(backend.backendType()).willReturn("memcached");
		given(backend.health()).willThrow(new IllegalStateException("the memcached client pool is shut down"));
		Health degraded = new CachekitHealthIndicator(backend, null, OutageStatus.DEGRADED).health();
		assertThat(degraded.getStatus().getCode()).isEqualTo("DEGRADED");
		assertThat(degraded.getDetails()).containsEntry("backend_type", "memcached")
			.containsEntry("error", "the memcached client pool is shut down")
			.containsKey("latency_ms");
		Health down = new CachekitHealthIndicator(backend, null, OutageStatus.DOWN).health();
		assertThat(down.getStatus()).isEqualTo(Status.DOWN);
		assertThat(down.getDetails()).containsEntry("error", "the memcached client pool is shut down");
	}

	private static BackendHealth down() {
		return BackendHealth.down("memcached", 300, new IOException("connection refused"), Map.of());
	}

	private static CachekitHealthIndicator indicator(BackendHealth health, OutageStatus outageStatus) {
		Backend backend = mock(Backend.class);
		given(backend.health()).willReturn(health);
		return new CachekitHealthIndicator(backend, null, outageStatus);
	}

}
