package io.cachekit.tier;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Supplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import io.cachekit.backend.AddIfAbsent;
import io.cachekit.backend.Backend;
import io.cachekit.backend.BackendErrorType;
import io.cachekit.backend.BackendException;
import io.cachekit.codec.CachedValue;
import io.cachekit.codec.CodecException;
import io.cachekit.codec.ValueCodec;
import org.jspecify.annotations.Nullable;

/**
 * A named cache with an in-process L1 in front of a shared L2 backend.
 *
 * <p>
 * <b>Read:</b> an L1 hit is returned. On an L1 miss the L2 entry is read and decoded, L1
 * is filled with it for the rest of its L2 lifetime (never longer than the L1 TTL), and
 * it is returned. An L2 miss, an unreadable entry or an L2 failure is a miss.
 * <p>
 * <b>Write:</b> the value is encoded once, written to L2, then to L1.
 * <p>
 * <b>Clear:</b> L2 entries are not scanned or flushed: the cache moves to a new
 * generation (a counter in the backend that is part of every L2 key), which other
 * processes see within the generation refresh interval; their L1 entries of the old
 * generation stop being served then too.
 *
 * <p>
 * Without a backend the cache is L1 only. Values are always encoded, so L1 is bounded by
 * encoded bytes and a value that cannot be encoded is never cached.
 *
 * <p>
 * <b>Failures never reach the caller.</b> A backend failure, an unreadable or foreign L2
 * entry (it is also deleted), a value that cannot be encoded, a value over the backend's
 * size limit, or a key whose {@code toString()} fails: each is a miss or "not cached",
 * counted in {@link #statistics(Tier)} and logged once per kind until it recovers. Only a
 * loader's own exception propagates, from {@link #get(Object, Callable)} and
 * {@link #retrieve(Object, Supplier)}.
 *
 * <p>
 * <b>Consistency within a process:</b> a value this process replaced, evicted or cleared
 * is not served again by this process, even across an L2 outage: an L2 read that a write
 * overtook does not fill L1, a clear or evict that could not reach L2 is finished before
 * L2 serves that key (or anything, for a clear) again, and a write that could not reach
 * L2 keeps the older L2 entry from coming back. Other processes see a clear within the
 * generation refresh interval and other changes within the L1 TTL.
 *
 * <p>
 * Keys are compared by their {@code toString()}. Thread-safe. A loader that needs, on the
 * same thread, the key it is loading gets an {@link IllegalStateException}; loads that
 * wait on each other across keys or threads are the caller's to avoid, as with any
 * single-flight cache.
 */
public final class TieredCache {

	/**
	 * How many keys whose L2 delete failed are tracked before a clear is used instead.
	 */
	static final int MAX_PENDING_EVICTIONS = 10_000;

	private static final int STAMP_STRIPES = 1024;

	private final String name;

	private final @Nullable Backend configuredBackend;

	/** The configured backend behind the circuit breaker: what every L2 call goes to. */
	private final @Nullable Backend backend;

	private final CircuitBreaker circuitBreaker;

	private final ValueCodec codec;

	private final @Nullable Duration ttl;

	private final boolean allowNullValues;

	private final Duration l1Ttl;

	private final @Nullable Cache<String, L1Entry> l1;

	private final CacheKeys keys;

	private final @Nullable Generation generation;

	private final Clock clock;

	private final Ticker ticker;

	private final Executor executor;

	private final TierCounters l1Counters = new TierCounters();

	private final TierCounters l2Counters = new TierCounters();

	private final ProblemLog problems;

	private final ConcurrentMap<String, Load> loading = new ConcurrentHashMap<>();

	/**
	 * Keys whose L2 entry is older than what this process last did to them (an evict or a
	 * write that did not reach L2), with the change stamp of that change: never served
	 * from L2 until the entry is deleted.
	 */
	private final ConcurrentMap<String, Long> pendingEvictions = new ConcurrentHashMap<>();

	/**
	 * Change stamps, striped by key: every put, putIfAbsent and evict moves its key's
	 * stripe on before it touches a tier, and an L2 read fills L1 only if its stripe did
	 * not move meanwhile, so a slow read never puts back a value a later write replaced.
	 */
	private final AtomicLongArray stamps = new AtomicLongArray(STAMP_STRIPES);

	private final long generationRefreshNanos;

	private volatile long lastBumpAttemptNanos;

	/** A clear whose generation bump failed: L2 is skipped until the bump succeeds. */
	private volatile boolean clearPending;

