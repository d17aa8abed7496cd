package io.cachekit.backend;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Capability of a {@link Backend} that keeps atomic counters.
 *
 * <p>
 * A counter is stored as the decimal digits of its value, so {@link Backend#get} reads it
 * as those ASCII bytes.
 *
 * @see Backend#capability(Class)
 */
public interface Increment {

	/**
	 * Adds {@code delta} to the counter under {@code key}, creating it with
	 * {@code initialValue} when it does not exist.
	 * <p>
	 * Atomic in the store. Not retried on a timeout, since a first attempt that reached
	 * the store would otherwise be counted twice.
	 * @param key the counter's key
	 * @param delta the amount to add, zero or more
	 * @param initialValue the value a missing counter is created with (the delta is not
	 * added to it), zero or more
	 * @param ttl how long a newly created counter lives; {@code null}, zero or negative
	 * means no expiry. An existing counter keeps its expiry.
	 * @return the counter's value after the operation
	 * @throws BackendException when the store cannot answer, or the key holds a value
	 * that is not a counter ({@link BackendErrorType#PERMANENT})
	 * @throws IllegalArgumentException when {@code delta} or {@code initialValue} is
	 * negative
	 */
	long increment(String key, long delta, long initialValue, @Nullable Duration ttl);

}
