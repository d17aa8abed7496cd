package io.cachekit.backend.memcached;

import java.io.IOException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import javax.security.sasl.SaslException;

import io.cachekit.backend.BackendErrorType;
import io.cachekit.backend.BackendException;
import io.cachekit.backend.BackendOperation;
import net.spy.memcached.OperationTimeoutException;
import net.spy.memcached.ops.OperationErrorType;
import net.spy.memcached.ops.OperationException;
import net.spy.memcached.ops.OperationStatus;
import net.spy.memcached.ops.StatusCode;
import org.jspecify.annotations.Nullable;

/**
 * The one place where spymemcached failures become {@link BackendException}s.
 *
 * <p>
 * Timeouts are {@code TIMEOUT}; connection and I/O failures, cancelled operations (their
 * connection dropped) and a full queue are {@code TRANSIENT}; invalid input and values
 * too large are {@code PERMANENT}; SASL failures are {@code AUTHENTICATION}; anything
 * else is {@code UNKNOWN}.
 */
final class MemcachedErrors {

	private MemcachedErrors() {
	}

	/**
	 * Classifies a failure thrown by spymemcached or by waiting on one of its futures.
	 * @param operation the operation that failed
	 * @param key the caller's key, or {@code null}
	 * @param failure what was thrown
	 * @return the classified exception; {@code failure} itself when it already is one
	 */
	static BackendException classify(BackendOperation operation, @Nullable String key, Throwable failure) {
		Throwable cause = unwrap(failure);
		if (cause instanceof BackendException backendException) {
			return backendException;
		}
		return new BackendException(typeOf(cause), operation, key, messageOf(cause), cause);
	}

	/**
	 * Classifies an operation the server answered with an error status.
	 * @param operation the operation that failed
	 * @param key the caller's key, or {@code null}
	 * @param status the server's answer, or {@code null} when there was none
	 * @return the classified exception
	 */
	static BackendException fromStatus(BackendOperation operation, @Nullable String key,
			@Nullable OperationStatus status) {
		if (status == null) {
			return new BackendException(BackendErrorType.UNKNOWN, operation, key, "memcached gave no status", null);
		}
		String message = "memcached answered " + status.getStatusCode() + ": " + status.getMessage();
		return new BackendException(typeOf(status), operation, key, message, null);
	}

	static BackendErrorType typeOf(OperationStatus status) {
		StatusCode code = status.getStatusCode();
		if (mentionsAuthentication(status.getMessage())) {
			return BackendErrorType.AUTHENTICATION;
		}
		if (code == null) {
			return BackendErrorType.UNKNOWN;
		}
		return switch (code) {
			case ERR_2BIG, ERR_INVAL, ERR_DELTA_BADVAL, ERR_NOT_STORED, ERR_NOT_SUPPORTED, ERR_UNKNOWN_COMMAND ->
				BackendErrorType.PERMANENT;
			case ERR_NO_MEM, ERR_BUSY, ERR_TEMP_FAIL, ERR_NOT_MY_VBUCKET, CANCELLED, INTERRUPTED ->
				BackendErrorType.TRANSIENT;
			case TIMEDOUT -> BackendErrorType.TIMEOUT;
			default -> BackendErrorType.UNKNOWN;
		};
	}

	static BackendErrorType typeOf(Throwable cause) {
		if (cause instanceof TimeoutException || cause instanceof OperationTimeoutException) {
			return BackendErrorType.TIMEOUT;
		}
		if (cause instanceof SaslException) {
			return BackendErrorType.AUTHENTICATION;
		}
		if (cause instanceof OperationException operationException) {
			if (mentionsAuthentication(operationException.getMessage())) {
				return BackendErrorType.AUTHENTICATION;
			}
			String message = String.valueOf(operationException.getMessage()).toLowerCase(Locale.ROOT);
			if (message.contains("too large") || operationException.getType() == OperationErrorType.CLIENT) {
				return BackendErrorType.PERMANENT;
			}
			return (operationException.getType() == OperationErrorType.SERVER) ? BackendErrorType.TRANSIENT
					: BackendErrorType.UNKNOWN;
		}
		// OperationException is an IOException too, so it is classified first.
		if (cause instanceof IOException || cause instanceof UnresolvedAddressException
				|| cause instanceof CancellationException || cause instanceof InterruptedException) {
			return BackendErrorType.TRANSIENT;
		}
		if (cause instanceof IllegalArgumentException) {
			return BackendErrorType.PERMANENT;
		}
		if (cause instanceof IllegalStateException) {
			// spymemcached's operation queue is full: the server is slower than the load.
			return BackendErrorType.TRANSIENT;
		}
		return BackendErrorType.UNKNOWN;
	}

	private static Throwable unwrap(Throwable failure) {
		Throwable cause = failure;
		while ((cause instanceof ExecutionException || isWrappedInterruption(cause)) && cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause;
	}

	private static boolean isWrappedInterruption(Throwable failure) {
		return failure.getClass() == RuntimeException.class && failure.getCause() instanceof InterruptedException;
	}

	private static boolean mentionsAuthentication(@Nullable String message) {
		if (message == null) {
			return false;
		}
		String lower = message.toLowerCase(Locale.ROOT);
		return lower.contains("auth")
				&& (lower.contains("fail") || lower.contains("error") || lower.contains("denied"));
	}

	private static String messageOf(Throwable cause) {
		if (cause instanceof CancellationException) {
			return "the operation was cancelled because its connection to the server dropped; check that the "
					+ "servers run and are reachable";
		}
		String message = cause.getMessage();
		if (message != null && !message.isBlank()) {
			return message;
		}
		if (cause instanceof TimeoutException || cause instanceof OperationTimeoutException) {
			return "no answer within the operation timeout";
		}
		if (cause instanceof InterruptedException) {
			return "interrupted while waiting for the answer";
		}
		return "failed with " + cause.getClass().getSimpleName();
	}

}