	private TieredCache(Builder builder) {
		this.name = builder.name;
		this.configuredBackend = builder.backend;
		this.circuitBreaker = (builder.circuitBreaker != null) ? builder.circuitBreaker : CircuitBreaker
			.of(CircuitBreaker.DEFAULT_FAILURE_THRESHOLD, CircuitBreaker.DEFAULT_OPEN_DURATION, builder.ticker);
		this.backend = (builder.backend != null) ? this.circuitBreaker.protect(builder.backend) : null;
		this.codec = Objects.requireNonNull(builder.codec, "codec must be set");
		this.ttl = builder.ttl;
		this.allowNullValues = builder.allowNullValues;
		this.l1Ttl = builder.l1Ttl;
		this.clock = builder.clock;
		this.ticker = builder.ticker;
		this.executor = builder.executor;
		this.keys = new CacheKeys(builder.name);
		this.problems = new ProblemLog(builder.name);
		this.l1 = builder.l1Enabled ? createL1(builder.l1MaxWeight) : null;
		this.generationRefreshNanos = builder.generationRefresh.toNanos();
		this.lastBumpAttemptNanos = this.ticker.read() - this.generationRefreshNanos;
		this.generation = (this.backend != null) ? new Generation(this.backend, this.keys.generationKey(),
				builder.generationRefresh.toNanos(), this.ticker, this.clock) : null;
	}

	/**
	 * Starts building a cache.
	 * @param name the cache's name, part of every L2 key
	 * @return a builder
	 */
	public static Builder builder(String name) {
		return new Builder(name);
	}

	/**
	 * Returns the cache's name.
	 * @return the name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * Returns the L2 backend.
	 * @return the backend, or empty when the cache is L1 only
	 */
	public Optional<Backend> backend() {
		return Optional.ofNullable(this.configuredBackend);
	}

	/**
	 * Returns the circuit breaker in front of L2.
	 * @return the breaker; without a backend it is never used
	 */
	public CircuitBreaker circuitBreaker() {
		return this.circuitBreaker;
	}

	/**
	 * Returns how long L2 entries live.
	 * @return the TTL, or empty for no expiry
	 */
	public Optional<Duration> ttl() {
		return Optional.ofNullable(this.ttl);
	}

	/**
	 * Tells whether {@code null} values are cached.
	 * @return {@code true} when nulls are cached
	 */
	public boolean isAllowNullValues() {
		return this.allowNullValues;
	}

	/**
	 * Tells whether this cache has an L1.
	 * @return {@code true} when L1 is enabled
	 */
	public boolean isL1Enabled() {
		return this.l1 != null;
	}

	/**
	 * Returns the counts of one tier.
	 * @param tier the tier
	 * @return its statistics, live
	 */
	public TierStatistics statistics(Tier tier) {
		return (tier == Tier.L1) ? this.l1Counters : this.l2Counters;
	}

	/**
	 * Returns the number of entries in L1, approximately.
	 * @return the entry count, zero without L1
	 */
	public long l1Size() {
		return (this.l1 != null) ? this.l1.estimatedSize() : 0;
	}

	/**
	 * Returns the encoded bytes held in L1.
	 * @return the weighted size, zero without L1
	 */
	public long l1Weight() {
		if (this.l1 == null) {
			return 0;
		}
		return this.l1.policy().eviction().map((eviction) -> eviction.weightedSize().orElse(0L)).orElse(0L);
	}

	/**
	 * Looks a key up in L1, then L2.
	 * @param key the key
	 * @return the hit, or {@code null} for a miss
	 */
	public @Nullable CacheHit get(Object key) {
		String keyString = keyStringOrNull(key);
		if (keyString == null) {
			return null;
		}
		return lookup(keyString);
	}

	/**
	 * Returns the cached value, or loads, caches and returns it.
	 * <p>
	 * Loads are single-flight per key within this process: concurrent callers for the
	 * same key wait for one load. Loads of different keys run in parallel. A failed load
	 * caches nothing and every waiting caller gets its exception.
	 * @param <T> the value type
	 * @param key the key
	 * @param loader computes the value on a miss
	 * @return the cached or loaded value, possibly {@code null}
	 * @throws Exception what the loader threw
	 */
	@SuppressWarnings("unchecked")
	public <T> @Nullable T get(Object key, Callable<? extends @Nullable T> loader) throws Exception {
		Objects.requireNonNull(loader, "loader must not be null");
		String keyString = keyStringOrNull(key);
		if (keyString == null) {
			return loader.call();
		}
		CacheHit hit = lookup(keyString);
		if (hit != null) {
			return (T) hit.value();
		}
		Load mine = new Load(new CompletableFuture<>(), Thread.currentThread());
		Load running = this.loading.putIfAbsent(keyString, mine);
		if (running != null) {
			if (running.owner() == Thread.currentThread()) {
				throw new IllegalStateException("recursive load of key '" + keyString + "' in cache '" + this.name
						+ "': the loader asked the cache for the key it is loading");
			}
			try {
				return (T) running.future().get();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw ex;
			}
			catch (ExecutionException ex) {
				throw rethrowable(ex.getCause());
			}
		}
		try {
			// A load that finished between the lookup above and taking the key left its
			// value in L1; looking there again costs nothing and is not counted.
			CacheHit loaded = peekL1(keyString);
			T value = (loaded != null) ? (T) loaded.value() : loader.call();
			if (loaded == null) {
				store(keyString, value);
			}
			mine.future().complete(value);
			return value;
		}
		catch (Throwable ex) {
			mine.future().completeExceptionally(ex);
			throw ex;
		}
		finally {
			this.loading.remove(keyString, mine);
		}
	}

