package io.cachekit.backend;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A failure of a {@link Backend} operation, classified so that callers can decide whether
 * to retry, open a circuit, or give up.
 *
 * <p>
 * The message names the operation, the error type and the key. Keys are truncated to
 * {@value #MAX_KEY_LENGTH} characters and control characters are escaped, so an exception
 * never carries a large or log-forging key.
 */
public class BackendException extends RuntimeException {

	/** How many characters of a key an exception keeps. */
	public static final int MAX_KEY_LENGTH = 64;

	private static final long serialVersionUID = 1L;

	private final BackendErrorType errorType;

	private final BackendOperation operation;

	private final @Nullable String key;

	private final String reason;

	/**
	 * Creates an exception.
	 * @param errorType the kind of failure
	 * @param operation the operation that failed
	 * @param key the key the operation was for, or {@code null} when it had none
	 * @param message what failed and, where known, what to do about it
	 * @param cause the underlying failure, or {@code null}
	 */
	public BackendException(BackendErrorType errorType, BackendOperation operation, @Nullable String key,
			String message, @Nullable Throwable cause) {
		super(describe(errorType, operation, printable(key), message), cause);
		this.errorType = Objects.requireNonNull(errorType, "errorType must not be null");
		this.operation = Objects.requireNonNull(operation, "operation must not be null");
		this.key = printable(key);
		this.reason = message;
	}

	/**
	 * Returns what kind of failure this is.
	 * @return the error type
	 */
	public BackendErrorType getErrorType() {
		return this.errorType;
	}

	/**
	 * Returns the operation that failed.
	 * @return the operation
	 */
	public BackendOperation getOperation() {
		return this.operation;
	}

	/**
	 * Returns the key the failed operation was for, truncated and with control characters
	 * escaped.
	 * @return the printable key, or {@code null} when the operation had no key
	 */
	public @Nullable String getKey() {
		return this.key;
	}

	/**
	 * Returns what failed without the operation and key, as given to the constructor.
	 * @return the reason
	 */
	String reason() {
		return this.reason;
	}

	private static String describe(BackendErrorType errorType, BackendOperation operation, @Nullable String key,
			String message) {
		StringBuilder text = new StringBuilder().append(operation).append(" failed (").append(errorType).append(')');
		if (key != null) {
			text.append(" for key '").append(key).append('\'');
		}
		return text.append(": ").append(message).toString();
	}

	/**
	 * Shortens a key for messages and escapes characters that would break a log line.
	 * @param key the key, or {@code null}
	 * @return the printable form, or {@code null} for a {@code null} key
	 */
	static @Nullable String printable(@Nullable String key) {
		if (key == null) {
			return null;
		}
		int length = key.length();
		int shown = Math.min(length, MAX_KEY_LENGTH);
		StringBuilder text = new StringBuilder(shown + 16);
		for (int i = 0; i < shown; i++) {
			char c = key.charAt(i);
			if (Character.isISOControl(c)) {
				text.append(String.format("\\u%04x", (int) c));
			}
			else {
				text.append(c);
			}
		}
		if (length > shown) {
			text.append("...(").append(length).append(" chars)");
		}
		return text.toString();
	}

}
