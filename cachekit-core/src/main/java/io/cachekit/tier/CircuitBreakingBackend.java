package io.cachekit.tier;

import java.util.function.Supplier;

import io.cachekit.backend.Backend;
import io.cachekit.backend.BackendErrorType;
import io.cachekit.backend.BackendException;
import io.cachekit.backend.BackendOperation;
import io.cachekit.backend.Connectivity;
import io.cachekit.backend.ForwardingBackend;
import org.jspecify.annotations.Nullable;

/**
 * A backend called through a {@link CircuitBreaker}: the one place where calls ask the
 * breaker for permission and report their outcome, with the time they took. While the
 * circuit is open, calls fail at once with a {@code TRANSIENT} {@link BackendException};
 * {@link #health()} always goes through. A backend that offers {@link Connectivity} gets
 * no trial call while it is not connected, so a trial is never wasted on a client that is
 * still reconnecting. Any other runtime exception of the backend (a custom backend's bug)
 * becomes an {@code UNKNOWN} {@link BackendException}, so that nothing but those reaches
 * the tiered cache.
 */
final class CircuitBreakingBackend extends ForwardingBackend {

	private final CircuitBreaker breaker;

	private final @Nullable Connectivity connectivity;

	CircuitBreakingBackend(Backend delegate, CircuitBreaker breaker) {
		super(delegate);
		this.breaker = breaker;
		this.connectivity = delegate.capability(Connectivity.class).orElse(null);
	}

	@Override
	protected <T extends @Nullable Object> T call(BackendOperation operation, @Nullable String key, Supplier<T> call) {
		if (this.breaker.justTimedOut()) {
			throw new SkippedCall(operation, key, "the previous call of this thread to " + getDelegate()
					+ " timed out and no call was answered since; L2 is skipped for now");
		}
		if (this.connectivity != null && this.breaker.state() != CircuitBreaker.State.CLOSED
				&& !this.connectivity.isConnected()) {
			// A trial now would fail at once and hold the breaker open for another open
			// time; the first call after the reconnection is the trial instead.
			throw new SkippedCall(operation, key,
					"circuit open and " + getDelegate() + " is not connected yet; L2 is skipped for now");
		}
		long token = this.breaker.tryAcquire();
		if (token < 0) {
			throw new SkippedCall(operation, key,
					"circuit open after repeated failures of " + getDelegate() + "; L2 is skipped for now");
		}
		long start = this.breaker.now();
		T result;
		try {
			result = call.get();
		}
		catch (BackendException ex) {
			this.breaker.failed(token, start, ex.getErrorType(), ex);
			throw ex;
		}
		catch (RuntimeException ex) {
			this.breaker.ignored(token);
			throw new BackendException(BackendErrorType.UNKNOWN, operation, key, getDelegate() + " failed with " + ex,
					ex);
		}
		catch (Error ex) {
			// Give the permission back, so that a trial call that died this way cannot
			// leave the breaker half-open for good.
			this.breaker.ignored(token);
			throw ex;
		}
		this.breaker.answered(token, start);
		return result;
	}

	/**
	 * Tells, without effect on the breaker, whether a call now would be refused before
	 * reaching the backend, as {@link #call} would refuse it: this thread's last call
	 * timed out moments ago, the breaker is not closed and the backend is not connected,
	 * or the breaker is open and its open time has not passed. A writer asks first and
	 * spares itself encoding a value that could not be written.
	 * @return {@code true} when a call now would fail at once
	 */
	boolean refusesNow() {
		return this.breaker.justTimedOut() || this.breaker.refusesNow() || (this.connectivity != null
				&& this.breaker.state() != CircuitBreaker.State.CLOSED && !this.connectivity.isConnected());
	}

	/**
	 * A call refused before it reached the backend. It carries no stack trace: it is
	 * thrown for every call while the breaker is open, where the message says all, and
	 * filling a stack trace would be most of the cost of a refused call.
	 */
	static final class SkippedCall extends BackendException {

		private static final long serialVersionUID = 1L;

		SkippedCall(BackendOperation operation, @Nullable String key, String message) {
			super(BackendErrorType.TRANSIENT, operation, key, message, null);
		}

		@Override
		public synchronized Throwable fillInStackTrace() {
			return this;
		}

	}

}
