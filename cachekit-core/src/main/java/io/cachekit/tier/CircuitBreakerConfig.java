package io.cachekit.tier;

import java.time.Duration;
import java.util.Objects;

import io.cachekit.backend.Checks;
import io.cachekit.backend.Durations;

/**
 * Immutable settings of a {@link CircuitBreaker}.
 *
 * <p>
 * The breaker looks at the outcome of the last {@link #slidingWindowSize()} calls to L2.
 * Once at least {@link #minimumNumberOfCalls()} of them are known, it opens when the
 * share of failures ({@code TRANSIENT} or {@code TIMEOUT}) reaches
 * {@link #failureRateThreshold()} percent, or when the share of calls slower than
 * {@link #slowCallDurationThreshold()} reaches {@link #slowCallRateThreshold()} percent.
 * Open, it skips L2 for {@link #waitDurationInOpenState()}, then lets
 * {@link #permittedNumberOfCallsInHalfOpenState()} trial calls through, whose outcome
 * closes it or opens it again.
 *
 * <p>
 * The defaults are chosen so that, under load, a hung server opens the breaker after
 * about one operation timeout, and a restarted server is used again within two seconds
 * together with the backends' reconnection delays (one second for memcached, half a
 * second for a Redis URL). Built with {@link #builder()}; every setter checks its value
 * at once and throws {@link IllegalArgumentException} naming the setting.
 *
 * <pre>{@code
 * CircuitBreakerConfig config = CircuitBreakerConfig.builder()
 *     .failureRateThreshold(50)
 *     .waitDurationInOpenState(Duration.ofSeconds(2))
 *     .build();
 * }</pre>
 */
public final class CircuitBreakerConfig {

	/** The default share of failed calls, in percent, that opens the breaker. */
	public static final int DEFAULT_FAILURE_RATE_THRESHOLD = 50;

	/** The default share of slow calls, in percent, that opens the breaker. */
	public static final int DEFAULT_SLOW_CALL_RATE_THRESHOLD = 80;

	/** The default duration over which a call counts as slow. */
	public static final Duration DEFAULT_SLOW_CALL_DURATION_THRESHOLD = Duration.ofMillis(500);

	/** The default number of recent calls whose outcome the breaker looks at. */
	public static final int DEFAULT_SLIDING_WINDOW_SIZE = 10;

	/** The default number of calls the breaker must have seen before it may open. */
	public static final int DEFAULT_MINIMUM_NUMBER_OF_CALLS = 5;

	/** The default time the breaker stays open before trial calls. */
	public static final Duration DEFAULT_WAIT_DURATION_IN_OPEN_STATE = Duration.ofMillis(500);

	/** The default number of trial calls let through once the open time has passed. */
	public static final int DEFAULT_PERMITTED_NUMBER_OF_CALLS_IN_HALF_OPEN_STATE = 3;

	private static final CircuitBreakerConfig DEFAULTS = new Builder().build();

	private final int failureRateThreshold;

	private final int slowCallRateThreshold;

	private final Duration slowCallDurationThreshold;

	private final int slidingWindowSize;

	private final int minimumNumberOfCalls;

	private final Duration waitDurationInOpenState;

	private final int permittedNumberOfCallsInHalfOpenState;

	private CircuitBreakerConfig(Builder builder) {
		this.failureRateThreshold = builder.failureRateThreshold;
		this.slowCallRateThreshold = builder.slowCallRateThreshold;
		this.slowCallDurationThreshold = builder.slowCallDurationThreshold;
		this.slidingWindowSize = builder.slidingWindowSize;
		this.minimumNumberOfCalls = builder.minimumNumberOfCalls;
		this.waitDurationInOpenState = builder.waitDurationInOpenState;
		this.permittedNumberOfCallsInHalfOpenState = builder.permittedNumberOfCallsInHalfOpenState;
	}

	/**
	 * Returns the configuration with every default.
	 * @return the defaults
	 */
	public static CircuitBreakerConfig defaults() {
		return DEFAULTS;
	}

