package io.cachekit.autoconfigure;

import java.util.Map;
import java.util.function.Consumer;

import io.cachekit.tier.CircuitBreaker;
import io.cachekit.tier.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.jspecify.annotations.Nullable;

/**
 * Makes the circuit breaker of the auto-configured cache manager: from the application's
 * resilience4j {@link CircuitBreakerRegistry} when it has one, as a Spring Boot user of
 * resilience4j expects, else from {@code cachekit.circuit-breaker.*}.
 *
 * <p>
 * With a registry, the breaker is its instance named
 * {@value CircuitBreaker#DEFAULT_NAME}: one configured there (for example with
 * {@code resilience4j.circuitbreaker.instances.cachekit.*}) keeps its settings; otherwise
 * it is created in the registry with cachekit's settings, so that the registry's metrics
 * and endpoints show it. A bad value fails with the property's name.
 */
final class CircuitBreakerFactory {

	private static final String PREFIX = "cachekit.circuit-breaker.";

	private static final Map<String, String> PROPERTIES = Map.ofEntries(
			Map.entry("failure rate threshold", PREFIX + "failure-rate-threshold"),
			Map.entry("slow call rate threshold", PREFIX + "slow-call-rate-threshold"),
			Map.entry("slow call duration threshold", PREFIX + "slow-call-duration-threshold"),
			Map.entry("sliding window size", PREFIX + "sliding-window-size"),
			Map.entry("minimum number of calls", PREFIX + "minimum-number-of-calls"),
			Map.entry("wait duration in open state", PREFIX + "wait-duration-in-open-state"),
			Map.entry("permitted number of calls in half open state",
					PREFIX + "permitted-number-of-calls-in-half-open-state"));

	private CircuitBreakerFactory() {
	}

	static CircuitBreaker create(CachekitProperties.CircuitBreaker properties,
			@Nullable CircuitBreakerRegistry registry) {
		CircuitBreakerConfig config = config(properties);
		return (registry != null) ? CircuitBreaker.fromRegistry(config, registry) : CircuitBreaker.create(config);
	}

	static CircuitBreakerConfig config(CachekitProperties.CircuitBreaker properties) {
		CircuitBreakerConfig.Builder builder = CircuitBreakerConfig.builder();
		apply(PREFIX + "failure-rate-threshold", properties.getFailureRateThreshold(), builder::failureRateThreshold);
		apply(PREFIX + "slow-call-rate-threshold", properties.getSlowCallRateThreshold(),
				builder::slowCallRateThreshold);
		apply(PREFIX + "slow-call-duration-threshold", properties.getSlowCallDurationThreshold(),
				builder::slowCallDurationThreshold);
		apply(PREFIX + "sliding-window-size", properties.getSlidingWindowSize(), builder::slidingWindowSize);
		apply(PREFIX + "minimum-number-of-calls", properties.getMinimumNumberOfCalls(), builder::minimumNumberOfCalls);
		apply(PREFIX + "wait-duration-in-open-state", properties.getWaitDurationInOpenState(),
				builder::waitDurationInOpenState);
		apply(PREFIX + "permitted-number-of-calls-in-half-open-state",
				properties.getPermittedNumberOfCallsInHalfOpenState(), builder::permittedNumberOfCallsInHalfOpenState);
		try {
			return builder.build();
		}
		catch (IllegalArgumentException ex) {
			throw PropertyMessages.translate(PREFIX + "minimum-number-of-calls", properties.getMinimumNumberOfCalls(),
					ex, PROPERTIES);
		}
	}

	private static <T> void apply(String property, @Nullable T value, Consumer<T> setter) {
		if (value == null) {
			throw PropertyMessages.invalid(property, null, "a value is required");
		}
		try {
			setter.accept(value);
		}
		catch (IllegalArgumentException ex) {
			throw PropertyMessages.translate(property, value, ex, PROPERTIES);
		}
	}

}
