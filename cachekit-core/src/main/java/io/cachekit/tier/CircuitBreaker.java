package io.cachekit.tier;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import com.github.benmanes.caffeine.cache.Ticker;
import io.cachekit.backend.Backend;
import io.cachekit.backend.BackendErrorType;

/**
 * Stops calling an L2 that keeps failing, so that a hung or unreachable server costs a
 * cache call nothing instead of a timeout.
 *
 * <p>
 * Closed, it lets every call through and counts consecutive {@code TRANSIENT} and
 * {@code TIMEOUT} failures (other failures are about the request, not the server). At the
 * threshold it opens: calls fail at once as {@code TRANSIENT} without reaching the
 * backend, and the tiered cache treats them as misses. After the open duration it lets
 * one trial call through (half-open): success closes it, failure opens it again. Health
 * checks are never blocked, so health reports the server itself.
 *
 * <p>
 * One breaker is shared by all caches of one backend. Thread-safe.
 */
public final class CircuitBreaker {

	/** The default number of consecutive failures that opens the circuit. */
	public static final int DEFAULT_FAILURE_THRESHOLD = 5;

	/** The default time the circuit stays open before a trial call. */
	public static final Duration DEFAULT_OPEN_DURATION = Duration.ofSeconds(5);

	private final int failureThreshold;

	private final long openNanos;

	private final Ticker ticker;

	private final AtomicReference<State> state = new AtomicReference<>(State.CLOSED);

	private final AtomicInteger consecutiveFailures = new AtomicInteger();

	private final AtomicLong openedAt = new AtomicLong();

	private CircuitBreaker(int failureThreshold, Duration openDuration, Ticker ticker) {
		if (failureThreshold < 1) {
			throw new IllegalArgumentException("failureThreshold must be at least 1, was " + failureThreshold);
		}
		Objects.requireNonNull(openDuration, "openDuration must not be null");
		if (openDuration.isNegative() || openDuration.isZero()) {
			throw new IllegalArgumentException("openDuration must be positive, was " + openDuration);
		}
		this.failureThreshold = failureThreshold;
		this.openNanos = openDuration.toNanos();
		this.ticker = Objects.requireNonNull(ticker, "ticker must not be null");
	}

	/**
	 * Creates a breaker.
	 * @param failureThreshold consecutive failures that open it, at least 1
	 * @param openDuration how long it stays open before a trial call, positive
	 * @return the breaker, closed
	 * @throws IllegalArgumentException when a value is out of range
	 */
	public static CircuitBreaker of(int failureThreshold, Duration openDuration) {
		return new CircuitBreaker(failureThreshold, openDuration, Ticker.systemTicker());
	}

	/**
	 * Creates a breaker with its own time source, for tests.
	 * @param failureThreshold consecutive failures that open it, at least 1
	 * @param openDuration how long it stays open before a trial call, positive
	 * @param ticker the time source
	 * @return the breaker, closed
	 */
	public static CircuitBreaker of(int failureThreshold, Duration openDuration, Ticker ticker) {
		return new CircuitBreaker(failureThreshold, openDuration, ticker);
	}

	/**
	 * Returns a backend that calls {@code backend} through this breaker.
	 * @param backend the backend to protect
	 * @return the protected backend; its capabilities are protected too
	 */
	public Backend protect(Backend backend) {
		return new CircuitBreakingBackend(backend, this);
	}

	/**
	 * Returns the breaker's state now.
	 * @return the state
	 */
	public State state() {
		State current = Objects.requireNonNull(this.state.get());
		if (current == State.OPEN && this.ticker.read() - this.openedAt.get() >= this.openNanos) {
			return State.HALF_OPEN;
		}
		return current;
	}

	/**
	 * Asks to make a call.
	 * @return {@code true} when the call may go to the backend
	 */
	boolean allow() {
		State current = this.state.get();
		if (current == State.CLOSED) {
			return true;
		}
		if (current == State.OPEN && this.ticker.read() - this.openedAt.get() >= this.openNanos) {
			// One caller wins the trial; the others keep failing fast until it reports.
			return this.state.compareAndSet(State.OPEN, State.HALF_OPEN);
		}
		return false;
	}

	void succeeded() {
		this.consecutiveFailures.set(0);
		this.state.set(State.CLOSED);
	}

	void failed(BackendErrorType type) {
		if (!type.isRetryable()) {
			// The server answered: the request was at fault, not the server.
			succeeded();
			return;
		}
		if (this.state.get() == State.HALF_OPEN
				|| this.consecutiveFailures.incrementAndGet() >= this.failureThreshold) {
			this.openedAt.set(this.ticker.read());
			this.state.set(State.OPEN);
		}
	}

	/**
	 * The states of a breaker.
	 */
	public enum State {

		/** Calls go through. */
		CLOSED,

		/** Calls fail at once. */
		OPEN,

		/** The open duration passed; the next call is a trial. */
		HALF_OPEN

	}

}