	/**
	 * Starts a configuration with every default.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Starts a builder that holds this configuration's values.
	 * @return a new builder
	 */
	public Builder toBuilder() {
		Builder builder = new Builder();
		builder.failureRateThreshold = this.failureRateThreshold;
		builder.slowCallRateThreshold = this.slowCallRateThreshold;
		builder.slowCallDurationThreshold = this.slowCallDurationThreshold;
		builder.slidingWindowSize = this.slidingWindowSize;
		builder.minimumNumberOfCalls = this.minimumNumberOfCalls;
		builder.waitDurationInOpenState = this.waitDurationInOpenState;
		builder.permittedNumberOfCallsInHalfOpenState = this.permittedNumberOfCallsInHalfOpenState;
		return builder;
	}

	/**
	 * Returns the share of failed calls, in percent, that opens the breaker.
	 * @return from 1 to 100
	 */
	public int failureRateThreshold() {
		return this.failureRateThreshold;
	}

	/**
	 * Returns the share of slow calls, in percent, that opens the breaker.
	 * @return from 1 to 100
	 */
	public int slowCallRateThreshold() {
		return this.slowCallRateThreshold;
	}

	/**
	 * Returns the duration over which a call counts as slow.
	 * @return a positive duration
	 */
	public Duration slowCallDurationThreshold() {
		return this.slowCallDurationThreshold;
	}

	/**
	 * Returns the number of recent calls whose outcome the breaker looks at.
	 * @return at least 1
	 */
	public int slidingWindowSize() {
		return this.slidingWindowSize;
	}

	/**
	 * Returns the number of calls the breaker must have seen before it may open.
	 * @return from 1 to {@link #slidingWindowSize()}
	 */
	public int minimumNumberOfCalls() {
		return this.minimumNumberOfCalls;
	}

	/**
	 * Returns how long the breaker stays open before trial calls.
	 * @return a positive duration
	 */
	public Duration waitDurationInOpenState() {
		return this.waitDurationInOpenState;
	}

	/**
	 * Returns how many trial calls go through once the open time has passed.
	 * @return at least 1
	 */
	public int permittedNumberOfCallsInHalfOpenState() {
		return this.permittedNumberOfCallsInHalfOpenState;
	}

