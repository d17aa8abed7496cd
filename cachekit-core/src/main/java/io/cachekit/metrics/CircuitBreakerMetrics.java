package io.cachekit.metrics;

import java.util.Locale;
import java.util.Objects;

import io.cachekit.tier.CircuitBreaker;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The state of a {@link CircuitBreaker} as Micrometer gauges: {@value #STATE} with tag
 * {@code state} ({@code closed}, {@code open}, {@code half_open}) is 1 for the state the
 * breaker is in and 0 for the others, as resilience4j's own state gauge is; tag
 * {@code name} is the breaker's name. Reading a gauge never changes the state.
 */
public final class CircuitBreakerMetrics implements MeterBinder {

	/** The name of the state gauges: {@value}. */
	public static final String STATE = "cachekit.circuit.state";

	private final CircuitBreaker breaker;

	private final Tags tags;

	/**
	 * Creates the binder.
	 * @param breaker the breaker
	 * @param tags tags added to every gauge
	 */
	public CircuitBreakerMetrics(CircuitBreaker breaker, Iterable<io.micrometer.core.instrument.Tag> tags) {
		this.breaker = Objects.requireNonNull(breaker, "breaker must not be null");
		this.tags = Tags.of(Objects.requireNonNull(tags, "tags must not be null"));
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (CircuitBreaker.State state : CircuitBreaker.State.values()) {
			Gauge.builder(STATE, this.breaker, (breaker) -> (breaker.state() == state) ? 1 : 0)
				.description("Whether cachekit's circuit breaker in front of L2 is in this state (1) or not (0)")
				.tags(this.tags)
				.tag("name", this.breaker.resilience4j().getName())
				.tag("state", state.name().toLowerCase(Locale.ROOT))
				.register(registry);
		}
	}

}
