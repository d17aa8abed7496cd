package io.cachekit.tier;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.cachekit.backend.Backend;
import io.cachekit.backend.BackendErrorType;
import io.cachekit.backend.BackendException;
import io.cachekit.backend.BackendOperation;
import io.cachekit.backend.Increment;
import io.cachekit.backend.RemainingTtl;
import io.cachekit.backend.TtlInspection;
import io.cachekit.test.FaultInjectingBackend;
import io.cachekit.test.InMemoryBackend;
import io.cachekit.test.ManualTime;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The circuit breaker's states, driven by a backend that fails on demand and a ticker
 * under the test's control.
 */
class CircuitBreakerTests {

	private final ManualTime time = new ManualTime();

	private final FaultInjectingBackend backend = FaultInjectingBackend
		.wrap(InMemoryBackend.withCapabilities(this.time, Increment.class));

	private final CircuitBreaker breaker = CircuitBreaker.of(3, Duration.ofSeconds(5), this.time);

	private final Backend protectedBackend = this.breaker.protect(this.backend);

	@Test
	void opensAfterTheThresholdOfConsecutiveConnectionFailures() {
		failTimes(3, BackendErrorType.TIMEOUT);
		assertThat(this.breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
		long calls = this.backend.calls(BackendOperation.GET);
		assertThatExceptionOfType(BackendException.class).isThrownBy(() -> this.protectedBackend.get("k"))
			.satisfies((ex) -> assertThat(ex.getErrorType()).isEqualTo(BackendErrorType.TRANSIENT))
			.withMessageContaining("circuit open");
		assertThat(this.backend.calls(BackendOperation.GET)).as("an open circuit does not call the backend")
			.isEqualTo(calls);
	}

	@Test
	void aSuccessResetsTheCount() {
		failTimes(2, BackendErrorType.TRANSIENT);
		this.protectedBackend.get("k");
		failTimes(2, BackendErrorType.TRANSIENT);
		assertThat(this.breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
	}

	@Test
	void failuresAboutTheRequestDoNotOpenIt() {
		failTimes(5, BackendErrorType.PERMANENT);
		assertThat(this.breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
	}

	@Test
	void afterTheOpenDurationOneTrialCallGoesThroughAndASuccessClosesIt() {
		failTimes(3, BackendErrorType.TIMEOUT);
		this.time.advance(Duration.ofSeconds(5));
		assertThat(this.breaker.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
		assertThat(this.protectedBackend.get("k")).isNull();
		assertThat(this.breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
	}

	@Test
	void aFailedTrialOpensItAgain() {
		failTimes(3, BackendErrorType.TIMEOUT);
		this.time.advance(Duration.ofSeconds(5));
		failTimes(1, BackendErrorType.TIMEOUT);
		assertThat(this.breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
		this.time.advance(Duration.ofSeconds(4));
		assertThat(this.breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
	}

	@Test
	void healthAlwaysReachesTheBackend() {
		failTimes(3, BackendErrorType.TIMEOUT);
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

	private void failTimes(int times, BackendErrorType type) {
		this.backend.failNext(times, type);
		for (int i = 0; i < times; i++) {
			assertThatExceptionOfType(BackendException.class).isThrownBy(() -> this.protectedBackend.get("k"));
		}
	}

}
