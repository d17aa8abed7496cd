package io.cachekit.tier;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.github.benmanes.caffeine.cache.Ticker;
import io.cachekit.backend.Backend;
import io.cachekit.backend.BackendErrorType;
import io.cachekit.backend.BackendException;
import io.cachekit.backend.BackendOperation;
import io.cachekit.backend.Durations;
import io.github.resilience4j.circuitbreaker.CircuitBreaker.StateTransition;
import io.github.resilience4j.circuitbreaker.event.CircuitBreakerOnStateTransitionEvent;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops calling an L2 that keeps failing or hangs, so that an unreachable or hung server
 * costs a cache call nothing instead of a timeout: a resilience4j circuit breaker with
 * cachekit's rules about what counts.
 *
 * <p>
 * Closed, every call goes through and its outcome is recorded: {@code TRANSIENT} and
 * {@code TIMEOUT} failures count as failures (the server is out of reach); a
 * {@code PERMANENT} failure counts as an answer, since the server answered and only the
 * request was wrong; {@code AUTHENTICATION} and {@code UNKNOWN} failures are not recorded
 * at all (waiting does not mend a refused password, a fast refusal costs the caller no
 * time, and an unknown failure says nothing about the server). When the failure rate or
 * the slow-call rate over the recent calls reaches its threshold
 * ({@link CircuitBreakerConfig}), the breaker opens: calls fail at once as
 * {@code TRANSIENT} without reaching the backend, and the tiered cache treats them as
 * misses. After the open time a few trial calls go through (half-open), and their outcome
 * closes it or opens it again.
 *
 * <p>
 * A thread whose call timed out does not wait for L2 again until L2 has answered some
 * call or the open time has passed: its calls fail at once meanwhile, without being
 * recorded. So no cache call waits for two timeouts in a row (a generation refresh and
 * then the read) while the breaker has yet to see enough timeouts to open.
 *
 * <p>
 * The outcome of a call counts only in the state it started in: a call that was already
 * under way when the breaker opened, and fails afterwards, neither extends the open time
 * nor fails the trial of the half-open state. {@link Backend#health() Health checks} are
 * never blocked, so health reports the server itself. Each change of state is logged once
 * (opening at WARN, closing at INFO, the half-open round trips of a long outage at
 * DEBUG).
 *
 * <p>
 * One breaker is shared by all caches of one backend. The resilience4j breaker is
 * available through {@link #resilience4j()} for its events and metrics; one taken from an
 * application's {@code CircuitBreakerRegistry} keeps that registry's settings.
 * Thread-safe.
 */
public final class CircuitBreaker {

	/** The name of the breakers this class creates. */
	public static final String DEFAULT_NAME = "cachekit";

	private static final Logger logger = LoggerFactory.getLogger(CircuitBreaker.class);

	private final io.github.resilience4j.circuitbreaker.CircuitBreaker delegate;

	private final Ticker ticker;

	/** Moves at every change of state, so that a call knows whether it still counts. */
	private final AtomicLong epoch = new AtomicLong();

	/** Moves at every call the backend answered. */
	private final AtomicLong answers = new AtomicLong();

	/**
	 * For a thread whose last call timed out: the answer count then, and when. Absent
	 * otherwise.
	 */
	private final ThreadLocal<long @Nullable []> timedOut = new ThreadLocal<>();

	private final long waitNanos;

	/** When the breaker last opened, by {@link #now()}. */
	private volatile long openedAt;

	private CircuitBreaker(io.github.resilience4j.circuitbreaker.CircuitBreaker delegate, Ticker ticker) {
		this.delegate = delegate;
		this.ticker = ticker;
		this.waitNanos = TimeUnit.MILLISECONDS.toNanos(waitMillis());
		delegate.getEventPublisher().onStateTransition(this::transitioned);
	}

	/**
	 * Creates a breaker named {@value #DEFAULT_NAME} with the given settings.
	 * @param config the settings
	 * @return the breaker, closed
	 */
	public static CircuitBreaker create(CircuitBreakerConfig config) {
		return create(config, Ticker.systemTicker());
	}

	/**
	 * Creates a breaker with its own time source, for tests.
	 * @param config the settings
	 * @param ticker the monotonic time source of the open time and of call durations
	 * @return the breaker, closed
	 */
	public static CircuitBreaker create(CircuitBreakerConfig config, Ticker ticker) {
		Objects.requireNonNull(config, "config must not be null");
		Objects.requireNonNull(ticker, "ticker must not be null");
		return new CircuitBreaker(io.github.resilience4j.circuitbreaker.CircuitBreaker.of(DEFAULT_NAME,
				resilience4jConfig(config, new TickerClock(ticker))), ticker);
	}

	/**
	 * Takes the breaker named {@value #DEFAULT_NAME} from a resilience4j registry, such
	 * as the one resilience4j's Spring Boot starter makes: one the registry already has
	 * (for example configured under
	 * {@code resilience4j.circuitbreaker.instances.cachekit}) keeps its settings;
	 * otherwise it is created there with {@code config}, so that the registry's metrics
	 * and endpoints show it.
	 * @param config the settings of a breaker the registry does not have yet
	 * @param registry the registry
	 * @return the breaker
	 */
	public static CircuitBreaker fromRegistry(CircuitBreakerConfig config,
			io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry registry) {
		Objects.requireNonNull(config, "config must not be null");
		Objects.requireNonNull(registry, "registry must not be null");
		Optional<io.github.resilience4j.circuitbreaker.CircuitBreaker> existing = registry.find(DEFAULT_NAME);
		return of(existing.orElseGet(() -> registry.circuitBreaker(DEFAULT_NAME,
				resilience4jConfig(config, new TickerClock(Ticker.systemTicker())))));
	}

	/**
	 * Uses a resilience4j breaker made elsewhere, for example by an application's
	 * {@code CircuitBreakerRegistry}, with its own settings. cachekit decides which L2
	 * failures it reports (connection failures and timeouts) and reports them as
	 * {@link BackendException}s; the breaker's own record and ignore predicates then
	 * still apply to those, so a breaker configured to record only, say,
	 * {@code IOException} would take them for successes: that is logged once, at WARN,
	 * naming the settings.
	 * @param breaker the resilience4j breaker
	 * @return the breaker
	 */
	public static CircuitBreaker of(io.github.resilience4j.circuitbreaker.CircuitBreaker breaker) {
		Objects.requireNonNull(breaker, "breaker must not be null");
		warnUnlessRecorded(breaker);
		return new CircuitBreaker(breaker, Ticker.systemTicker());
	}

	private static void warnUnlessRecorded(io.github.resilience4j.circuitbreaker.CircuitBreaker breaker) {
		io.github.resilience4j.circuitbreaker.CircuitBreakerConfig config = breaker.getCircuitBreakerConfig();
		BackendException probe = new BackendException(BackendErrorType.TRANSIENT, BackendOperation.GET, null,
				"connection refused", null);
		if (config.getIgnoreExceptionPredicate().test(probe) || !config.getRecordExceptionPredicate().test(probe)) {
			logger.warn("The resilience4j circuit breaker '{}' does not record {}: its record-exceptions or "
					+ "ignore-exceptions settings (resilience4j.circuitbreaker.instances.{}.*) leave out the failures "
					+ "cachekit reports for L2, so only slow calls can open it; add {} to its record-exceptions",
					breaker.getName(), BackendException.class.getName(), breaker.getName(),
					BackendException.class.getName());
		}
	}

	/**
	 * Translates cachekit's settings to resilience4j's: a count-based window, no
	 * automatic transition (the first call after the open time makes it), and only what
	 * {@link CircuitBreakingBackend} reports recorded.
	 * @param config the settings
	 * @param clock the clock of the open time
	 * @return resilience4j's configuration
	 */
	static io.github.resilience4j.circuitbreaker.CircuitBreakerConfig resilience4jConfig(CircuitBreakerConfig config,
			Clock clock) {
		return io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.custom()
			.slidingWindow(config.slidingWindowSize(), config.minimumNumberOfCalls(),
					io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
			.failureRateThreshold(config.failureRateThreshold())
			.slowCallRateThreshold(config.slowCallRateThreshold())
			.slowCallDurationThreshold(config.slowCallDurationThreshold())
			.waitDurationInOpenState(config.waitDurationInOpenState())
			.permittedNumberOfCallsInHalfOpenState(config.permittedNumberOfCallsInHalfOpenState())
			.writableStackTraceEnabled(false)
			.clock(clock)
			.build();
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
	 * Returns the breaker's state now. resilience4j's disabled and metrics-only states
	 * are reported as closed (calls go through), its forced-open state as open.
	 * @return the state
	 */
	public State state() {
		return switch (this.delegate.getState()) {
			case OPEN, FORCED_OPEN -> State.OPEN;
			case HALF_OPEN -> State.HALF_OPEN;
			default -> State.CLOSED;
		};
	}

	/**
	 * Returns the resilience4j breaker underneath, for its events and metrics. Calls
	 * should go through {@link #protect(Backend)}, which applies cachekit's rules.
	 * @return the resilience4j breaker
	 */
	public io.github.resilience4j.circuitbreaker.CircuitBreaker resilience4j() {
		return this.delegate;
	}

	@Override
	public String toString() {
		return "CircuitBreaker[" + this.delegate.getName() + ", " + state() + "]";
	}

	/**
	 * Asks to make a call.
	 * @return a token for the call's outcome (the state epoch the call starts in, and
	 * whether its permission is a half-open trial's), or {@code -1} when it may not go to
	 * the backend
	 */
	long tryAcquire() {
		if (!this.delegate.tryAcquirePermission()) {
			return -1;
		}
		long epoch = this.epoch.get();
		boolean trial = this.delegate
			.getState() == io.github.resilience4j.circuitbreaker.CircuitBreaker.State.HALF_OPEN;
		return (epoch << 1) | (trial ? 1 : 0);
	}

	/**
	 * Tells whether this thread's last call timed out so recently that it should not wait
	 * again: nothing was answered since, and the open time has not passed. A thread that
	 * waited a whole timeout does not wait a second one within the same cache call (a
	 * generation refresh and then the read) before the breaker has seen enough timeouts
	 * to open; other threads' calls, already under way, tell it soon.
	 * @return {@code true} when the call should fail at once
	 */
	boolean justTimedOut() {
		long[] last = this.timedOut.get();
		if (last == null) {
			return false;
		}
		if (this.answers.get() != last[0] || now() - last[1] >= this.waitNanos) {
			this.timedOut.remove();
			return false;
		}
		return true;
	}

	long now() {
		return this.ticker.read();
	}

	/**
	 * Records a call the backend answered.
	 * @param token what {@link #tryAcquire()} answered
	 * @param startNanos when the call started, by {@link #now()}
	 */
	void answered(long token, long startNanos) {
		this.answers.incrementAndGet();
		if (isCurrent(token)) {
			this.delegate.onSuccess(now() - startNanos, TimeUnit.NANOSECONDS);
		}
	}

	/**
	 * Records a failed call.
	 * @param token what {@link #tryAcquire()} answered
	 * @param startNanos when the call started, by {@link #now()}
	 * @param type the kind of failure
	 * @param failure the failure
	 */
	void failed(long token, long startNanos, BackendErrorType type, Throwable failure) {
		switch (type) {
			case TRANSIENT, TIMEOUT -> {
				if (type == BackendErrorType.TIMEOUT) {
					this.timedOut.set(new long[] { this.answers.get(), now() });
				}
				if (isCurrent(token)) {
					this.delegate.onError(now() - startNanos, TimeUnit.NANOSECONDS, failure);
				}
			}
			// The server answered; the request was at fault.
			case PERMANENT -> answered(token, startNanos);
			default -> ignored(token);
		}
	}

	/**
	 * Records a call whose outcome says nothing about the server.
	 * @param token what {@link #tryAcquire()} answered
	 */
	void ignored(long token) {
		if (isCurrent(token)) {
			this.delegate.releasePermission();
		}
	}

	/**
	 * Tells whether a call that started with {@code token} still counts. One that does
	 * not is not recorded. It gives its permission back only when it was granted in the
	 * half-open state and the breaker is half-open now: resilience4j moves to half-open
	 * before it tells of the move, so a trial call can read the epoch of the state before
	 * and would otherwise hold one of the few trial permissions for good. A call granted
	 * its permission while closed gives nothing back: doing so would hand the half-open
	 * state trial permissions it never granted, one more caller waiting on a hung server
	 * for each call that was under way when the breaker opened.
	 */
	private boolean isCurrent(long token) {
		if (this.epoch.get() == (token >>> 1)) {
			return true;
		}
		if ((token & 1) == 1
				&& this.delegate.getState() == io.github.resilience4j.circuitbreaker.CircuitBreaker.State.HALF_OPEN) {
			this.delegate.releasePermission();
		}
		return false;
	}

	/**
	 * Tells, without asking for a permission and so without any effect on the breaker,
	 * whether a call now would be refused: the breaker is forced open, or open and its
	 * open time has not passed yet. It may answer {@code false} for a call that will be
	 * refused (the open time is read as cachekit's first wait), never the reverse for
	 * long: right after the breaker opens it may answer {@code false} once more.
	 * @return {@code true} when a call now would not reach the backend
	 */
	boolean refusesNow() {
		io.github.resilience4j.circuitbreaker.CircuitBreaker.State state = this.delegate.getState();
		if (state == io.github.resilience4j.circuitbreaker.CircuitBreaker.State.FORCED_OPEN) {
			return true;
		}
		return state == io.github.resilience4j.circuitbreaker.CircuitBreaker.State.OPEN
				&& now() - this.openedAt < this.waitNanos;
	}

	private void transitioned(CircuitBreakerOnStateTransitionEvent event) {
		if (event.getStateTransition()
			.getToState() == io.github.resilience4j.circuitbreaker.CircuitBreaker.State.OPEN) {
			this.openedAt = now();
		}
		this.epoch.incrementAndGet();
		try {
			log(event.getStateTransition());
		}
		catch (RuntimeException ex) {
			// A failing log never breaks a cache call.
		}
	}

	private void log(StateTransition transition) {
		String name = this.delegate.getName();
		switch (transition.getToState()) {
			case OPEN, FORCED_OPEN -> {
				if (transition.getFromState() == io.github.resilience4j.circuitbreaker.CircuitBreaker.State.HALF_OPEN) {
					logger.debug("circuit breaker '{}' opened again: the trial calls to L2 failed", name);
				}
				else {
					io.github.resilience4j.circuitbreaker.CircuitBreaker.Metrics metrics = this.delegate.getMetrics();
					logger.warn(
							"circuit breaker '{}' opened: {} of the last {} calls to L2 failed and {} were slow; "
									+ "L2 is skipped (caches miss) and tried again after {}",
							name, metrics.getNumberOfFailedCalls(), metrics.getNumberOfBufferedCalls(),
							metrics.getNumberOfSlowCalls(), waitDuration());
				}
			}
			case HALF_OPEN -> logger.debug("circuit breaker '{}' is half-open: trying L2 again", name);
			default -> logger.info("circuit breaker '{}' {}: L2 is used again", name,
					transition.getToState().name().toLowerCase(Locale.ROOT).replace('_', ' '));
		}
	}

	private String waitDuration() {
		return Durations.format(java.time.Duration.ofMillis(waitMillis()));
	}

	private long waitMillis() {
		Long millis = this.delegate.getCircuitBreakerConfig().getWaitIntervalFunctionInOpenState().apply(1);
		return (millis != null) ? millis : CircuitBreakerConfig.DEFAULT_WAIT_DURATION_IN_OPEN_STATE.toMillis();
	}

	/**
	 * The states of a breaker.
	 */
	public enum State {

		/** Calls go through. */
		CLOSED,

		/** Calls fail at once. */
		OPEN,

		/** The open time passed; a few trial calls go through. */
		HALF_OPEN

	}

	/**
	 * A clock that reads a monotonic ticker, so that the open time is not moved by a
	 * change of the wall clock and tests can drive it.
	 */
	private static final class TickerClock extends Clock {

		private final Ticker ticker;

		TickerClock(Ticker ticker) {
			this.ticker = ticker;
		}

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return Instant.EPOCH.plusNanos(this.ticker.read());
		}

	}

}
