package io.cachekit.backend;

import java.time.Duration;
import java.util.Locale;
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
	 * Returns a short name of the kind of store, such as {@code memcached}: the
	 * {@code backendType} of its {@link #health()} results, and the name metrics and logs
	 * use for it.
	 * <p>
	 * Cheap and never touches the store, so it can be asked while an application starts.
	 * The default is the class's simple name, lower-cased, less a trailing
	 * {@code Backend} ({@code MapBackend} answers {@code map}), or {@code custom} for a
	 * class without a name. Backends override it with a stable name; a wrapping backend
	 * answers the wrapped backend's.
	 * @return the backend type, never empty
	 */
	default String backendType() {
		String name = getClass().getSimpleName();
		if (name.endsWith("Backend")) {
			name = name.substring(0, name.length() - "Backend".length());
		}
		return name.isEmpty() ? "custom" : name.toLowerCase(Locale.ROOT);
	}

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
