package io.cachekit.spring;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import io.cachekit.tier.CacheHit;
import io.cachekit.tier.TieredCache;
import org.jspecify.annotations.Nullable;

import org.springframework.cache.support.AbstractValueAdaptingCache;
import org.springframework.cache.support.NullValue;

/**
 * A Spring {@link org.springframework.cache.Cache} backed by a {@link TieredCache}.
 *
 * <p>
 * Implements the whole contract of Spring Framework 7: {@code get} (plain, typed and with
 * a loader, single-flight per key), {@code put}, {@code putIfAbsent} (atomic where the
 * backend can add), {@code evict}, {@code evictIfPresent}, {@code clear},
 * {@code invalidate}, and {@code retrieve} for {@code CompletableFuture} and reactive
 * {@code @Cacheable} methods. A loader's exception is wrapped in
 * {@link org.springframework.cache.Cache.ValueRetrievalException}.
 *
 * <p>
 * Spring's null value is stored as the codec's explicit null marker, never through Java
 * serialization. No L2 or codec failure reaches the caller: see {@link TieredCache}.
 * Thread-safe.
 */
public class CachekitCache extends AbstractValueAdaptingCache {

	private final TieredCache cache;

	/**
	 * Creates a cache over a tiered cache, allowing null values when it does.
	 * @param cache the tiered cache
	 */
	public CachekitCache(TieredCache cache) {
		super(Objects.requireNonNull(cache, "cache must not be null").configuration().allowNullValues());
		this.cache = cache;
	}

	@Override
	public String getName() {
		return this.cache.name();
	}

	/**
	 * Returns the underlying tiered cache.
	 * @return the {@link TieredCache}
	 */
	@Override
	public TieredCache getNativeCache() {
		return this.cache;
	}

	@Override
	protected @Nullable Object lookup(Object key) {
		return toStored(this.cache.get(key));
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> @Nullable T get(Object key, Callable<T> valueLoader) {
		try {
			return this.cache.get(key, valueLoader);
		}
		catch (Exception ex) {
			throw new ValueRetrievalException(key, valueLoader, ex);
		}
	}

	@Override
	public @Nullable CompletableFuture<?> retrieve(Object key) {
		return this.cache.retrieve(key).thenApply((hit) -> {
			Object stored = toStored(hit);
			return isAllowNullValues() ? toValueWrapper(stored) : stored;
		});
	}

	@Override
	public <T> CompletableFuture<T> retrieve(Object key, Supplier<CompletableFuture<T>> valueLoader) {
		return this.cache.retrieve(key, valueLoader);
	}

	@Override
	public void put(Object key, @Nullable Object value) {
		this.cache.put(key, fromStoreValue(toStoreValue(value)));
	}

	@Override
	public @Nullable ValueWrapper putIfAbsent(Object key, @Nullable Object value) {
		return toValueWrapper(toStored(this.cache.putIfAbsent(key, fromStoreValue(toStoreValue(value)))));
	}

	@Override
	public void evict(Object key) {
		this.cache.evict(key);
	}

	@Override
	public boolean evictIfPresent(Object key) {
		return this.cache.evict(key);
	}

	@Override
	public void clear() {
		this.cache.clear();
	}

	/**
	 * Clears the cache; every entry is invisible to subsequent lookups in this process at
	 * once, and in other processes within the generation refresh interval.
	 * @return {@code true} when L1 held entries before; whether L2 did is not known
	 */
	@Override
	public boolean invalidate() {
		boolean hadEntries = this.cache.l1Size() > 0;
		this.cache.clear();
		return hadEntries;
	}

	private @Nullable Object toStored(@Nullable CacheHit hit) {
		if (hit == null) {
			return null;
		}
		Object value = hit.value();
		if (value == null) {
			// A null cached by a process that allows them is a miss where they are not.
			return isAllowNullValues() ? NullValue.INSTANCE : null;
		}
		return value;
	}

}
