package io.cachekit.tier;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import ch.qos.logback.classic.Level;
import io.cachekit.backend.Backend;
import io.cachekit.backend.BackendErrorType;
import io.cachekit.backend.BackendException;
import io.cachekit.backend.BackendOperation;
import io.cachekit.backend.CapturedLogs;
import io.cachekit.backend.Connectivity;
import io.cachekit.backend.ForwardingBackend;
import io.cachekit.backend.Increment;
import io.cachekit.backend.RemainingTtl;
import io.cachekit.backend.TtlInspection;
import io.cachekit.test.FaultInjectingBackend;
import io.cachekit.test.FaultInjectingBackend.Gate;
import io.cachekit.test.FaultInjectingBackend.Selector;
import io.cachekit.test.InMemoryBackend;
import io.cachekit.test.ManualTime;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The circuit breaker's states, driven by a backend that fails on demand and a ticker
 * under the test's control.
 */
class CircuitBreakerTests {

	/** Just over the five seconds the test breaker stays open. */
	private static final Duration OPEN_TIME = Duration.ofMillis(5001);

	private final ManualTime time = new ManualTime();

	private final FaultInjectingBackend backend = FaultInjectingBackend
		.wrap(InMemoryBackend.withCapabilities(this.time, Increment.class));

	private final CircuitBreaker breaker = CircuitBreaker.create(CircuitBreakerConfig.builder()
		.slidingWindowSize(4)
		.minimumNumberOfCalls(4)
		.failureRateThreshold(50)
		.waitDurationInOpenState(Duration.ofSeconds(5))
		.permittedNumberOfCallsInHalfOpenState(2)
		.build(), this.time);

	private final Backend protectedBackend = this.breaker.protect(this.backend);