	/**
	 * Looks a key up without blocking the caller: an L1 hit completes at once, an L2 read
	 * runs on the cache's executor.
	 * @param key the key
	 * @return a future of the hit, or of {@code null} for a miss
	 */
	public CompletableFuture<@Nullable CacheHit> retrieve(Object key) {
		String keyString = keyStringOrNull(key);
		if (keyString == null) {
			return CompletableFuture.completedFuture(null);
		}
		if (this.generation != null && this.generation.isDue()) {
			// Reading the generation is an L2 round trip: never on the caller's thread.
			runQuietly(this::currentGeneration);
		}
		CacheHit hit = lookupL1(keyString, cachedGeneration());
		if (hit != null || this.backend == null) {
			return CompletableFuture.completedFuture(hit);
		}
		try {
			return CompletableFuture.supplyAsync(() -> lookupL2(keyString), this.executor);
		}
		catch (RejectedExecutionException ex) {
			// The executor is saturated or shut down: a miss, not a failure of the call.
			return CompletableFuture.completedFuture(null);
		}
	}

	/**
	 * Returns a future of the cached value, or loads it with {@code loader}, caching what
	 * the loader's future completes with. Single-flight per key, like
	 * {@link #get(Object, Callable)}. Never blocks the caller on L2: the lookup runs on
	 * the cache's executor, and the loaded value is written on the thread that completes
	 * the loader's future, before the returned future completes.
	 * @param <T> the value type
	 * @param key the key
	 * @param loader starts loading the value on a miss
	 * @return a future of the value, or of the loader's failure
	 */
	@SuppressWarnings("unchecked")
	public <T> CompletableFuture<T> retrieve(Object key, Supplier<CompletableFuture<T>> loader) {
		Objects.requireNonNull(loader, "loader must not be null");
		String keyString = keyStringOrNull(key);
		if (keyString == null) {
			return loader.get();
		}
		return retrieve(key).thenCompose((hit) -> {
			if (hit != null) {
				return CompletableFuture.completedFuture((T) hit.value());
			}
			Load mine = new Load(new CompletableFuture<>(), null);
			Load running = this.loading.putIfAbsent(keyString, mine);
			if (running != null) {
				return (CompletableFuture<T>) running.future().thenApply((value) -> value);
			}
			CompletableFuture<T> started;
			try {
				started = Objects.requireNonNull(loader.get(), "the loader returned no CompletableFuture");
			}
			catch (Throwable ex) {
				this.loading.remove(keyString, mine);
				mine.future().completeExceptionally(ex);
				return CompletableFuture.failedFuture(ex);
			}
			// Stored on the thread that completes the loader's future, before the
			// returned future completes, so that the next retrieve finds the value.
			return started.whenComplete((value, failure) -> {
				try {
					if (failure == null) {
						store(keyString, value);
					}
				}
				finally {
					this.loading.remove(keyString, mine);
					if (failure == null) {
						mine.future().complete(value);
					}
					else {
						mine.future().completeExceptionally(unwrap(failure));
					}
				}
			});
		});
	}

	/**
	 * Stores a value in both tiers, replacing any entry.
	 * @param key the key
	 * @param value the value, {@code null} to cache a null
	 * @throws IllegalArgumentException when {@code value} is {@code null} and the cache
	 * does not allow null values
	 */
	public void put(Object key, @Nullable Object value) {
		requireAllowed(value);
		String keyString = keyStringOrNull(key);
		if (keyString != null) {
			store(keyString, value);
		}
	}

