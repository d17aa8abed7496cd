package io.cachekit.backend;

/**
 * What kind of failure a {@link BackendException} reports, and so whether trying again
 * can help.
 */
public enum BackendErrorType {

	/**
	 * The store could not be reached or the connection broke; the same call may succeed
	 * later. Retried where the operation is idempotent and the store was reached.
	 */
	TRANSIENT,

	/**
	 * The store refused the request itself (value too large, invalid input, a wrong kind
	 * of value); the same call fails again. Never retried.
	 */
	PERMANENT,

	/**
	 * The store did not answer within the operation timeout. Not retried: the caller has
	 * waited the whole timeout already; the circuit breaker counts it.
	 */
	TIMEOUT,

	/**
	 * The store rejected the client's credentials. Never retried.
	 */
	AUTHENTICATION,

	/**
	 * Any failure the backend could not classify. Never retried.
	 */
	UNKNOWN;

	/**
	 * Tells whether a failure of this type may succeed when tried again.
	 * @return {@code true} for {@link #TRANSIENT} and {@link #TIMEOUT}
	 */
	public boolean isRetryable() {
		return this == TRANSIENT || this == TIMEOUT;
	}

}
