package io.cachekit.backend;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * The outcome of a {@link Backend#health()} check.
 *
 * <p>
 * Immutable. Details keep their insertion order and never hold credentials.
 *
 * @param healthy whether the round trip succeeded
 * @param latencyMs how long the check's round trip took, in milliseconds
 * @param backendType a short name of the kind of store, such as {@code memcached}
 * @param details further facts about the store, such as per-server state; an unhealthy
 * result carries the failure under {@code error}, as a sentence for people (never a class
 * name)
 */
public record BackendHealth(boolean healthy, long latencyMs, String backendType, Map<String, Object> details) {

	/**
	 * Creates a health result, copying {@code details}.
	 * @param healthy whether the round trip succeeded
	 * @param latencyMs the round trip's duration in milliseconds, zero or more
	 * @param backendType the kind of store
	 * @param details further facts; copied
	 */
	public BackendHealth {
		Objects.requireNonNull(backendType, "backendType must not be null");
		Objects.requireNonNull(details, "details must not be null");
		if (latencyMs < 0) {
			throw new IllegalArgumentException("latencyMs must not be negative, was " + latencyMs);
		}
		details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
	}

	/**
	 * Creates a healthy result.
	 * @param backendType the kind of store
	 * @param latencyMs the round trip's duration in milliseconds
	 * @param details further facts
	 * @return the result
	 */
	public static BackendHealth up(String backendType, long latencyMs, Map<String, Object> details) {
		return new BackendHealth(true, latencyMs, backendType, details);
	}

	/**
	 * Creates an unhealthy result that carries the failure under the {@code error}
	 * detail: for a {@link BackendException}, {@code health check failed (TYPE): reason},
	 * without the operation and key of the probe that failed; for any other exception,
	 * its message.
	 * @param backendType the kind of store
	 * @param latencyMs how long the check ran before it failed, in milliseconds
	 * @param error the failure
	 * @param details further facts
	 * @return the result
	 */
	public static BackendHealth down(String backendType, long latencyMs, Throwable error, Map<String, Object> details) {
		Map<String, Object> all = new LinkedHashMap<>(details);
		all.put("error", describe(error));
		return new BackendHealth(false, latencyMs, backendType, all);
	}

	/**
	 * Returns one detail.
	 * @param name the detail's name
	 * @return its value, or {@code null} when absent
	 */
	public @Nullable Object detail(String name) {
		return this.details.get(name);
	}

	private static String describe(Throwable error) {
		if (error instanceof BackendException failure) {
			return "health check failed (" + failure.getErrorType() + "): " + failure.reason();
		}
		String message = error.getMessage();
		return (message != null && !message.isBlank()) ? message
				: "health check failed with " + error.getClass().getSimpleName();
	}

}
