package io.cachekit.backend;

import java.time.Duration;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * A byte-level key-value store used as cachekit's shared second tier.
 *
 * <p>
 * Implementations are thread-safe and synchronous: each method returns once the store has
 * answered, or throws. Keys are any non-null strings; an implementation that cannot store
 * a key as given (too long, unsafe characters) maps it to one it can, without letting two
 * distinct keys meet. Values are opaque bytes, stored and returned unchanged.
 *
 * <p>
 * Every failure to reach or use the store is a {@link BackendException} whose
 * {@link BackendErrorType} tells the caller whether trying again can help. Methods never
 * throw for a key that is simply absent.
 *
 * <p>
 * Optional operations are separate interfaces ({@link AddIfAbsent}, {@link BulkGet},
 * {@link Increment}, {@link TtlInspection}); callers ask for them with
 * {@link #capability(Class)} rather than casting, so that wrappers can pass them through.
 *
 * <p>
 * A backend that holds resources (connections, threads) also implements
 * {@link AutoCloseable}; its owner closes it.
 */
public interface Backend {

	/**
	 * Returns the value stored under {@code key}.
	 * @param key the key
	 * @return the stored bytes, or {@code null} when there is no live entry for the key
	 * @throws BackendException when the store cannot answer
	 */
	byte @Nullable [] get(String key);

	/**
	 * Stores {@code value} under {@code key}, replacing any existing entry.
	 * @param key the key
	 * @param value the bytes to store, possibly empty
	 * @param ttl how long the entry lives; {@code null}, zero or negative means no expiry
	 * @throws BackendException when the value was not stored; a value over the store's
	 * size limit fails with {@link BackendErrorType#PERMANENT} before anything is sent
	 */
	void set(String key, byte[] value, @Nullable Duration ttl);

	/**
	 * Removes the entry under {@code key}.
	 * @param key the key
	 * @return {@code true} when an entry was removed, {@code false} when there was none
	 * @throws BackendException when the store cannot answer
	 */
	boolean delete(String key);

	/**
	 * Tells whether a live entry exists under {@code key}.
	 * @param key the key
	 * @return {@code true} when the key holds a live entry
	 * @throws BackendException when the store cannot answer
	 */
	boolean exists(String key);

	/**
	 * Checks the store with a real round trip. Never throws: an unreachable or failing
	 * store is reported as an unhealthy result carrying the error, within the backend's
	 * operation timeout.
	 * @return the health of the store
	 */
	BackendHealth health();

	/**
	 * Returns this backend's implementation of an optional capability.
	 * <p>
	 * The default answers with this backend itself when it implements {@code type}. A
	 * wrapping backend overrides it to expose the capabilities of the backend it wraps.
	 * @param <C> the capability type
	 * @param type a capability interface such as {@link AddIfAbsent}
	 * @return the capability, or empty when this backend does not offer it
	 */
	default <C> Optional<C> capability(Class<C> type) {
		return type.isInstance(this) ? Optional.of(type.cast(this)) : Optional.empty();
	}

}
