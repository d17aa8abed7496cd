package io.cachekit.tier;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;

import io.cachekit.backend.Backend;
import io.cachekit.backend.BackendErrorType;
import io.cachekit.backend.BackendException;
import io.cachekit.backend.BackendHealth;
import io.cachekit.backend.BackendOperation;
import io.cachekit.backend.Increment;
import io.cachekit.backend.RemainingTtl;
import io.cachekit.backend.TtlInspection;
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

	private final ManualTime time = new ManualTime();

	private final ScriptedBackend backend = new ScriptedBackend();

	private final CircuitBreaker breaker = CircuitBreaker.of(3, Duration.ofSeconds(5), this.time);

	private final Backend protectedBackend = this.breaker.protect(this.backend);

	@Test
	void opensAfterTheThresholdOfConsecutiveConnectionFailures() {
		failTimes(3, BackendErrorType.TIMEOUT);
		assertThat(this.breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
		int calls = this.backend.calls;
		assertThatExceptionOfType(BackendException.class).isThrownBy(() -> this.protectedBackend.get("k"))
			.satisfies((ex) -> assertThat(ex.getErrorType()).isEqualTo(BackendErrorType.TRANSIENT))
			.withMessageContaining("circuit open");
		assertThat(this.backend.calls).as("an open circuit does not call the backend").isEqualTo(calls);
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
		assertThat(this.protectedBackend.health().backendType()).isEqualTo("scripted");
	}

	@Test
	void capabilitiesOfTheBackendArePassedThroughTheBreaker() {
		Backend withTtl = this.breaker.protect(new TtlBackend());
		assertThat(withTtl.capability(TtlInspection.class)).get()
			.satisfies((inspection) -> assertThat(inspection.remainingTtl("k")).isEqualTo(RemainingTtl.noExpiry()));
		assertThat(withTtl.capability(Increment.class)).isEmpty();
		assertThat(this.protectedBackend.capability(TtlInspection.class)).isEmpty();
	}

	@Test
	void anUnexpectedRuntimeExceptionBecomesAnUnknownBackendException() {
		this.backend.failures.add(new IllegalStateException("bug"));
		assertThatExceptionOfType(BackendException.class).isThrownBy(() -> this.protectedBackend.get("k"))
			.satisfies((ex) -> assertThat(ex.getErrorType()).isEqualTo(BackendErrorType.UNKNOWN))
			.withCauseInstanceOf(IllegalStateException.class);
	}

	private void failTimes(int times, BackendErrorType type) {
		for (int i = 0; i < times; i++) {
			this.backend.failures.add(new BackendException(type, BackendOperation.GET, "k", "scripted", null));
			assertThatExceptionOfType(BackendException.class).isThrownBy(() -> this.protectedBackend.get("k"));
		}
	}

	/**
	 * A backend that also inspects TTLs: every key has no expiry.
	 */
	static final class TtlBackend extends ScriptedBackend implements TtlInspection {

		@Override
		public RemainingTtl remainingTtl(String key) {
			return RemainingTtl.noExpiry();
		}

	}

	/**
	 * Answers every read with a miss, or with the next scripted failure.
	 */
	static class ScriptedBackend implements Backend {

		final Deque<RuntimeException> failures = new ArrayDeque<>();

		int calls;

		@Override
		public byte @Nullable [] get(String key) {
			this.calls++;
			RuntimeException failure = this.failures.poll();
			if (failure != null) {
				throw failure;
			}
			return null;
		}

		@Override
		public void set(String key, byte[] value, @Nullable Duration ttl) {
		}

		@Override
		public boolean delete(String key) {
			return false;
		}

		@Override
		public boolean exists(String key) {
			return false;
		}

		@Override
		public BackendHealth health() {
			return BackendHealth.up("scripted", 0, Map.of());
		}

	}

}