	@Test
	void opensWhenTheFailureRateOfTheRecentCallsReachesTheThreshold() {
		succeedTimes(2);
		failTimes(2, BackendErrorType.TRANSIENT);
		assertThat(this.breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
		long calls = this.backend.calls(BackendOperation.GET);
		assertThatExceptionOfType(BackendException.class).isThrownBy(() -> this.protectedBackend.get("k"))
			.satisfies((ex) -> assertThat(ex.getErrorType()).isEqualTo(BackendErrorType.TRANSIENT))
			.withMessageContaining("circuit open");
		assertThat(this.backend.calls(BackendOperation.GET)).as("an open circuit does not call the backend")
			.isEqualTo(calls);
	}

	@Test
	void staysClosedBeforeTheMinimumNumberOfCalls() {
		failTimes(3, BackendErrorType.TRANSIENT);
		assertThat(this.breaker.state()).as("three calls of the four needed").isEqualTo(CircuitBreaker.State.CLOSED);
	}

	@Test
	void staysClosedBelowTheThreshold() {
		succeedTimes(3);
		failTimes(1, BackendErrorType.TRANSIENT);
		assertThat(this.breaker.state()).as("one failure in the last four calls")
			.isEqualTo(CircuitBreaker.State.CLOSED);
	}

	@Test
	void permanentFailuresAreAnswersOfTheServerAndDoNotOpenIt() {
		failTimes(8, BackendErrorType.PERMANENT);
		assertThat(this.breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
		assertThat(this.breaker.resilience4j().getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(4);
	}

	@Test
	void authenticationAndUnknownFailuresAreNotRecorded() {
		failTimes(4, BackendErrorType.AUTHENTICATION);
		failTimes(4, BackendErrorType.UNKNOWN);
		assertThat(this.breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
		assertThat(this.breaker.resilience4j().getMetrics().getNumberOfBufferedCalls()).isZero();
	}

	@Test
	void slowCallsOpenItWhenTheyReachTheSlowCallRate() {
		CircuitBreaker slow = CircuitBreaker.create(CircuitBreakerConfig.builder()
			.slidingWindowSize(4)
			.minimumNumberOfCalls(4)
			.slowCallDurationThreshold(Duration.ofMillis(500))
			.slowCallRateThreshold(75)
			.build(), this.time);
		Backend slowBackend = slow.protect(new Slow(InMemoryBackend.create(this.time), this.time));
		for (int i = 0; i < 3; i++) {
			assertThat(slowBackend.get("k")).isNull();
		}
		assertThat(slow.state()).isEqualTo(CircuitBreaker.State.CLOSED);
		assertThat(slowBackend.get("k")).isNull();
		assertThat(slow.state()).as("four calls of 600 ms answered, all slow").isEqualTo(CircuitBreaker.State.OPEN);
	}

	@Test
	void afterTheOpenTimeTrialCallsGoThroughAndSuccessesCloseIt() {
		open();
		this.time.advance(Duration.ofMillis(4999));
		assertThatExceptionOfType(BackendException.class).isThrownBy(() -> this.protectedBackend.get("k"));
		this.time.advance(Duration.ofMillis(2));
		assertThat(this.protectedBackend.get("k")).isNull();
		assertThat(this.breaker.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
		assertThat(this.protectedBackend.get("k")).isNull();
		assertThat(this.breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
	}

	@Test
	void failedTrialsOpenItAgainForTheWholeOpenTime() {
		open();
		this.time.advance(OPEN_TIME);
		failTimes(2, BackendErrorType.TRANSIENT);
		assertThat(this.breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
		this.time.advance(Duration.ofSeconds(4));
		assertThatExceptionOfType(BackendException.class).isThrownBy(() -> this.protectedBackend.get("k"))
			.withMessageContaining("circuit open");
	}

	@Test
	void aFailureOfACallStartedBeforeTheBreakerOpenedDoesNotExtendTheOpenTime() throws Exception {
		Gate gate = this.backend.hold(Selector.operation(BackendOperation.GET), false);
		CompletableFuture<@Nullable Throwable> inFlight = CompletableFuture
			.supplyAsync(failure(() -> this.protectedBackend.get("k")));
		assertThat(gate.awaitReached()).isTrue();
		open();
		this.time.advance(Duration.ofSeconds(4));
		this.backend.fail(BackendErrorType.TIMEOUT);
		gate.release();
		assertThat(inFlight.get()).isInstanceOf(BackendException.class);
		this.backend.heal();
		this.time.advance(OPEN_TIME.minusSeconds(4));
		assertThat(this.protectedBackend.get("k")).as("the trial goes through five seconds after opening").isNull();
		assertThat(this.breaker.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
	}

	@Test
	void aFailureOfACallStartedBeforeTheBreakerOpenedDoesNotFailTheTrial() throws Exception {
		Gate gate = this.backend.hold(Selector.operation(BackendOperation.GET), false);
		CompletableFuture<@Nullable Throwable> inFlight = CompletableFuture
			.supplyAsync(failure(() -> this.protectedBackend.get("k")));
		assertThat(gate.awaitReached()).isTrue();
		open();
		this.time.advance(OPEN_TIME);
		assertThat(this.protectedBackend.get("k")).as("first trial").isNull();
		assertThat(this.breaker.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
		this.backend.fail(BackendErrorType.TIMEOUT);
		gate.release();
		assertThat(inFlight.get()).isInstanceOf(BackendException.class);
		this.backend.heal();
		assertThat(this.breaker.state()).as("the old call's timeout is not a trial")
			.isEqualTo(CircuitBreaker.State.HALF_OPEN);
		assertThat(this.protectedBackend.get("k")).as("second trial").isNull();
		assertThat(this.breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
	}

	@Test
	void callsUnderWayWhenTheBreakerOpenedAddNoTrialPermissions() throws Exception {
		Gate gate = this.backend.hold(Selector.operation(BackendOperation.EXISTS), false);
		CompletableFuture<@Nullable Throwable> inFlight = CompletableFuture
			.supplyAsync(failure(() -> this.protectedBackend.exists("k")));
		assertThat(gate.awaitReached()).isTrue();
		open();
		this.time.advance(OPEN_TIME);
		io.github.resilience4j.circuitbreaker.CircuitBreaker trials = this.breaker.resilience4j();
		assertThat(trials.tryAcquirePermission()).as("the first trial").isTrue();
		assertThat(this.breaker.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
		this.backend.fail(BackendErrorType.TIMEOUT);
		gate.release();
		assertThat(inFlight.get()).isInstanceOf(BackendException.class);
		int more = 0;
		while (more < 10 && trials.tryAcquirePermission()) {
			more++;
		}
		assertThat(more).as("trial permissions left of the two").isEqualTo(1);
	}

	@Test
	void eachChangeOfStateIsLoggedOnceAndCallsAreNot() {
		try (CapturedLogs logs = CapturedLogs.of(CircuitBreaker.class.getName())) {
			open();
			for (int i = 0; i < 10; i++) {
				assertThatExceptionOfType(BackendException.class).isThrownBy(() -> this.protectedBackend.get("k"));
			}
			this.time.advance(OPEN_TIME);
			succeedTimes(2);
			assertThat(logs.messages(Level.WARN)).singleElement()
				.asString()
				.contains("circuit breaker 'cachekit' opened", "4 of the last 4 calls to L2 failed", "5s");
			assertThat(logs.messages(Level.INFO))
				.containsExactly("circuit breaker 'cachekit' closed: L2 is used again");
		}
	}

	@Test
	void aThreadWhoseCallTimedOutDoesNotWaitAgainUntilTheServerAnswersSomeone() throws Exception {
		failTimes(1, BackendErrorType.TIMEOUT);
		long calls = this.backend.calls(BackendOperation.GET);
		assertThatExceptionOfType(BackendException.class).isThrownBy(() -> this.protectedBackend.get("k"))
			.satisfies((ex) -> assertThat(ex.getErrorType()).isEqualTo(BackendErrorType.TRANSIENT))
			.withMessageContaining("timed out and no call was answered since");
		assertThat(this.backend.calls(BackendOperation.GET)).as("not sent").isEqualTo(calls);
		CompletableFuture.runAsync(() -> this.protectedBackend.get("other thread")).get();
		assertThat(this.protectedBackend.get("k")).as("sent once another call was answered").isNull();
	}

	@Test
	void aThreadWhoseCallTimedOutTriesAgainAfterTheOpenTime() {
		failTimes(1, BackendErrorType.TIMEOUT);
		this.time.advance(Duration.ofMillis(4999));
		assertThatExceptionOfType(BackendException.class).isThrownBy(() -> this.protectedBackend.get("k"))
			.withMessageContaining("timed out");
		this.time.advance(Duration.ofMillis(1));
		assertThat(this.protectedBackend.get("k")).isNull();
		assertThat(this.breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
	}

	@Test
	void noTrialIsSpentOnABackendThatIsNotConnectedYet() {
		Reconnecting reconnecting = new Reconnecting(this.backend);
		Backend guarded = this.breaker.protect(reconnecting);
		this.backend.failNext(4, BackendErrorType.TRANSIENT);
		for (int i = 0; i < 4; i++) {
			assertThatExceptionOfType(BackendException.class).isThrownBy(() -> guarded.get("k"));
		}
		assertThat(this.breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
		reconnecting.connected = false;
		this.time.advance(OPEN_TIME);
		long calls = this.backend.calls(BackendOperation.GET);
		for (int i = 0; i < 5; i++) {
			assertThatExceptionOfType(BackendException.class).isThrownBy(() -> guarded.get("k"))
				.withMessageContaining("not connected yet");
		}
		assertThat(this.backend.calls(BackendOperation.GET)).isEqualTo(calls);
		assertThat(this.breaker.state()).as("no trial failed").isEqualTo(CircuitBreaker.State.OPEN);
		reconnecting.connected = true;
		assertThat(guarded.get("k")).as("the first call after the reconnection is a trial").isNull();
		assertThat(this.breaker.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
	}

	@Test
	void healthAlwaysReachesTheBackend() {
		open();
		assertThat(this.protectedBackend.health().healthy()).isTrue();
	}

	@Test
	void capabilitiesOfTheBackendArePassedThroughTheBreaker() {
		InMemoryBackend store = InMemoryBackend.withCapabilities(this.time, TtlInspection.class);
		store.set("k", new byte[] { 1 }, null);
		Backend withTtl = this.breaker.protect(store);
		assertThat(withTtl.capability(TtlInspection.class)).get()
			.satisfies((inspection) -> assertThat(inspection.remainingTtl("k")).isEqualTo(RemainingTtl.noExpiry()));
		assertThat(withTtl.capability(Increment.class)).isEmpty();
		assertThat(this.protectedBackend.capability(TtlInspection.class)).isEmpty();
	}

	@Test
	void anUnexpectedRuntimeExceptionBecomesAnUnknownBackendException() {
		// A counter that holds no number makes the in-memory backend throw, as a buggy
		// custom backend would.
		this.protectedBackend.set("k", "not a number".getBytes(StandardCharsets.US_ASCII), null);
		Increment increment = this.protectedBackend.capability(Increment.class).orElseThrow();
		assertThatExceptionOfType(BackendException.class).isThrownBy(() -> increment.increment("k", 1, 0, null))
			.satisfies((ex) -> assertThat(ex.getErrorType()).isEqualTo(BackendErrorType.UNKNOWN))
			.withCauseInstanceOf(NumberFormatException.class);
	}

	@Test
	void aBreakerFromAnotherSourceKeepsItsSettingsAndCachekitsRules() {
		CircuitBreaker external = CircuitBreaker
			.of(io.github.resilience4j.circuitbreaker.CircuitBreaker.ofDefaults("cachekit"));
		Backend guarded = external.protect(this.backend);
		this.backend.failNext(200, BackendErrorType.PERMANENT);
		for (int i = 0; i < 200; i++) {
			assertThatExceptionOfType(BackendException.class).isThrownBy(() -> guarded.get("k"));
		}
		assertThat(external.state()).isEqualTo(CircuitBreaker.State.CLOSED);
		assertThat(external.resilience4j().getCircuitBreakerConfig().getSlidingWindowSize()).isEqualTo(100);
	}

	private void open() {
		failTimes(4, BackendErrorType.TRANSIENT);
		assertThat(this.breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
	}

	private void succeedTimes(int times) {
		for (int i = 0; i < times; i++) {
			assertThat(this.protectedBackend.get("k")).isNull();
		}
	}

	private void failTimes(int times, BackendErrorType type) {
		this.backend.failNext(times, type);
		for (int i = 0; i < times; i++) {
			assertThatExceptionOfType(BackendException.class).isThrownBy(() -> this.protectedBackend.get("k"));
		}
	}

	private static Supplier<@Nullable Throwable> failure(Runnable call) {
		return () -> {
			try {
				call.run();
				return null;
			}
			catch (RuntimeException ex) {
				return ex;
			}
		};
	}

	/**
	 * A backend that tells whether it is connected, as the test says.
	 */
	private static final class Reconnecting extends ForwardingBackend implements Connectivity {

		volatile boolean connected = true;

		Reconnecting(Backend delegate) {
			super(delegate);
		}

		@Override
		public boolean isConnected() {
			return this.connected;
		}

		@Override
		public <C> Optional<C> capability(Class<C> type) {
			return (type == Connectivity.class) ? Optional.of(type.cast(this)) : super.capability(type);
		}

		@Override
		protected <T extends @Nullable Object> T call(BackendOperation operation, @Nullable String key,
				Supplier<T> call) {
			return call.get();
		}

	}

	/**
	 * A backend whose every call takes 600 ms of the test's time.
	 */
	private static final class Slow extends ForwardingBackend {

		private final ManualTime time;

		Slow(Backend delegate, ManualTime time) {
			super(delegate);
			this.time = time;
		}

		@Override
		protected <T extends @Nullable Object> T call(BackendOperation operation, @Nullable String key,
				Supplier<T> call) {
			this.time.advance(Duration.ofMillis(600));
			return call.get();
		}

	}

	@Test
	void breakerThatWouldNotRecordL2FailuresIsLoggedOnce() {
		ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
			.getLogger(CircuitBreaker.class);
		ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender = new ch.qos.logback.core.read.ListAppender<>();
		appender.start();
		logger.addAppender(appender);
		try {
			// As resilience4j's Spring Boot starter makes it from
			// resilience4j.circuitbreaker.instances.cachekit.record-exceptions.
			io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry registry = io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry
				.ofDefaults();
			registry.circuitBreaker(CircuitBreaker.DEFAULT_NAME,
					io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.custom()
						.recordExceptions(java.io.IOException.class)
						.build());
			CircuitBreaker.fromRegistry(CircuitBreakerConfig.defaults(), registry);
			CircuitBreaker.fromRegistry(CircuitBreakerConfig.defaults(),
					io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry.ofDefaults());
			assertThat(appender.list).singleElement()
				.satisfies((event) -> assertThat(event.getFormattedMessage()).contains("does not record",
						"io.cachekit.backend.BackendException", "resilience4j.circuitbreaker.instances.cachekit"));
		}
		finally {
			logger.detachAppender(appender);
		}
	}

}
