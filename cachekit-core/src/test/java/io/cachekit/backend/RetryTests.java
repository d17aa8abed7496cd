package io.cachekit.backend;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RetryTests {

	private final AtomicInteger attempts = new AtomicInteger();

	@Test
	void transientFailuresAreTriedAgainUntilAnAttemptSucceeds() {
		Retry retry = Retry.upTo(2, (failure) -> false);
		String result = retry.call(() -> {
			if (this.attempts.incrementAndGet() < 3) {
				throw failure(BackendErrorType.TRANSIENT);
			}
			return "ok";
		});
		assertThat(result).isEqualTo("ok");
		assertThat(this.attempts).hasValue(3);
	}

	@Test
	void whenEveryAttemptFailsTheLastFailureIsThrown() {
		Retry retry = Retry.upTo(2, (failure) -> false);
		assertThatExceptionOfType(BackendException.class).isThrownBy(() -> retry.call(() -> {
			throw failure(BackendErrorType.TRANSIENT, "attempt " + this.attempts.incrementAndGet());
		})).withMessageEndingWith("attempt 3");
		assertThat(this.attempts).hasValue(3);
	}

	@Test
	void failuresThatCannotPassAreThrownAtOnce() {
		Retry retry = Retry.upTo(5, (failure) -> false);
		for (BackendErrorType type : new BackendErrorType[] { BackendErrorType.PERMANENT,
				BackendErrorType.AUTHENTICATION, BackendErrorType.UNKNOWN, BackendErrorType.TIMEOUT }) {
			this.attempts.set(0);
			assertThatExceptionOfType(BackendException.class).isThrownBy(() -> retry.call(() -> {
				this.attempts.incrementAndGet();
				throw failure(type);
			})).satisfies((ex) -> assertThat(ex.getErrorType()).isEqualTo(type));
			assertThat(this.attempts).as(type.name()).hasValue(1);
		}
	}

	@Test
	void aTimeoutIsThrownAtOnceSoThatTheCallerWaitsOneTimeoutAtMost() {
		Retry retry = Retry.upTo(2, (failure) -> false);
		assertThatExceptionOfType(BackendException.class).isThrownBy(() -> retry.call(() -> {
			this.attempts.incrementAndGet();
			throw failure(BackendErrorType.TIMEOUT);
		})).satisfies((ex) -> assertThat(ex.getErrorType()).isEqualTo(BackendErrorType.TIMEOUT));
		assertThat(this.attempts).hasValue(1);
	}

	@Test
	void aFailureThatNeverReachedTheStoreIsNotRetried() {
		BackendException unreachable = failure(BackendErrorType.TRANSIENT, "no connection");
		Retry retry = Retry.upTo(5, (failure) -> failure == unreachable);
		assertThatExceptionOfType(BackendException.class).isThrownBy(() -> retry.call(() -> {
			this.attempts.incrementAndGet();
			throw unreachable;
		})).isSameAs(unreachable);
		assertThat(this.attempts).hasValue(1);
	}

	@Test
	void zeroRetriesMakesOneAttempt() {
		Retry retry = Retry.upTo(0, (failure) -> false);
		assertThatExceptionOfType(BackendException.class).isThrownBy(() -> retry.call(() -> {
			this.attempts.incrementAndGet();
			throw failure(BackendErrorType.TRANSIENT);
		}));
		assertThat(this.attempts).hasValue(1);
	}

	@Test
	void otherExceptionsPassThroughUntouched() {
		Retry retry = Retry.upTo(3, (failure) -> false);
		assertThatIllegalArgumentException().isThrownBy(() -> retry.call(() -> {
			this.attempts.incrementAndGet();
			throw new IllegalArgumentException("bad");
		}));
		assertThat(this.attempts).hasValue(1);
	}

	@Test
	void retryAttemptsOutOfRangeAreRefusedNamingTheSetting() {
		assertThatIllegalArgumentException().isThrownBy(() -> Retry.upTo(11, (failure) -> false))
			.withMessage("retry attempts must be between 0 and 10, was 11");
		assertThatIllegalArgumentException().isThrownBy(() -> Retry.upTo(-1, (failure) -> false))
			.withMessage("retry attempts must be between 0 and 10, was -1");
	}

	private static BackendException failure(BackendErrorType type) {
		return failure(type, "failed");
	}

	private static BackendException failure(BackendErrorType type, String message) {
		return new BackendException(type, BackendOperation.GET, "k", message, null);
	}

}