	/**
	 * Stores a value unless the key already holds one, and returns what it holds.
	 * <p>
	 * Atomic across processes when the backend offers {@link AddIfAbsent}; otherwise a
	 * read followed by a write.
	 * @param key the key
	 * @param value the value, {@code null} to cache a null
	 * @return the value already cached, or {@code null} when this value was stored (or
	 * could not be stored)
	 * @throws IllegalArgumentException when {@code value} is {@code null} and the cache
	 * does not allow null values
	 */
	public @Nullable CacheHit putIfAbsent(Object key, @Nullable Object value) {
		requireAllowed(value);
		String keyString = keyStringOrNull(key);
		if (keyString == null) {
			return null;
		}
		Optional<AddIfAbsent> add = (this.backend != null) ? this.backend.capability(AddIfAbsent.class)
				: Optional.empty();
		if (add.isEmpty() || currentGeneration() == Generation.UNKNOWN) {
			CacheHit existing = lookup(keyString);
			if (existing == null) {
				store(keyString, value);
			}
			return existing;
		}
		CacheHit local = peekL1(keyString);
		if (local != null) {
			// L1 may hold a value that never reached L2 during an outage.
			return local;
		}
		for (int attempt = 0; attempt < 2; attempt++) {
			long change = beginChange(keyString);
			long generation = currentGeneration();
			Instant expiresAt = expiresAt();
			byte[] bytes = encodeOrNull(keyString, value, expiresAt);
			if (bytes == null) {
				return null;
			}
			try {
				if (add.get().addIfAbsent(this.keys.entryKey(generation, keyString), bytes, this.ttl)) {
					l2Succeeded();
					unmarkStale(keyString, change);
					this.l2Counters.puts.increment();
					putL1(keyString, value, bytes.length, generation, expiresAt);
					return null;
				}
				l2Succeeded();
			}
			catch (BackendException ex) {
				l2Failed(ex);
				return null;
			}
			CacheHit existing = lookup(keyString);
			if (existing != null) {
				return existing;
			}
		}
		return null;
	}

	/**
	 * Removes a key from both tiers.
	 * @param key the key
	 * @return {@code true} when either tier held it
	 */
	public boolean evict(Object key) {
		String keyString = keyStringOrNull(key);
		if (keyString == null) {
			return false;
		}
		long change = beginChange(keyString);
		boolean present = false;
		if (this.l1 != null) {
			present = this.l1.asMap().remove(keyString) != null;
		}
		if (this.backend == null) {
			return present;
		}
		long generation = currentGeneration();
		Boolean removed = (generation != Generation.UNKNOWN) ? deleteL2(this.keys.entryKey(generation, keyString))
				: null;
		if (removed == null) {
			markStale(keyString, change);
			return present;
		}
		unmarkStale(keyString, change);
		return present || removed;
	}

	/**
	 * Removes every entry: L1 at once, L2 by moving to a new generation. Other processes
	 * stop serving the old entries within the generation refresh interval.
	 */
	public void clear() {
		if (this.l1 != null) {
			this.l1.invalidateAll();
		}
		if (this.generation != null) {
			this.clearPending = true;
			bumpPendingClear(true);
		}
	}

	@Override
	public String toString() {
		return "TieredCache[" + this.name + ", l2="
				+ ((this.configuredBackend != null) ? this.configuredBackend : "none") + "]";
	}

	private @Nullable CacheHit lookup(String keyString) {
		long generation = currentGeneration();
		CacheHit hit = lookupL1(keyString, generation);
		return (hit != null) ? hit : lookupL2(keyString);
	}

	private @Nullable CacheHit peekL1(String keyString) {
		if (this.l1 == null) {
			return null;
		}
		L1Entry entry = this.l1.getIfPresent(keyString);
		return (entry != null && entry.generation() == cachedGeneration()) ? new CacheHit(entry.value()) : null;
	}

	private @Nullable CacheHit lookupL1(String keyString, long generation) {
		if (this.l1 == null) {
			return null;
		}
		L1Entry entry = this.l1.getIfPresent(keyString);
		if (entry != null && entry.generation() == generation) {
			this.l1Counters.hits.increment();
			return new CacheHit(entry.value());
		}
		if (entry != null) {
			this.l1.asMap().remove(keyString, entry);
		}
		this.l1Counters.misses.increment();
		return null;
	}

	private @Nullable CacheHit lookupL2(String keyString) {
		if (this.backend == null) {
			return null;
		}
		long generation = currentGeneration();
		if (generation == Generation.UNKNOWN) {
			this.l2Counters.misses.increment();
			return null;
		}
		String entryKey = this.keys.entryKey(generation, keyString);
		long seen = stamp(keyString);
		if (this.pendingEvictions.containsKey(keyString)) {
			// An evict or a write of this key could not reach L2: delete the older entry
			// before serving anything from L2.
			if (deleteL2(entryKey) != null) {
				unmarkStale(keyString, seen);
			}
			this.l2Counters.misses.increment();
			return null;
		}
		byte[] bytes;
		try {
			bytes = this.backend.get(entryKey);
			l2Succeeded();
		}
		catch (BackendException ex) {
			l2Failed(ex);
			this.l2Counters.misses.increment();
			return null;
		}
		if (bytes == null) {
			this.l2Counters.misses.increment();
			return null;
		}
		CachedValue cached;
		try {
			cached = this.codec.decode(bytes);
		}
		catch (CodecException ex) {
			this.l2Counters.codecError(ex.getKind());
			this.problems.warn("decode:" + ex.getKind(),
					"dropped an unreadable L2 entry (" + ex.getKind() + "): " + ex.getMessage(), null);
			deleteL2(entryKey);
			this.l2Counters.misses.increment();
			return null;
		}
		Instant expiresAt = cached.expiresAt();
		if (expiresAt != null && !expiresAt.isAfter(this.clock.instant())) {
			this.l2Counters.misses.increment();
			return null;
		}
		this.l2Counters.hits.increment();
		fillL1(keyString, cached.value(), bytes.length, generation, expiresAt, seen);
		return new CacheHit(cached.value());
	}

