package io.cachekit.backend;

import java.time.Duration;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * The argument, state and setting checks every backend makes, written once so that they
 * fail the same way with the same words.
 *
 * <p>
 * Operation checks throw what the {@link Backend} contract promises: a {@code null} key
 * or value is a {@link NullPointerException} naming the argument; a value over the
 * backend's size limit and a call on a closed backend are a {@link BackendException} of
 * type {@link BackendErrorType#PERMANENT}, before anything is sent. Setting checks, for
 * the configuration builders, throw an {@link IllegalArgumentException} whose message
 * names the setting by its concept ({@code operation timeout}, not a method name), says
 * what is allowed and shows the value given, durations as {@link Durations} writes them.
 *
 * <p>
 * Public because the backends in the sub-packages of {@code io.cachekit.backend} share
 * it; an application's own backend may use it too. Stateless and thread-safe.
 */
public final class Checks {

	private Checks() {
	}

	/**
	 * Checks an operation's key.
	 * @param key the key
	 * @return the key
	 * @throws NullPointerException when {@code null}
	 */
	public static String key(@Nullable String key) {
		return Objects.requireNonNull(key, "key must not be null");
	}

	/**
	 * Checks a value against the backend's size limit before it is sent.
	 * @param operation the operation that would send it
	 * @param key the caller's key
	 * @param value the value
	 * @param limit the largest value in bytes the backend takes
	 * @param limitName the concept of the limit, such as {@code max item size}
	 * @return the value
	 * @throws NullPointerException when the value is {@code null}
	 * @throws BackendException ({@code PERMANENT}) when it is over the limit
	 */
	public static byte[] valueSize(BackendOperation operation, String key, byte @Nullable [] value, int limit,
			String limitName) {
		Objects.requireNonNull(value, "value must not be null");
		if (value.length > limit) {
			throw new BackendException(BackendErrorType.PERMANENT, operation, key, "value of " + value.length
					+ " bytes is over the " + limitName + " of " + limit + " bytes; not stored", null);
		}
		return value;
	}

	/**
	 * Checks that a backend is still open.
	 * @param closed whether the backend was closed
	 * @param operation the operation asked for
	 * @param key the caller's key, or {@code null} when the operation has none
	 * @throws BackendException ({@code PERMANENT}) when it was closed
	 */
	public static void open(boolean closed, BackendOperation operation, @Nullable String key) {
		if (closed) {
			throw new BackendException(BackendErrorType.PERMANENT, operation, key, "the backend is closed", null);
		}
	}

	/**
	 * Checks the numbers of an {@link Increment#increment(String, long, long, Duration)}.
	 * @param delta what to add
	 * @param initialValue the value of a counter that is created
	 * @throws IllegalArgumentException when either is negative
	 */
	public static void incrementArguments(long delta, long initialValue) {
		if (delta < 0) {
			throw new IllegalArgumentException("delta must not be negative, was " + delta);
		}
		if (initialValue < 0) {
			throw new IllegalArgumentException("initialValue must not be negative, was " + initialValue);
		}
	}

	/**
	 * Checks that a whole-number setting lies in a range.
	 * @param setting the setting's concept, such as {@code retry attempts}
	 * @param value the value given
	 * @param min the smallest value allowed
	 * @param max the largest value allowed
	 * @return the value
	 * @throws IllegalArgumentException when out of range
	 */
	public static int between(String setting, int value, int min, int max) {
		if (value < min || value > max) {
			throw new IllegalArgumentException(setting + " must be between " + min + " and " + max + ", was " + value);
		}
		return value;
	}

	/**
	 * Checks that a size setting lies in a range of bytes.
	 * @param setting the setting's concept, such as {@code max item size}
	 * @param bytes the value given
	 * @param min the smallest value allowed
	 * @param max the largest value allowed
	 * @return the value
	 * @throws IllegalArgumentException when out of range
	 */
	public static long bytesBetween(String setting, long bytes, long min, long max) {
		if (bytes < min || bytes > max) {
			throw new IllegalArgumentException(
					setting + " must be between " + min + " and " + max + " bytes, was " + bytes + " bytes");
		}
		return bytes;
	}

	/**
	 * Checks that a duration setting is at least one millisecond.
	 * @param setting the setting's concept, such as {@code operation timeout}
	 * @param value the value given
	 * @return the value
	 * @throws NullPointerException when {@code null}
	 * @throws IllegalArgumentException when shorter than one millisecond
	 */
	public static Duration positive(String setting, @Nullable Duration value) {
		Objects.requireNonNull(value, () -> setting + " must not be null");
		if (value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException(setting + " must be positive, was " + Durations.format(value));
		}
		if (value.toMillis() < 1) {
			throw new IllegalArgumentException(setting + " must be at least 1ms, was " + Durations.format(value));
		}
		return value;
	}

}
