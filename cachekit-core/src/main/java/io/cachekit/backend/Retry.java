package io.cachekit.backend;

import java.util.Objects;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * Runs an idempotent backend operation and tries it again after a failure that may pass.
 *
 * <p>
 * An attempt that throws a {@code TRANSIENT} {@link BackendException} (a dropped
 * connection, a cancelled operation) is made again, up to the configured number of
 * retries; the last failure is thrown when every attempt failed. Any other failure is
 * thrown at once, and so is a failure the backend reports as <em>unreachable</em>: one
 * that shows the store was not reached at all (no connection), so that an immediate retry
 * would fail the same way and only add to the caller's wait.
 *
 * <p>
 * A {@code TIMEOUT} is not retried either: the caller has already waited the whole
 * operation timeout, a server that did not answer then rarely answers at once, and a
 * retry would multiply the wait (three attempts of one second held every caller for three
 * seconds on a paused server). Repeated timeouts are the circuit breaker's to handle.
 * There is no pause between attempts.
 *
 * <p>
 * Only idempotent operations (get, set, delete, exists, bulk get, TTL inspection) may be
 * retried: a retry of an add or an increment whose first attempt timed out after reaching
 * the store would answer wrongly or count twice.
 *
 * <p>
 * Public because the backends in the sub-packages of {@code io.cachekit.backend} share
 * it; an application's own backend may use it too. Immutable and thread-safe.
 */
public final class Retry {

	/** The most retries that may be configured. */
	public static final int MAX_RETRY_ATTEMPTS = 10;

	private final int retryAttempts;

	private final Predicate<? super BackendException> unreachable;

	private Retry(int retryAttempts, Predicate<? super BackendException> unreachable) {
		this.retryAttempts = retryAttempts;
		this.unreachable = unreachable;
	}

	/**
	 * Creates a retry policy.
	 * @param retryAttempts how many times a failed attempt is made again, from 0 to
	 * {@value #MAX_RETRY_ATTEMPTS}
	 * @param unreachable tells a failure that never reached the store, which is not
	 * retried
	 * @return the policy
	 * @throws IllegalArgumentException when {@code retryAttempts} is out of range
	 */
	public static Retry upTo(int retryAttempts, Predicate<? super BackendException> unreachable) {
		Checks.between("retry attempts", retryAttempts, 0, MAX_RETRY_ATTEMPTS);
		return new Retry(retryAttempts, Objects.requireNonNull(unreachable, "unreachable must not be null"));
	}

	/**
	 * Runs an idempotent operation, trying it again as described above.
	 * @param <T> the operation's result type
	 * @param attempt one attempt; it throws {@link BackendException} for a failure of the
	 * store
	 * @return the result of the first attempt that succeeded
	 * @throws BackendException the failure that ended the attempts
	 */
	public <T extends @Nullable Object> T call(Supplier<T> attempt) {
		BackendException failure = null;
		for (int i = 0; i <= this.retryAttempts; i++) {
			try {
				return attempt.get();
			}
			catch (BackendException ex) {
				if (ex.getErrorType() != BackendErrorType.TRANSIENT || this.unreachable.test(ex)) {
					throw ex;
				}
				failure = ex;
			}
		}
		throw Objects.requireNonNull(failure);
	}

	@Override
	public String toString() {
		return "Retry[retryAttempts=" + this.retryAttempts + "]";
	}

}