	private void store(String keyString, @Nullable Object value) {
		if (value == null && !this.allowNullValues) {
			// A loader answered null for a cache without null values:
			// returned, not cached.
			return;
		}
		long change = beginChange(keyString);
		Instant expiresAt = expiresAt();
		byte[] bytes = encodeOrNull(keyString, value, expiresAt);
		if (bytes == null) {
			// Not cached; the value it was meant to replace must not be served any more.
			dropEverywhere(keyString, change);
			return;
		}
		long generation = currentGeneration();
		if (this.backend != null && generation == Generation.UNKNOWN) {
			// L2 is out of reach: the value lives in L1 only, and whatever L2 holds for
			// the key is now older than it and must not be served when L2 returns.
			markStale(keyString, change);
		}
		else if (this.backend != null) {
			try {
				this.backend.set(this.keys.entryKey(generation, keyString), bytes, this.ttl);
				l2Succeeded();
				unmarkStale(keyString, change);
				this.l2Counters.puts.increment();
			}
			catch (BackendException ex) {
				l2Failed(ex);
				if (!ex.getErrorType().isRetryable()) {
					// Refused for good (too large, invalid): not cached anywhere.
					this.l2Counters.rejected.increment();
					dropEverywhere(keyString, change);
					return;
				}
				markStale(keyString, change);
			}
		}
		putL1(keyString, value, bytes.length, generation, expiresAt);
	}

	private void dropEverywhere(String keyString, long change) {
		invalidateL1(keyString);
		if (this.backend == null) {
			return;
		}
		long generation = currentGeneration();
		if (generation == Generation.UNKNOWN || deleteL2(this.keys.entryKey(generation, keyString)) == null) {
			markStale(keyString, change);
		}
		else {
			unmarkStale(keyString, change);
		}
	}

	private byte @Nullable [] encodeOrNull(String keyString, @Nullable Object value, @Nullable Instant expiresAt) {
		try {
			return this.codec.encode(value, expiresAt);
		}
		catch (CodecException ex) {
			String type = (value != null) ? value.getClass().getName() : "null";
			(this.backend != null ? this.l2Counters : this.l1Counters).codecError(ex.getKind());
			this.problems.warn("encode:" + type,
					"a " + type + " value was not cached (" + ex.getKind() + "): " + ex.getMessage(), null);
			return null;
		}
	}

	private void putL1(String keyString, @Nullable Object value, int weight, long generation,
			@Nullable Instant expiresAt) {
		if (this.l1 == null) {
			return;
		}
		long deadline = l1Deadline(expiresAt);
		if (deadline == Long.MIN_VALUE) {
			return;
		}
		this.l1.put(keyString, new L1Entry(value, weight, generation, deadline));
		this.l1Counters.puts.increment();
	}

	/**
	 * Returns when an entry leaves L1: after the L1 TTL, or at its L2 expiry if sooner.
	 * @param expiresAt the L2 expiry, or {@code null}
	 * @return the deadline on the ticker, or {@code Long.MIN_VALUE} when it is already
	 * due
	 */
	private long l1Deadline(@Nullable Instant expiresAt) {
		long lifetime = this.l1Ttl.toNanos();
		if (expiresAt != null) {
			long remaining = Duration.between(this.clock.instant(), expiresAt).toNanos();
			lifetime = Math.min(lifetime, remaining);
		}
		return (lifetime <= 0) ? Long.MIN_VALUE : this.ticker.read() + lifetime;
	}

	/**
	 * Fills L1 with a value read from L2, unless the key changed since the read began.
	 */
	private void fillL1(String keyString, @Nullable Object value, int weight, long generation,
			@Nullable Instant expiresAt, long seen) {
		if (this.l1 == null) {
			return;
		}
		long deadline = l1Deadline(expiresAt);
		if (deadline == Long.MIN_VALUE) {
			return;
		}
		L1Entry filled = new L1Entry(value, weight, generation, deadline);
		L1Entry result = this.l1.asMap()
			.compute(keyString, (key, existing) -> (stamp(keyString) == seen) ? filled : existing);
		if (result == filled) {
			this.l1Counters.puts.increment();
		}
	}

