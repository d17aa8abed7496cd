package io.cachekit.backend;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * A backend that passes every operation to another through one method,
 * {@link #call(BackendOperation, String, Supplier)}, which subclasses override to
 * measure, guard or log the calls.
 *
 * <p>
 * Offers the wrapped backend's capabilities ({@link AddIfAbsent}, {@link BulkGet},
 * {@link Increment}, {@link TtlInspection}, and
 * {@link Broadcast#publish(String, byte[])}) through the same method;
 * {@link Broadcast#subscribe(String, Broadcast.Listener)} and any other capability are
 * passed through as the wrapped backend answers them. {@link #health()} and
 * {@link #backendType()} go straight to the wrapped backend. Thread-safe when the wrapped
 * backend and the subclass's {@code call} are.
 */
public abstract class ForwardingBackend implements Backend, AddIfAbsent, BulkGet, Broadcast, Increment, TtlInspection {

	private final Backend delegate;

	/**
	 * Wraps a backend.
	 * @param delegate the backend every operation goes to
	 */
	protected ForwardingBackend(Backend delegate) {
		this.delegate = Objects.requireNonNull(delegate, "delegate must not be null");
	}

	/**
	 * Returns the wrapped backend.
	 * @return the backend every operation goes to
	 */
	public final Backend getDelegate() {
		return this.delegate;
	}

	/**
	 * Runs one operation of the wrapped backend.
	 * @param <T> the operation's result type
	 * @param operation which operation it is
	 * @param key the caller's key, or {@code null} for a bulk operation
	 * @param call the operation on the wrapped backend
	 * @return the operation's result
	 * @throws BackendException when the operation fails
	 */
	protected abstract <T extends @Nullable Object> T call(BackendOperation operation, @Nullable String key,
			Supplier<T> call);

	@Override
	public byte @Nullable [] get(String key) {
		return call(BackendOperation.GET, key, () -> this.delegate.get(key));
	}

	@Override
	public void set(String key, byte[] value, @Nullable Duration ttl) {
		call(BackendOperation.SET, key, () -> {
			this.delegate.set(key, value, ttl);
			return null;
		});
	}

	@Override
	public boolean delete(String key) {
		return call(BackendOperation.DELETE, key, () -> this.delegate.delete(key));
	}

	@Override
	public boolean exists(String key) {
		return call(BackendOperation.EXISTS, key, () -> this.delegate.exists(key));
	}

	@Override
	public BackendHealth health() {
		return this.delegate.health();
	}

	@Override
	public String backendType() {
		return this.delegate.backendType();
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * The capabilities this class implements go through {@code call}; any other the
	 * wrapped backend offers is passed through as it is.
	 */
	@Override
	public <C> Optional<C> capability(Class<C> type) {
		Optional<C> offered = this.delegate.capability(type);
		return (offered.isPresent() && type.isInstance(this)) ? Optional.of(type.cast(this)) : offered;
	}

	/**
	 * {@inheritDoc}
	 * @throws UnsupportedOperationException when the wrapped backend does not offer
	 * {@link AddIfAbsent}
	 */
	@Override
	public boolean addIfAbsent(String key, byte[] value, @Nullable Duration ttl) {
		AddIfAbsent add = required(AddIfAbsent.class);
		return call(BackendOperation.ADD_IF_ABSENT, key, () -> add.addIfAbsent(key, value, ttl));
	}

	/**
	 * {@inheritDoc}
	 * @throws UnsupportedOperationException when the wrapped backend does not offer
	 * {@link BulkGet}
	 */
	@Override
	public Map<String, byte[]> getAll(Collection<String> keys) {
		BulkGet bulk = required(BulkGet.class);
		return call(BackendOperation.GET_ALL, null, () -> bulk.getAll(keys));
	}

	/**
	 * {@inheritDoc}
	 * @throws UnsupportedOperationException when the wrapped backend does not offer
	 * {@link Increment}
	 */
	@Override
	public long increment(String key, long delta, long initialValue, @Nullable Duration ttl) {
		Increment increment = required(Increment.class);
		return call(BackendOperation.INCREMENT, key, () -> increment.increment(key, delta, initialValue, ttl));
	}

	/**
	 * {@inheritDoc}
	 * @throws UnsupportedOperationException when the wrapped backend does not offer
	 * {@link TtlInspection}
	 */
	@Override
	public RemainingTtl remainingTtl(String key) {
		TtlInspection inspection = required(TtlInspection.class);
		return call(BackendOperation.TTL, key, () -> inspection.remainingTtl(key));
	}

	/**
	 * {@inheritDoc}
	 * @throws UnsupportedOperationException when the wrapped backend does not offer
	 * {@link Broadcast}
	 */
	@Override
	public void publish(String channel, byte[] message) {
		Broadcast broadcast = required(Broadcast.class);
		call(BackendOperation.PUBLISH, channel, () -> {
			broadcast.publish(channel, message);
			return null;
		});
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * Passed straight to the wrapped backend: a subscription is not a call.
	 * @throws UnsupportedOperationException when the wrapped backend does not offer
	 * {@link Broadcast}
	 */
	@Override
	public Subscription subscribe(String channel, Listener listener) {
		return required(Broadcast.class).subscribe(channel, listener);
	}

	@Override
	public String toString() {
		return this.delegate.toString();
	}

	private <C> C required(Class<C> type) {
		return this.delegate.capability(type)
			.orElseThrow(
					() -> new UnsupportedOperationException(this.delegate + " does not offer " + type.getSimpleName()));
	}

}
