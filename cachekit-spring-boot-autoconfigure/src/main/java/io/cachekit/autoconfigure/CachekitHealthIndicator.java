package io.cachekit.autoconfigure;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.cachekit.autoconfigure.CachekitProperties.OutageStatus;
import io.cachekit.backend.Backend;
import io.cachekit.backend.BackendHealth;
import io.cachekit.spring.CachekitCache;
import io.cachekit.spring.CachekitCacheManager;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * Health of cachekit, contributed as {@code cachekit}.
 *
 * <p>
 * UP when the backend answers a real round trip, DOWN with the error when it does not.
 * Details: {@code backend_type}, {@code latency_ms}, the backend's own details (for
 * memcached, each server up or down) and, over the caches created so far, the L1 entry
 * count ({@code l1_entries}) and estimated heap bytes ({@code l1_weight_bytes}), and the
 * state of the circuit breaker in front of the backend ({@code circuit}). Without a
 * backend the caches are L1 only and the result is UP with {@code backend_type} none.
 * Details never hold credentials.
 *
 * <p>
 * When the backend's details hold a {@code nodes} map (one entry per cluster or pool
 * node, each a map with a {@code state} such as {@code up}, {@code down} or
 * {@code fail}), the counts {@code nodes_up} (state {@code up}) and {@code nodes_total}
 * are added.
 *
 * <p>
 * With {@code cachekit.health.outage-status=degraded} an unreachable backend is reported
 * as {@link #DEGRADED} instead of DOWN: Spring Boot's default status aggregation ignores
 * a status it does not know, so the application's overall health stays UP (HTTP 200)
 * while the caches serve from L1, and the component still shows the outage. A backend
 * whose health check throws instead of answering is an outage as well, with the
 * exception's message as the {@code error} detail.
 */
class CachekitHealthIndicator extends AbstractHealthIndicator {

	private final @Nullable Backend backend;

	/**
	 * The status of an unreachable backend with
	 * {@code cachekit.health.outage-status=degraded}.
	 */
	static final Status DEGRADED = new Status("DEGRADED", "cache backend unreachable; serving from L1");

	private final @Nullable CachekitCacheManager cacheManager;

	private final OutageStatus outageStatus;

	CachekitHealthIndicator(@Nullable Backend backend, @Nullable CachekitCacheManager cacheManager) {
		this(backend, cacheManager, OutageStatus.DOWN);
	}

	CachekitHealthIndicator(@Nullable Backend backend, @Nullable CachekitCacheManager cacheManager,
			OutageStatus outageStatus) {
		super("cachekit health check failed");
		this.backend = backend;
		this.cacheManager = cacheManager;
		this.outageStatus = outageStatus;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		if (this.backend == null) {
			builder.up().withDetail("backend_type", "none").withDetail("latency_ms", 0);
		}
		else {
			BackendHealth health = check(this.backend);
			if (health.healthy()) {
				builder.up();
			}
			else if (this.outageStatus == OutageStatus.DEGRADED) {
				builder.status(DEGRADED);
			}
			else {
				builder.down();
			}
			builder.withDetail("backend_type", health.backendType()).withDetail("latency_ms", health.latencyMs());
			for (Map.Entry<String, Object> detail : health.details().entrySet()) {
				builder.withDetail(detail.getKey(), detail.getValue());
			}
			if (health.details().get("nodes") instanceof Map<?, ?> nodes) {
				builder.withDetail("nodes_up", nodes.values().stream().filter(CachekitHealthIndicator::isUp).count())
					.withDetail("nodes_total", nodes.size());
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

	/**
	 * Asks the backend for its health. A backend answers an outage with an unhealthy
	 * result, but one whose check throws (a memcached pool already shut down, an
	 * application's own backend) is down too, and reported with the outage status:
	 * {@link AbstractHealthIndicator} would turn the exception into DOWN whatever
	 * {@code cachekit.health.outage-status} says.
	 */
	private static BackendHealth check(Backend backend) {
		long start = System.nanoTime();
		try {
			return backend.health();
		}
		catch (RuntimeException ex) {
			return BackendHealth.down(backend.backendType(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
					ex, Map.of());
		}
	}

	/**
	 * Tells whether a node of the {@code nodes} detail is up: its {@code state} (or the
	 * value itself, when it is not a map) is {@code up}.
	 */
	private static boolean isUp(@Nullable Object node) {
		Object state = (node instanceof Map<?, ?> map) ? map.get("state") : node;
		return state != null && "up".equals(state.toString().toLowerCase(Locale.ROOT));
	}

}