	@Override
	public boolean equals(Object other) {
		if (this == other) {
			return true;
		}
		return other instanceof CircuitBreakerConfig that && this.failureRateThreshold == that.failureRateThreshold
				&& this.slowCallRateThreshold == that.slowCallRateThreshold
				&& this.slowCallDurationThreshold.equals(that.slowCallDurationThreshold)
				&& this.slidingWindowSize == that.slidingWindowSize
				&& this.minimumNumberOfCalls == that.minimumNumberOfCalls
				&& this.waitDurationInOpenState.equals(that.waitDurationInOpenState)
				&& this.permittedNumberOfCallsInHalfOpenState == that.permittedNumberOfCallsInHalfOpenState;
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.failureRateThreshold, this.slowCallRateThreshold, this.slowCallDurationThreshold,
				this.slidingWindowSize, this.minimumNumberOfCalls, this.waitDurationInOpenState,
				this.permittedNumberOfCallsInHalfOpenState);
	}

	@Override
	public String toString() {
		return "CircuitBreakerConfig[failureRateThreshold=" + this.failureRateThreshold + "%, slowCallRateThreshold="
				+ this.slowCallRateThreshold + "%, slowCallDurationThreshold="
				+ Durations.format(this.slowCallDurationThreshold) + ", slidingWindowSize=" + this.slidingWindowSize
				+ ", minimumNumberOfCalls=" + this.minimumNumberOfCalls + ", waitDurationInOpenState="
				+ Durations.format(this.waitDurationInOpenState) + ", permittedNumberOfCallsInHalfOpenState="
				+ this.permittedNumberOfCallsInHalfOpenState + "]";
	}

	/**
	 * Builds a {@link CircuitBreakerConfig}. Not thread-safe.
	 */
	public static final class Builder {

		private int failureRateThreshold = DEFAULT_FAILURE_RATE_THRESHOLD;

		private int slowCallRateThreshold = DEFAULT_SLOW_CALL_RATE_THRESHOLD;

		private Duration slowCallDurationThreshold = DEFAULT_SLOW_CALL_DURATION_THRESHOLD;

		private int slidingWindowSize = DEFAULT_SLIDING_WINDOW_SIZE;

		private int minimumNumberOfCalls = DEFAULT_MINIMUM_NUMBER_OF_CALLS;

		private Duration waitDurationInOpenState = DEFAULT_WAIT_DURATION_IN_OPEN_STATE;

		private int permittedNumberOfCallsInHalfOpenState = DEFAULT_PERMITTED_NUMBER_OF_CALLS_IN_HALF_OPEN_STATE;

		private Builder() {
		}

		/**
		 * Sets the share of failed calls ({@code TRANSIENT}, {@code TIMEOUT}) that opens
		 * the breaker.
		 * @param failureRateThreshold percent, from 1 to 100
		 * @return this builder
		 * @throws IllegalArgumentException when out of range
		 */
		public Builder failureRateThreshold(int failureRateThreshold) {
			this.failureRateThreshold = Checks.between("failure rate threshold", failureRateThreshold, 1, 100);
			return this;
		}

		/**
		 * Sets the share of slow calls that opens the breaker.
		 * @param slowCallRateThreshold percent, from 1 to 100
		 * @return this builder
		 * @throws IllegalArgumentException when out of range
		 */
		public Builder slowCallRateThreshold(int slowCallRateThreshold) {
			this.slowCallRateThreshold = Checks.between("slow call rate threshold", slowCallRateThreshold, 1, 100);
			return this;
		}

		/**
		 * Sets the duration over which a call counts as slow.
		 * @param slowCallDurationThreshold a positive duration
		 * @return this builder
		 * @throws IllegalArgumentException when not positive
		 */
		public Builder slowCallDurationThreshold(Duration slowCallDurationThreshold) {
			this.slowCallDurationThreshold = Checks.positive("slow call duration threshold", slowCallDurationThreshold);
			return this;
		}

		/**
		 * Sets the number of recent calls whose outcome the breaker looks at.
		 * @param slidingWindowSize from 1 to 10,000
		 * @return this builder
		 * @throws IllegalArgumentException when out of range
		 */
		public Builder slidingWindowSize(int slidingWindowSize) {
			this.slidingWindowSize = Checks.between("sliding window size", slidingWindowSize, 1, 10_000);
			return this;
		}

		/**
		 * Sets the number of calls the breaker must have seen before it may open; at most
		 * the sliding window size (checked by {@link #build()}).
		 * @param minimumNumberOfCalls from 1 to 10,000
		 * @return this builder
		 * @throws IllegalArgumentException when out of range
		 */
		public Builder minimumNumberOfCalls(int minimumNumberOfCalls) {
			this.minimumNumberOfCalls = Checks.between("minimum number of calls", minimumNumberOfCalls, 1, 10_000);
			return this;
		}

		/**
		 * Sets how long the breaker stays open before trial calls.
		 * @param waitDurationInOpenState a positive duration
		 * @return this builder
		 * @throws IllegalArgumentException when not positive
		 */
		public Builder waitDurationInOpenState(Duration waitDurationInOpenState) {
			Checks.positive("wait duration in open state", waitDurationInOpenState);
			if (waitDurationInOpenState.compareTo(Duration.ofMillis(1)) < 0) {
				throw new IllegalArgumentException(
						"wait duration in open state must be at least 1ms, was " + waitDurationInOpenState);
			}
			this.waitDurationInOpenState = waitDurationInOpenState;
			return this;
		}

		/**
		 * Sets how many trial calls go through once the open time has passed.
		 * @param permittedNumberOfCallsInHalfOpenState from 1 to 1,000
		 * @return this builder
		 * @throws IllegalArgumentException when out of range
		 */
		public Builder permittedNumberOfCallsInHalfOpenState(int permittedNumberOfCallsInHalfOpenState) {
			this.permittedNumberOfCallsInHalfOpenState = Checks.between("permitted number of calls in half open state",
					permittedNumberOfCallsInHalfOpenState, 1, 1_000);
			return this;
		}

		/**
		 * Creates the configuration.
		 * @return the configuration
		 * @throws IllegalArgumentException when the minimum number of calls is larger
		 * than the sliding window
		 */
		public CircuitBreakerConfig build() {
			if (this.minimumNumberOfCalls > this.slidingWindowSize) {
				throw new IllegalArgumentException("minimum number of calls (" + this.minimumNumberOfCalls
						+ ") must not be larger than sliding window size (" + this.slidingWindowSize
						+ "), or the breaker could never open; lower it or enlarge the window");
			}
			return new CircuitBreakerConfig(this);
		}

	}

}
