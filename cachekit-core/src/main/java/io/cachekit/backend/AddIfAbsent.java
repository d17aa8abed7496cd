package io.cachekit.backend;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Capability of a {@link Backend} that can store a value only when the key holds none,
 * atomically with respect to every other client of the store.
 *
 * @see Backend#capability(Class)
 */
public interface AddIfAbsent {

	/**
	 * Stores {@code value} under {@code key} unless the key already holds a live entry.
	 * <p>
	 * The check and the write are one atomic step in the store. This operation is not
	 * retried on a timeout: a first attempt that did write would make a retry report
	 * {@code false}.
	 * @param key the key
	 * @param value the bytes to store
	 * @param ttl how long the entry lives; {@code null}, zero or negative means no expiry
	 * @return {@code true} when the value was stored, {@code false} when the key was
	 * taken
	 * @throws BackendException when the store cannot answer or refuses the value
	 */
	boolean addIfAbsent(String key, byte[] value, @Nullable Duration ttl);

}
