package io.cachekit.spring;

import java.util.Collection;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;
import java.util.function.Supplier;

import io.cachekit.tier.CacheHit;
import io.cachekit.tier.CacheIntegrityException;
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
 * serialization. No L2 or codec failure reaches the caller: see {@link TieredCache}. The
 * exception is a {@link CacheIntegrityException} when the cache fails closed: it
 * propagates unwrapped from every method, {@code get} with a loader included, so that
 * Spring's cache interceptor hands it to its {@code CacheErrorHandler}.
 *
 * <p>
 * A cache handed to Spring's cache interceptor by {@link CachekitCacheResolver} knows the
 * return type of the {@code @Cacheable} method it serves: a cached value that does not
 * fit it (another method's value under the same key, or one written before a deploy
 * changed the return type) is a miss, so the method runs and its result replaces the
 * entry, instead of a {@link ClassCastException} in the caller. Such values are counted
 * ({@link #getTypeMismatchCount()}) and the first is logged. {@link #get(Object, Class)}
 * keeps Spring's contract and throws {@link IllegalStateException} for a value of another
 * type. Its {@link #put(Object, Object)} is the store of the value the method returned
 * after its lookup missed ({@link TieredCache#populate(Object, Object)}): when that
 * lookup waited for an L2 that did not answer, the value is kept in L1 only instead of
 * waiting for L2 a second time. The caches of {@code @CachePut} and {@code @CacheEvict},
 * and a cache used directly, always write through to L2. Thread-safe.
 */
public class CachekitCache extends AbstractValueAdaptingCache {

	private final TieredCache cache;

	private final ExpectedType expected;

	private final TypeMismatches mismatches;

	/** Whether this view serves a {@code @Cacheable} operation, whose puts populate. */
	private final boolean populates;

	/**
	 * The views of this cache for {@code @Cacheable} methods, by what their values must
	 * be: made once per method, not per call.
	 */
	private final ConcurrentMap<ExpectedType, CachekitCache> views;

	/** The tag failures of this cache, shared by its views. */
	private final TagFailures tagFailures;

	/** Gives the tags of the value a put stores; {@code null} for a view without tags. */
	private final @Nullable Function<@Nullable Object, Collection<String>> tagger;

	/**
	 * Creates a cache over a tiered cache, allowing null values when it does.
	 * @param cache the tiered cache
	 */
	public CachekitCache(TieredCache cache) {
		this(cache, ExpectedType.ANY, new TypeMismatches(), false, new TagFailures(), null);
	}

	private CachekitCache(TieredCache cache, ExpectedType expected, TypeMismatches mismatches, boolean populates,
			TagFailures tagFailures, @Nullable Function<@Nullable Object, Collection<String>> tagger) {
		super(Objects.requireNonNull(cache, "cache must not be null").configuration().allowNullValues());
		this.cache = cache;
		this.expected = expected;
		this.mismatches = mismatches;
		this.populates = populates;
		this.views = new ConcurrentHashMap<>();
		this.tagFailures = tagFailures;
		this.tagger = tagger;
	}

	/**
	 * Returns this cache as seen by one call of a method with {@link CacheTag}: its puts
	 * store the value with the tags the function gives for it. When the function throws,
	 * the key is left without an entry, and the failure is counted
	 * ({@link #getTagFailureCount()}) and logged once.
	 * @param tags gives the tags of a value stored
	 * @return a view of this cache
	 */
	CachekitCache tagging(Function<@Nullable Object, Collection<String>> tags) {
		return new CachekitCache(this.cache, this.expected, this.mismatches, this.populates, this.tagFailures, tags);
	}

	/**
	 * Returns how many entries were not stored because the {@link CacheTag} expressions
	 * of their method failed.
	 * @return the count since the cache was created
	 */
	public long getTagFailureCount() {
		return this.tagFailures.count();
	}

	/**
	 * Returns this cache as seen by a {@code @Cacheable} method whose cached values must
	 * fit a type: the same entries and counters, lookups that treat other values as
	 * misses, and puts that store the value the method returned after its lookup missed
	 * ({@link TieredCache#populate(Object, Object)}: not written to L2 again when that
	 * lookup timed out there).
	 * @param expected what values must be
	 * @return a view of this cache
	 */
	CachekitCache servingCacheable(ExpectedType expected) {
		if (this.populates) {
			return (expected == this.expected) ? this
					: new CachekitCache(this.cache, expected, this.mismatches, true, this.tagFailures, null);
		}
		CachekitCache view = this.views.get(expected);
		return (view != null) ? view : this.views.computeIfAbsent(expected,
				(type) -> new CachekitCache(this.cache, type, this.mismatches, true, this.tagFailures, null));
	}

	/**
	 * Returns how many cached values did not fit the return type of the method they were
	 * looked up for and were treated as misses.
	 * @return the count since the cache was created
	 */
	public long getTypeMismatchCount() {
		return this.mismatches.count();
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
	public @Nullable ValueWrapper get(Object key) {
		ValueWrapper wrapper = super.get(key);
		return (wrapper != null && !fits(wrapper.get(), false)) ? null : wrapper;
	}

	@Override
	public <T> @Nullable T get(Object key, Callable<T> valueLoader) {
		try {
			T value = this.cache.get(key, valueLoader);
			if (fits(value, true)) {
				return value;
			}
			// Loaded again through the single flight, so that concurrent callers load
			// once.
			this.cache.evict(key);
			value = this.cache.get(key, valueLoader);
			if (fits(value, true)) {
				return value;
			}
			value = valueLoader.call();
			store(key, value);
			return value;
		}
		catch (CacheIntegrityException ex) {
			throw ex;
		}
		catch (Exception ex) {
			throw new ValueRetrievalException(key, valueLoader, ex);
		}
	}

	@Override
	public @Nullable CompletableFuture<?> retrieve(Object key) {
		return unwrapped(this.cache.retrieve(key).thenApply((hit) -> {
			Object stored = toStored(hit);
			if (stored != null && !fits(fromStoreValue(stored), false)) {
				return null;
			}
			return isAllowNullValues() ? toValueWrapper(stored) : stored;
		}));
	}

	@Override
	public <T> CompletableFuture<T> retrieve(Object key, Supplier<CompletableFuture<T>> valueLoader) {
		CompletableFuture<T> found = this.cache.retrieve(key, valueLoader);
		if (this.expected.isAny()) {
			return found;
		}
		return unwrapped(found.thenCompose((value) -> {
			if (fits(value, true)) {
				return CompletableFuture.completedFuture(value);
			}
			this.cache.evict(key);
			return this.cache.retrieve(key, valueLoader).thenCompose((again) -> {
				if (fits(again, true)) {
					return CompletableFuture.completedFuture(again);
				}
				return valueLoader.get().thenApply((loaded) -> {
					store(key, loaded);
					return loaded;
				});
			});
		}));
	}

	/**
	 * A future that fails with what went wrong itself, not wrapped in the
	 * {@link CompletionException} a dependent stage adds: Spring's cache interceptor
	 * hands the future's throwable as it is to its {@code CacheErrorHandler}.
	 */
	private static <T> CompletableFuture<T> unwrapped(CompletableFuture<T> future) {
		CompletableFuture<T> result = new CompletableFuture<>();
		future.whenComplete((value, failure) -> {
			if (failure == null) {
				result.complete(value);
			}
			else {
				result.completeExceptionally((failure instanceof CompletionException && failure.getCause() != null)
						? failure.getCause() : failure);
			}
		});
		return result;
	}

	@Override
	public void put(Object key, @Nullable Object value) {
		Function<@Nullable Object, Collection<String>> tags = this.tagger;
		if (tags != null) {
			Collection<String> evaluated;
			try {
				evaluated = tags.apply(value);
			}
			catch (RuntimeException ex) {
				this.tagFailures.record(getName(), ex);
				// Not stored; the value it would have replaced must not be served.
				this.cache.evict(key);
				return;
			}
			put(key, value, evaluated);
			return;
		}
		if (this.populates) {
			// Spring puts through a @Cacheable operation's cache only after its lookup
			// of the same key missed.
			this.cache.populate(key, fromStoreValue(toStoreValue(value)));
		}
		else {
			this.cache.put(key, fromStoreValue(toStoreValue(value)));
		}
	}

	/**
	 * Stores a value with tags, as {@link TieredCache#put(Object, Object, Collection)}
	 * does: it is evicted with any of them by
	 * {@link CachekitCacheManager#evictTag(String)}. Never throws for a tag: a tag that
	 * is not valid leaves the key without an entry, counted and logged once.
	 * @param key the key
	 * @param value the value
	 * @param tags the entry's tags
	 */
	public void put(Object key, @Nullable Object value, Collection<String> tags) {
		if (this.populates) {
			this.cache.populate(key, fromStoreValue(toStoreValue(value)), tags);
		}
		else {
			this.cache.put(key, fromStoreValue(toStoreValue(value)), tags);
		}
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

	/**
	 * Checks a value against the method this view serves; a value that does not fit is
	 * counted and logged.
	 */
	private boolean fits(@Nullable Object value, boolean loading) {
		if (loading ? this.expected.fitsLoaded(value) : this.expected.fits(value)) {
			return true;
		}
		this.mismatches.record(getName(), this.expected, value);
		return false;
	}

	private void store(Object key, @Nullable Object value) {
		if (value != null || isAllowNullValues()) {
			this.cache.put(key, fromStoreValue(toStoreValue(value)));
		}
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