	private void invalidateL1(String keyString) {
		if (this.l1 != null) {
			this.l1.invalidate(keyString);
		}
	}

	/**
	 * Deletes an L2 entry.
	 * @param entryKey the L2 key
	 * @return whether an entry was removed, or {@code null} when L2 failed
	 */
	private @Nullable Boolean deleteL2(String entryKey) {
		if (this.backend == null) {
			return false;
		}
		try {
			boolean removed = this.backend.delete(entryKey);
			l2Succeeded();
			if (removed) {
				this.l2Counters.evictions.increment();
			}
			return removed;
		}
		catch (BackendException ex) {
			l2Failed(ex);
			return null;
		}
	}

	private int stripe(String keyString) {
		return keyString.hashCode() & (STAMP_STRIPES - 1);
	}

	/**
	 * Marks the start of a put, putIfAbsent or evict of a key.
	 * @param keyString the key
	 * @return the change's stamp
	 */
	private long beginChange(String keyString) {
		return this.stamps.incrementAndGet(stripe(keyString));
	}

	private long stamp(String keyString) {
		return this.stamps.get(stripe(keyString));
	}

	/**
	 * Remembers that L2 may hold an entry for the key older than the change.
	 * @param keyString the key
	 * @param change the stamp of the change that could not reach L2
	 */
	private void markStale(String keyString, long change) {
		if (this.pendingEvictions.size() >= MAX_PENDING_EVICTIONS && !this.pendingEvictions.containsKey(keyString)) {
			// Too many keys to track: clearing the whole cache is the safe answer.
			this.clearPending = true;
			return;
		}
		this.pendingEvictions.merge(keyString, change, Math::max);
	}

	/**
	 * Forgets a mark once L2 holds nothing older than the change; a mark left by a later
	 * change stays.
	 * @param keyString the key
	 * @param change the stamp of the change that reached L2
	 */
	private void unmarkStale(String keyString, long change) {
		this.pendingEvictions.computeIfPresent(keyString, (key, marked) -> (marked <= change) ? null : marked);
	}

	/**
	 * Tries to move L2 to a new generation for a pending clear, at most once per
	 * generation refresh interval unless forced.
	 * @param force whether to try now regardless of the last attempt
	 */
	private void bumpPendingClear(boolean force) {
		Generation generation = this.generation;
		if (generation == null || !this.clearPending) {
			return;
		}
		long now = this.ticker.read();
		if (!force && now - this.lastBumpAttemptNanos < this.generationRefreshNanos) {
			return;
		}
		this.lastBumpAttemptNanos = now;
		// Marks older than the new generation are moot once it exists; marks added from
		// here on stay. If the bump fails the clear stays pending, which covers them all.
		this.pendingEvictions.clear();
		try {
			generation.bump();
			this.clearPending = false;
			l2Succeeded();
		}
		catch (BackendException ex) {
			l2Failed(ex);
		}
	}

	private void runQuietly(Runnable task) {
		try {
			this.executor.execute(task);
		}
		catch (RejectedExecutionException ex) {
			// Saturated or shut down: the work is skipped, as a miss would be.
		}
	}

	/**
	 * Returns the generation to use now, reading it again from L2 when due.
	 * @return the generation, or {@link Generation#UNKNOWN} while it cannot be known: it
	 * was never read, or a clear has yet to reach L2. L2 is skipped then; L1 still works,
	 * with entries of that provisional generation.
	 */
	private long currentGeneration() {
		if (this.generation == null) {
			return 0;
		}
		if (this.clearPending) {
			bumpPendingClear(false);
			if (this.clearPending) {
				return Generation.UNKNOWN;
			}
		}
		long before = this.generation.cached();
		long current;
		try {
			current = this.generation.current();
		}
		catch (BackendException ex) {
			l2Failed(ex);
			current = this.generation.cached();
		}
		if (before != current && this.l1 != null) {
			// Another process cleared the cache, or the generation became known: nothing
			// in L1 is current any more.
			this.l1.invalidateAll();
		}
		return current;
	}

	/**
	 * Returns the generation to use now without going to L2.
	 * @return the generation, or {@link Generation#UNKNOWN}
	 */
	private long cachedGeneration() {
		if (this.generation == null) {
			return 0;
		}
		return this.clearPending ? Generation.UNKNOWN : this.generation.cached();
	}

