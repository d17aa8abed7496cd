package io.cachekit.tier;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import io.cachekit.backend.AddIfAbsent;
import io.cachekit.backend.Backend;
import io.cachekit.backend.BackendErrorType;
import io.cachekit.backend.BackendException;
import io.cachekit.backend.BackendHealth;
import io.cachekit.backend.BackendOperation;
import io.cachekit.backend.BulkGet;
import io.cachekit.backend.Increment;
import io.cachekit.backend.RemainingTtl;
import io.cachekit.backend.TtlInspection;
import org.jspecify.annotations.Nullable;

/**
 * A backend called through a {@link CircuitBreaker}. While the circuit is open, calls fail
 * at once with a {@code TRANSIENT} {@link BackendException}; {@link #health()} always goes
 * through. Any other runtime exception of the backend (a custom backend's bug) becomes an
 * {@code UNKNOWN} {@link BackendException}, so that nothing but those reaches the tiered
 * cache.
 */
final class CircuitBreakingBackend implements Backend, AddIfAbsent, BulkGet, Increment, TtlInspection {

	private final Backend delegate;

	private final CircuitBreaker breaker;

	CircuitBreakingBackend(Backend delegate, CircuitBreaker breaker) {
		this.delegate = delegate;
		this.breaker = breaker;
	}

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

	/**
	 * {@inheritDoc}
	 * <p>The capabilities this class knows go through the breaker; any other the
	 * backend offers is passed through as it is.
	 */
	@Override
	public <C> Optional<C> capability(Class<C> type) {
		Optional<C> offered = this.delegate.capability(type);
		return (offered.isPresent() && type.isInstance(this)) ? Optional.of(type.cast(this)) : offered;
	}

	@Override
	public RemainingTtl remainingTtl(String key) {
		TtlInspection inspection = required(TtlInspection.class);
		return call(BackendOperation.TTL, key, () -> inspection.remainingTtl(key));
	}

	@Override
	public boolean addIfAbsent(String key, byte[] value, @Nullable Duration ttl) {
		AddIfAbsent add = required(AddIfAbsent.class);
		return call(BackendOperation.ADD_IF_ABSENT, key, () -> add.addIfAbsent(key, value, ttl));
	}

	@Override
	public Map<String, byte[]> getAll(Collection<String> keys) {
		BulkGet bulk = required(BulkGet.class);
		return call(BackendOperation.GET_ALL, null, () -> bulk.getAll(keys));
	}

	@Override
	public long increment(String key, long delta, long initialValue, @Nullable Duration ttl) {
		Increment increment = required(Increment.class);
		return call(BackendOperation.INCREMENT, key, () -> increment.increment(key, delta, initialValue, ttl));
	}

	@Override
	public String toString() {
		return this.delegate.toString();
	}

	private <C> C required(Class<C> type) {
		return this.delegate.capability(type)
			.orElseThrow(() -> new UnsupportedOperationException(this.delegate + " does not offer " + type.getSimpleName()));
	}

	private <T extends @Nullable Object> T call(BackendOperation operation, @Nullable String key, Supplier<T> call) {
		if (!this.breaker.allow()) {
			throw new BackendException(BackendErrorType.TRANSIENT, operation, key,
					"circuit open after repeated failures of " + this.delegate + "; L2 is skipped for now", null);
		}
		try {
			T result = call.get();
			this.breaker.succeeded();
			return result;
		}
		catch (BackendException ex) {
			this.breaker.failed(ex.getErrorType());
			throw ex;
		}
		catch (RuntimeException ex) {
			this.breaker.failed(BackendErrorType.UNKNOWN);
			throw new BackendException(BackendErrorType.UNKNOWN, operation, key,
					this.delegate + " failed with " + ex, ex);
		}
		catch (Error ex) {
			// Report it, so that a trial call that died this way cannot leave the breaker
			// half-open for good.
			this.breaker.failed(BackendErrorType.UNKNOWN);
			throw ex;
		}
	}

}
