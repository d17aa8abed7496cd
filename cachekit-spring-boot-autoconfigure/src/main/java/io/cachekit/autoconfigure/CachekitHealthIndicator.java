package io.cachekit.autoconfigure;

import java.util.Map;

import io.cachekit.backend.Backend;
import io.cachekit.backend.BackendHealth;
import io.cachekit.spring.CachekitCache;
import io.cachekit.spring.CachekitCacheManager;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of cachekit, contributed as {@code cachekit}.
 *
 * <p>
 * UP when the backend answers a real round trip, DOWN with the error when it does not.
 * Details: {@code backend_type}, {@code latency_ms}, the backend's own details (for
 * memcached, each server up or down) and, over the caches created so far, the L1 entry
 * count ({@code l1_entries}) and encoded bytes ({@code l1_weight_bytes}), and the state
 * of the circuit breaker in front of the backend ({@code circuit}). Without a backend the
 * caches are L1 only and the result is UP with {@code backend_type} none. Details never
 * hold credentials.
 */
class CachekitHealthIndicator extends AbstractHealthIndicator {

	private final @Nullable Backend backend;

	private final @Nullable CachekitCacheManager cacheManager;

	CachekitHealthIndicator(@Nullable Backend backend, @Nullable CachekitCacheManager cacheManager) {
		super("cachekit health check failed");
		this.backend = backend;
		this.cacheManager = cacheManager;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		if (this.backend == null) {
			builder.up().withDetail("backend_type", "none").withDetail("latency_ms", 0);
		}
		else {
			BackendHealth health = this.backend.health();
			(health.healthy() ? builder.up() : builder.down()).withDetail("backend_type", health.backendType())
				.withDetail("latency_ms", health.latencyMs());
			for (Map.Entry<String, Object> detail : health.details().entrySet()) {
				builder.withDetail(detail.getKey(), detail.getValue());
			}
		}
		if (this.cacheManager != null) {
			long entries = 0;
			long weight = 0;
			for (CachekitCache cache : this.cacheManager.getCaches()) {
				entries += cache.getNativeCache().l1Size();
				weight += cache.getNativeCache().l1Weight();
			}
			builder.withDetail("l1_entries", entries).withDetail("l1_weight_bytes", weight);
			if (this.backend != null) {
				builder.withDetail("circuit",
						this.cacheManager.getCircuitBreaker().state().name().toLowerCase(java.util.Locale.ROOT));
			}
		}
	}

}