	private void requireAllowed(@Nullable Object value) {
		if (value == null && !this.allowNullValues) {
			throw new IllegalArgumentException(
					"cache '" + this.name + "' does not allow null values, but null was given");
		}
	}

	private @Nullable Instant expiresAt() {
		return (this.ttl != null) ? this.clock.instant().plus(this.ttl) : null;
	}

	private @Nullable String keyStringOrNull(Object key) {
		try {
			return CacheKeys.keyString(key);
		}
		catch (IllegalArgumentException ex) {
			this.problems.warn("key:" + key.getClass().getName(),
					"a key was not usable, the call bypassed the cache: " + ex.getMessage(), null);
			return null;
		}
	}

	private void l2Failed(BackendException ex) {
		BackendErrorType type = ex.getErrorType();
		this.l2Counters.error(type);
		if (type.isRetryable() || type == BackendErrorType.AUTHENTICATION) {
			// The store is out of reach: logged once until it answers again.
			this.problems.warn("l2:" + type, "L2 " + ex.getMessage(), null);
		}
		else {
			// The store refused this request (too large, invalid): logged once per kind.
			this.problems.warn("refused:" + type + ":" + ex.getOperation(), "L2 " + ex.getMessage(), null);
		}
	}

	private void l2Succeeded() {
		this.problems.recovered("l2:", "L2 answers again");
	}

	private Cache<String, L1Entry> createL1(long maxWeight) {
		return Caffeine.newBuilder()
			.maximumWeight(maxWeight)
			.weigher((String key, L1Entry entry) -> entry.weight() + 2 * key.length())
			.expireAfter(new L1Expiry())
			.ticker(this.ticker)
			.executor(this.executor)
			.removalListener((@Nullable String key, @Nullable L1Entry entry,
					com.github.benmanes.caffeine.cache.RemovalCause cause) -> {
				if (cause.wasEvicted()) {
					this.l1Counters.evictions.increment();
				}
			})
			.build();
	}

	private static Exception rethrowable(@Nullable Throwable failure) {
		if (failure instanceof Exception exception) {
			return exception;
		}
		if (failure instanceof Error error) {
			throw error;
		}
		return new IllegalStateException("loader failed", failure);
	}

	private static Throwable unwrap(Throwable failure) {
		return (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause() : failure;
	}

	/**
	 * A load in progress: its result, and the thread running a synchronous loader.
	 */
	private record Load(CompletableFuture<@Nullable Object> future, @Nullable Thread owner) {

	}

	/**
	 * Expires each L1 entry at the time it carries.
	 */
	private static final class L1Expiry implements Expiry<String, L1Entry> {

		@Override
		public long expireAfterCreate(String key, L1Entry entry, long currentTime) {
			return Math.max(0, entry.expiresAtNanos() - currentTime);
		}

		@Override
		public long expireAfterUpdate(String key, L1Entry entry, long currentTime, long currentDuration) {
			return Math.max(0, entry.expiresAtNanos() - currentTime);
		}

		@Override
		public long expireAfterRead(String key, L1Entry entry, long currentTime, long currentDuration) {
			return currentDuration;
		}

	}

	/**
	 * Builds a {@link TieredCache}. Each setter checks its value at once. Not
	 * thread-safe.
	 */
	public static final class Builder {

		/** The default bound of L1, in encoded bytes: 64 MiB. */
		public static final long DEFAULT_L1_MAX_WEIGHT = 64L * 1024 * 1024;

		/** The default longest time an entry stays in L1. */
		public static final Duration DEFAULT_L1_TTL = Duration.ofSeconds(30);

		/** The default interval after which the generation is read again from L2. */
		public static final Duration DEFAULT_GENERATION_REFRESH = Duration.ofSeconds(1);

		private final String name;

		private @Nullable Backend backend;

		private @Nullable ValueCodec codec;

		private @Nullable CircuitBreaker circuitBreaker;

		private @Nullable Duration ttl;

		private boolean allowNullValues = true;

		private boolean l1Enabled = true;

		private Duration l1Ttl = DEFAULT_L1_TTL;

		private long l1MaxWeight = DEFAULT_L1_MAX_WEIGHT;

		private Duration generationRefresh = DEFAULT_GENERATION_REFRESH;

		private Clock clock = Clock.systemUTC();

		private Ticker ticker = Ticker.systemTicker();

		private Executor executor = ForkJoinPool.commonPool();

		private Builder(String name) {
			Objects.requireNonNull(name, "name must not be null");
			if (name.isBlank()) {
				throw new IllegalArgumentException("name must not be blank");
			}
			this.name = name;
		}

		/**
		 * Sets the L2 backend; without one the cache is L1 only.
		 * @param backend the backend, or {@code null} for none
		 * @return this builder
		 */
		public Builder backend(@Nullable Backend backend) {
			this.backend = backend;
			return this;
		}

		/**
		 * Sets the circuit breaker in front of L2, to share one among the caches of one
		 * backend. Without one, the cache has its own with the default settings.
		 * @param circuitBreaker the breaker
		 * @return this builder
		 */
		public Builder circuitBreaker(CircuitBreaker circuitBreaker) {
			this.circuitBreaker = Objects.requireNonNull(circuitBreaker, "circuitBreaker must not be null");
			return this;
		}

		/**
		 * Sets the codec that writes values for L2 and measures them for L1. Required.
		 * @param codec the codec
		 * @return this builder
		 */
		public Builder codec(ValueCodec codec) {
			this.codec = Objects.requireNonNull(codec, "codec must not be null");
			return this;
		}

		/**
		 * Sets how long entries live in L2 (and at most in L1).
		 * @param ttl a positive duration, or {@code null} (or zero) for no expiry
		 * @return this builder
		 * @throws IllegalArgumentException when negative
		 */
		public Builder ttl(@Nullable Duration ttl) {
			if (ttl != null && ttl.isNegative()) {
				throw new IllegalArgumentException("ttl must not be negative, was " + ttl);
			}
			this.ttl = (ttl == null || ttl.isZero()) ? null : ttl;
			return this;
		}

		/**
		 * Sets whether {@code null} values are cached (as an explicit marker). When not,
		 * {@code put(key, null)} is refused and a loader's {@code null} is returned
		 * without being cached.
		 * @param allowNullValues whether nulls are cached
		 * @return this builder
		 */
		public Builder allowNullValues(boolean allowNullValues) {
			this.allowNullValues = allowNullValues;
			return this;
		}

		/**
		 * Sets whether the cache keeps an L1.
		 * @param enabled whether L1 is used
		 * @return this builder
		 */
		public Builder l1Enabled(boolean enabled) {
			this.l1Enabled = enabled;
			return this;
		}

		/**
		 * Sets the longest time an entry stays in L1; it also bounds how long an entry
		 * changed or evicted by another process may still be served here.
		 * @param l1Ttl a positive duration
		 * @return this builder
		 * @throws IllegalArgumentException when not positive
		 */
		public Builder l1Ttl(Duration l1Ttl) {
			this.l1Ttl = positive("l1Ttl", l1Ttl);
			return this;
		}

		/**
		 * Sets the bound of L1 in encoded bytes.
		 * @param bytes at least 1
		 * @return this builder
		 * @throws IllegalArgumentException when not positive
		 */
		public Builder l1MaxWeight(long bytes) {
			if (bytes < 1) {
				throw new IllegalArgumentException("l1MaxWeight must be positive, was " + bytes);
			}
			this.l1MaxWeight = bytes;
			return this;
		}

		/**
		 * Sets how long the generation read from L2 is trusted before it is read again:
		 * the delay before this process sees another process's {@code clear()}.
		 * @param interval a positive duration
		 * @return this builder
		 * @throws IllegalArgumentException when not positive
		 */
		public Builder generationRefresh(Duration interval) {
			this.generationRefresh = positive("generationRefresh", interval);
			return this;
		}

		/**
		 * Sets the clock of the expiry times written to L2.
		 * @param clock the clock
		 * @return this builder
		 */
		public Builder clock(Clock clock) {
			this.clock = Objects.requireNonNull(clock, "clock must not be null");
			return this;
		}

		/**
		 * Sets the time source of L1 expiry and of the generation refresh.
		 * @param ticker the ticker
		 * @return this builder
		 */
		public Builder ticker(Ticker ticker) {
			this.ticker = Objects.requireNonNull(ticker, "ticker must not be null");
			return this;
		}

		/**
		 * Sets the executor of {@code retrieve}'s L2 reads and writes, of generation
		 * refreshes started by {@code retrieve}, and of L1 maintenance (Caffeine's
		 * eviction work). Tests pass {@code Runnable::run} to make eviction synchronous.
		 * @param executor the executor
		 * @return this builder
		 */
		public Builder executor(Executor executor) {
			this.executor = Objects.requireNonNull(executor, "executor must not be null");
			return this;
		}

		/**
		 * Creates the cache.
		 * @return the cache
		 * @throws IllegalStateException when no codec was set
		 */
		public TieredCache build() {
			if (this.codec == null) {
				throw new IllegalStateException("codec must be set: use MessagePackCodec.withDefaults() or your own");
			}
			return new TieredCache(this);
		}

		private static Duration positive(String name, Duration value) {
			Objects.requireNonNull(value, () -> name + " must not be null");
			if (value.isNegative() || value.isZero()) {
				throw new IllegalArgumentException(name + " must be positive, was " + value);
			}
			return value;
		}

	}

}
