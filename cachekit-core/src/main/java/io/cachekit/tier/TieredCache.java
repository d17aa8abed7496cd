package io.cachekit.tier;

import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.function.Supplier;

import io.cachekit.backend.AddIfAbsent;
import io.cachekit.backend.Backend;
import io.cachekit.backend.Broadcast;
import io.cachekit.backend.Increment;
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
 * <b>Write:</b> the value is encoded once, written to L2, then to L1. L1 is bounded by an
 * estimate of the heap bytes its entries hold (value, key and entry), computed without
 * encoding.
 * <p>
 * <b>Clear:</b> L2 entries are not scanned or flushed: the cache moves to a new
 * generation (a counter in the backend that is part of every L2 key), which other
 * processes see within the generation refresh interval.
 *
 * <p>
 * Without a backend the cache is L1 only and nothing is encoded: each class met in a
 * value is checked against the codec ({@link ValueCodec#accepts(Class)}, for
 * {@code MessagePackCodec} its allowlist), and a value holding a class it does not
 * accept, or nesting deeper than the codec writes, is not cached (counted and logged as a
 * value that cannot be encoded). A value the codec would refuse for other reasons (a
 * getter that throws, a class without properties) is cached in L1.
 *
 * <p>
 * <b>Failures never reach the caller.</b> A backend failure, an unreadable or foreign L2
 * entry (it is also deleted), a value that cannot be encoded, a value over the backend's
 * size limit, or a key whose {@code toString()} fails: each is a miss or "not cached",
 * counted in {@link #statistics(Tier)} and logged once per kind until it recovers. Only a
 * loader's own exception propagates, from {@link #get(Object, Callable)} and
 * {@link #retrieve(Object, Supplier)}, unless serve-stale has an entry to serve instead;
 * and, when the cache's {@link FailMode} is {@link FailMode#CLOSED}, a
 * {@link CacheIntegrityException} from a lookup that found an entry failing its integrity
 * or authenticity check (deleted and counted first).
 *
 * <p>
 * <b>Loading across the cluster</b> (each off unless configured): with the
 * {@linkplain CacheConfiguration#leaseEnabled() lease}, a miss with a loader takes an
 * add-if-absent lease in L2 so that one process of the cluster loads while the others
 * wait for its entry ({@link LoadLease}); with
 * {@linkplain CacheConfiguration#refreshAheadEnabled() refresh-ahead}, an entry read with
 * a loader late in its TTL is returned and reloaded in the background
 * ({@link RefreshAhead}); with a {@linkplain CacheConfiguration#serveStaleGrace()
 * serve-stale grace}, entries outlive their freshness by the grace and are served when L2
 * is out of reach or the loader fails ({@link StaleEntries}), counted in
 * {@link TierStatistics#staleCount()}.
 *
 * <p>
 * <b>Consistency within a process:</b> a value this process replaced, evicted or cleared
 * is not served again by this process, even across an L2 outage. A cache that has not yet
 * read its generation waits for that first read rather than skip L2, so a new process
 * reads what the cluster already holds.
 * <p>
 * <b>Across processes</b> ({@link CacheConfiguration#coherence()}, on by default): every
 * change that reached L2 is announced on an invalidation journal in L2 (and pushed where
 * the backend offers {@link io.cachekit.backend.Broadcast}); other processes read it with
 * their generation, once per refresh interval, and drop the changed keys from L1, or all
 * of L1 when they may have missed a change. They see a change within the refresh interval
 * plus a round trip, at once when it is pushed. With coherence off, or a backend without
 * {@link io.cachekit.backend.Increment}, they see a clear within the refresh interval and
 * other changes within the L1 TTL.
 *
 * <p>
 * Keys are compared by their {@code toString()}. Thread-safe. Loads are single-flight per
 * key within the process; a loader that needs, on the same thread, the key it is loading
 * gets an {@link IllegalStateException}.
 *
 * <p>
 * The work is done by package-private roles: {@link L1Store}, {@link RemoteTier},
 * {@link TierReader}, {@link TierWriter}, {@link ChangeStamps},
 * {@link PendingInvalidations}, {@link GenerationTracker}, {@link SingleFlight},
 * {@link LoadLease}, {@link RefreshAhead} and {@link StaleEntries}; this class puts them
 * in order.
 */
public final class TieredCache {

	private final String name;

	private final CacheConfiguration configuration;

	private final @Nullable Backend backend;

	private final CircuitBreaker circuitBreaker;

	private final Executor executor;

	private final TierCounters cacheCounters = new TierCounters();

	private final TierCounters l1Counters = new TierCounters();

	private final TierCounters l2Counters = new TierCounters();

	private final TierStatistics wholeStatistics = TierCounters.whole(this.cacheCounters, this.l1Counters,
			this.l2Counters);

	private final ProblemLog problems;

	private final L1Store l1;

	private final RemoteTier l2;

	private final GenerationTracker generations;

	private final TierReader reader;

	private final TierWriter writer;

	private final TierLoader loader;

	private final @Nullable InvalidationJournal journal;

	/**
	 * The tags of the cache's entries; {@code null} when the backend keeps no counters.
	 */
	private final @Nullable CacheTags tags;

	/** Whether the tags are the cache's own, closed with it. */
	private final boolean ownTags;

	private final EntryTags entryTags;

	private final LoadLease lease;

	private final RefreshAhead refresh;

	TieredCache(TieredCacheBuilder builder) {
		this.name = builder.name;
		this.configuration = builder.configuration;
		this.backend = builder.backend;
		this.circuitBreaker = (builder.circuitBreaker != null) ? builder.circuitBreaker
				: CircuitBreaker.create(CircuitBreakerConfig.defaults(), builder.ticker);
		this.executor = builder.executor;
		this.problems = new ProblemLog(this.name);
		TimeSource time = new TimeSource(builder.clock, builder.ticker);
		ChangeStamps stamps = new ChangeStamps();
		ValueCodec codec = Objects.requireNonNull(builder.codec);
		Backend protectedBackend = (this.backend != null) ? this.circuitBreaker.protect(this.backend) : null;
		this.ownTags = builder.tags == null;
		this.tags = (builder.tags != null) ? builder.tags : ownTags(protectedBackend, time);
		CacheTags tags = this.tags;
		// An entry with tags cannot be checked without them: it is never served.
		Predicate<Map<String, Long>> tagsCurrent = (tags != null) ? tags::isCurrent : (recorded) -> false;
		// Without L2 nothing is encoded: L1 checks each class of a value against the
		// codec instead. With L2 it checks them only for a value kept out of an L2 that
		// refuses calls for now, which is not encoded either.
		this.l1 = L1Store.create(this.configuration, time, this.executor, this.l1Counters,
				(this.backend == null) ? this.cacheCounters : null, stamps,
				(this.backend == null) ? codec::accepts : null, codec::accepts, tagsCurrent);
		CacheKeys keys = new CacheKeys(this.name);
		PendingInvalidations pending = new PendingInvalidations();
		this.l2 = new RemoteTier(protectedBackend, codec, keys, this.configuration.ttl().orElse(null),
				this.configuration.serveStaleGrace(), time.clock(), this.l2Counters, this.l1Counters, this.problems,
				pending);
		this.l2.failMode(builder.failMode);
		this.l2.tagsCurrent(tagsCurrent);
		this.entryTags = new EntryTags(tags, this.l2);
		long refreshNanos = this.configuration.generationRefresh().toNanos();
		Generation generation = (protectedBackend != null) ? new Generation(protectedBackend, keys.generationKey(),
				refreshNanos, time.ticker(), time.clock(), this.l1::clear) : null;
		this.generations = new GenerationTracker(generation, pending, this.l2, refreshNanos, time.ticker());
		this.journal = (protectedBackend != null && generation != null && this.configuration.coherence())
				? journal(protectedBackend, keys, time, stamps, generation) : null;
		this.reader = new TierReader(stamps, this.l1, this.l2, this.generations,
				new StaleEntries(this.configuration.serveStaleGrace(), this.cacheCounters, this.problems));
		this.writer = new TierWriter(this.configuration.allowNullValues(), stamps, this.l1, this.l2, this.generations,
				this.cacheCounters);
		this.lease = new LoadLease(this.configuration, protectedBackend, keys, this.generations, this.l2, time.ticker(),
				this.executor);
		this.refresh = new RefreshAhead(this.configuration, time.clock(), this.executor, this.lease, this.reader,
				this.problems);
		this.loader = new TierLoader(new SingleFlight(this.name), this.lease, this.refresh, this.reader, this.writer,
				this.executor);
	}

	private @Nullable CacheTags ownTags(@Nullable Backend protectedBackend, TimeSource time) {
		if (protectedBackend != null && protectedBackend.capability(Increment.class).isEmpty()) {
			return null;
		}
		return CacheTags.create(protectedBackend, this.configuration.generationRefresh(), time.ticker(), time.clock());
	}

	private @Nullable InvalidationJournal journal(Backend protectedBackend, CacheKeys keys, TimeSource time,
			ChangeStamps stamps, Generation generation) {
		InvalidationJournal.Builder settings = new InvalidationJournal.Builder(this.name, protectedBackend, keys,
				this.l1, this.l2);
		settings.instance = ThreadLocalRandom.current().nextLong();
		settings.clock = time.clock();
		settings.ticker = time.ticker();
		settings.refreshNanos = this.configuration.generationRefresh().toNanos();
		settings.stamps = stamps;
		settings.follows = this.configuration.l1Enabled();
		settings.cacheCounters = this.cacheCounters;
		settings.l2Counters = this.l2Counters;
		settings.problems = this.problems;
		settings.executor = this.executor;
		settings.subscriptions = (this.backend != null) ? this.backend.capability(Broadcast.class).orElse(null) : null;
		InvalidationJournal journal = InvalidationJournal.create(settings);
		if (journal != null) {
			this.l2.announceTo(journal);
			journal.start(generation);
		}
		return journal;
	}

	/**
	 * Starts building a cache.
	 * @param name the cache's name, part of every L2 key
	 * @return a builder
	 * @throws IllegalArgumentException when the name is blank
	 */
	public static TieredCacheBuilder builder(String name) {
		return new TieredCacheBuilder(name);
	}

	/**
	 * Returns the cache's name.
	 * @return the name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * Returns the cache's configuration.
	 * @return the configuration
	 */
	public CacheConfiguration configuration() {
		return this.configuration;
	}

	/**
	 * Returns the L2 backend.
	 * @return the backend, or empty when the cache is L1 only
	 */
	public Optional<Backend> backend() {
		return Optional.ofNullable(this.backend);
	}

	/**
	 * Returns the circuit breaker in front of L2.
	 * @return the breaker; without a backend it is never used
	 */
	public CircuitBreaker circuitBreaker() {
		return this.circuitBreaker;
	}

	/**
	 * Returns the counts of the cache as a whole: a lookup answered by either tier is a
	 * hit, one answered by neither a miss; each value stored is one put, whichever tiers
	 * it reached; evictions are the entries {@link #evict(Object)} removed, plus, without
	 * L2, those L1 dropped for size or age; failures are those of either tier.
	 * @return the statistics, live
	 */
	public TierStatistics statistics() {
		return this.wholeStatistics;
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
		return this.l1.size();
	}

	/**
	 * Returns the estimated heap bytes held by L1's entries (values, keys and entries),
	 * which {@link CacheConfiguration#l1MaxSize()} bounds.
	 * @return the weighted size, zero without L1
	 */
	public long l1Weight() {
		return this.l1.weight();
	}

	/**
	 * Looks a key up in L1, then L2.
	 * @param key the key
	 * @return the hit, or {@code null} for a miss
	 */
	public @Nullable CacheHit get(Object key) {
		String keyString = CacheKeys.keyStringOrNull(key, this.problems);
		return counted((keyString != null) ? this.reader.lookup(keyString) : null);
	}

	/**
	 * Returns the cached value, or loads, caches and returns it. Loads are single-flight
	 * per key within this process; a failed load caches nothing and every waiting caller
	 * gets its exception.
	 * @param <T> the value type
	 * @param key the key
	 * @param loader computes the value on a miss
	 * @return the cached or loaded value, possibly {@code null}
	 * @throws Exception what the loader threw
	 */
	@SuppressWarnings("unchecked")
	public <T> @Nullable T get(Object key, Callable<? extends @Nullable T> loader) throws Exception {
		Objects.requireNonNull(loader, "loader must not be null");
		String keyString = CacheKeys.keyStringOrNull(key, this.problems);
		if (keyString == null) {
			counted(null);
			return loader.call();
		}
		long ticket = this.loader.ticket(keyString);
		TierReader.Found found = this.reader.find(keyString);
		counted(hit(found));
		if (found != null) {
			this.loader.refreshAfterHit(keyString, found, loader);
			return (T) found.hit().value();
		}
		return this.loader.load(keyString, ticket, loader);
	}

	/**
	 * Looks a key up without blocking the caller: an L1 hit completes at once; the
	 * generation refresh and the L2 read run on the cache's executor.
	 * @param key the key
	 * @return a future of the hit, or of {@code null} for a miss
	 */
	public CompletableFuture<@Nullable CacheHit> retrieve(Object key) {
		String keyString = CacheKeys.keyStringOrNull(key, this.problems);
		if (keyString == null) {
			counted(null);
			return CompletableFuture.completedFuture(null);
		}
		return unwrapped(findAsync(keyString).<@Nullable CacheHit>thenApply(TieredCache::hit));
	}

	private CompletableFuture<TierReader.@Nullable Found> findAsync(String keyString) {
		if (this.generations.isDue()) {
			// Reading the generation is an L2 round trip: never on the caller's thread.
			return async(() -> this.reader.find(keyString));
		}
		TierReader.Found found = this.reader.findL1(keyString);
		if (found != null || !this.l2.isPresent()) {
			counted(hit(found));
			return CompletableFuture.completedFuture(found);
		}
		return async(() -> this.reader.findL2(keyString));
	}

	/**
	 * Returns a future of the cached value, or loads it with {@code loader}, caching what
	 * the loader's future completes with. Single-flight per key, like
	 * {@link #get(Object, Callable)}, and never blocks the caller on L2. The loaded value
	 * is written on the cache's executor (never on the thread that completed the loader's
	 * future, which may be an event loop), before the returned future completes.
	 * @param <T> the value type
	 * @param key the key
	 * @param loader starts loading the value on a miss
	 * @return a future of the value, or of the loader's failure
	 */
	@SuppressWarnings("unchecked")
	public <T> CompletableFuture<T> retrieve(Object key, Supplier<CompletableFuture<T>> loader) {
		Objects.requireNonNull(loader, "loader must not be null");
		String keyString = CacheKeys.keyStringOrNull(key, this.problems);
		if (keyString == null) {
			counted(null);
			return loader.get();
		}
		long ticket = this.loader.ticket(keyString);
		return unwrapped(findAsync(keyString).thenCompose((found) -> {
			if (found != null) {
				this.loader.refreshAfterHit(keyString, found, loader);
				return CompletableFuture.completedFuture((T) found.hit().value());
			}
			return this.loader.loadAsync(keyString, ticket, loader);
		}));
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
		String keyString = CacheKeys.keyStringOrNull(key, this.problems);
		if (keyString != null) {
			this.writer.store(keyString, value);
		}
	}

	/**
	 * Stores a value in both tiers with tags, replacing any entry: it is served until any
	 * of its tags is evicted ({@link CacheTags#evict(String)}) or it expires. Entries
	 * without tags pay nothing for them. A tag that is not valid
	 * ({@link CacheTags#check(String)}), more than {@value CacheTags#MAX_TAGS} tags, a
	 * backend that keeps no counters or a version that cannot be read leave the key
	 * without an entry instead (counted and logged once, never thrown).
	 * @param key the key
	 * @param value the value, {@code null} to cache a null
	 * @param tags the entry's tags; none is a plain {@link #put(Object, Object)}
	 * @throws IllegalArgumentException when {@code value} is {@code null} and the cache
	 * does not allow null values
	 */
	public void put(Object key, @Nullable Object value, Collection<String> tags) {
		storeTagged(key, value, tags, false);
	}

	/**
	 * Stores the value loaded after this thread's {@link #get(Object)} of the same key
	 * missed, with tags: as {@link #populate(Object, Object)} for where it goes, and as
	 * {@link #put(Object, Object, Collection)} for the tags.
	 * @param key the key
	 * @param value the value, {@code null} to cache a null
	 * @param tags the entry's tags; none is a plain {@link #populate(Object, Object)}
	 * @throws IllegalArgumentException when {@code value} is {@code null} and the cache
	 * does not allow null values
	 */
	public void populate(Object key, @Nullable Object value, Collection<String> tags) {
		storeTagged(key, value, tags, true);
	}

	/**
	 * Returns the tags of the cache's entries: shared with other caches when the builder
	 * was given them, else the cache's own.
	 * @return the tags, or empty when the backend keeps no counters (tagged puts are then
	 * not cached)
	 */
	public Optional<CacheTags> tags() {
		return Optional.ofNullable(this.tags);
	}

	private void storeTagged(Object key, @Nullable Object value, Collection<String> tags, boolean populate) {
		requireAllowed(value);
		String keyString = CacheKeys.keyStringOrNull(key, this.problems);
		if (keyString == null) {
			return;
		}
		Map<String, Long> versions = tags.isEmpty() ? Map.of() : this.entryTags.versions(value, tags);
		if (versions == null) {
			// Not cached: the value it was meant to replace must not be served any more.
			this.writer.evict(keyString);
			return;
		}
		if (populate) {
			this.writer.populate(keyString, value, versions);
		}
		else {
			this.writer.store(keyString, value, versions);
		}
	}

	/**
	 * Stores the value loaded after this thread's {@link #get(Object)} of the same key
	 * missed: as {@link #put(Object, Object)}, except when that lookup's L2 read timed
	 * out (L2 did not answer; a fast refusal does not count). Then the value is kept in
	 * L1 only, the key is marked as after a write that could not reach L2 (counted as a
	 * {@code TRANSIENT} L2 failure, logged once), and L2 is not called, so that a cached
	 * call waits for an unanswering L2 at most once. Only the thread's last L2 read of
	 * this cache counts, and only for the one store that follows it; an update that does
	 * not follow a miss of its key (such as a {@code @CachePut}) belongs in
	 * {@link #put(Object, Object)}.
	 * @param key the key
	 * @param value the value, {@code null} to cache a null
	 * @throws IllegalArgumentException when {@code value} is {@code null} and the cache
	 * does not allow null values
	 */
	public void populate(Object key, @Nullable Object value) {
		requireAllowed(value);
		String keyString = CacheKeys.keyStringOrNull(key, this.problems);
		if (keyString != null) {
			this.writer.populate(keyString, value);
		}
	}

	/**
	 * Stores a value unless the key already holds one, and returns what it holds. Atomic
	 * across processes when the backend offers {@link AddIfAbsent}; otherwise a read
	 * followed by a write.
	 * @param key the key
	 * @param value the value, {@code null} to cache a null
	 * @return the value already cached, or {@code null} when this value was stored (or
	 * could not be stored)
	 * @throws IllegalArgumentException when {@code value} is {@code null} and the cache
	 * does not allow null values
	 */
	public @Nullable CacheHit putIfAbsent(Object key, @Nullable Object value) {
		requireAllowed(value);
		String keyString = CacheKeys.keyStringOrNull(key, this.problems);
		if (keyString == null) {
			return null;
		}
		return this.writer.putIfAbsent(keyString, value, this.reader);
	}

	/**
	 * Removes a key from both tiers.
	 * @param key the key
	 * @return {@code true} when either tier held it
	 */
	public boolean evict(Object key) {
		String keyString = CacheKeys.keyStringOrNull(key, this.problems);
		if (keyString == null) {
			return false;
		}
		boolean present = this.writer.evict(keyString);
		if (present) {
			this.cacheCounters.evictions.increment();
		}
		return present;
	}

	/**
	 * Removes every entry: L1 at once, L2 by moving to a new generation. Other processes
	 * stop serving the old entries within the generation refresh interval.
	 */
	public void clear() {
		this.l1.clear();
		this.generations.clear();
	}

	/**
	 * Stops listening to other instances' pushed invalidations (and, when the cache's
	 * tags are its own, their pushed tag evictions); the backend's subscription ends with
	 * the last cache that used it. The cache keeps working and still reads the journal at
	 * each refresh. Idempotent.
	 */
	public void close() {
		if (this.journal != null) {
			this.journal.close();
		}
		if (this.ownTags && this.tags != null) {
			this.tags.close();
		}
	}

	LoadLease lease() {
		return this.lease;
	}

	RefreshAhead refresh() {
		return this.refresh;
	}

	@Override
	public String toString() {
		return "TieredCache[" + this.name + ", l2=" + ((this.backend != null) ? this.backend : "none") + "]";
	}

	private static @Nullable CacheHit hit(TierReader.@Nullable Found found) {
		return (found != null) ? found.hit() : null;
	}

	private CompletableFuture<TierReader.@Nullable Found> async(Supplier<TierReader.@Nullable Found> lookup) {
		try {
			return CompletableFuture.supplyAsync(() -> {
				TierReader.Found found = lookup.get();
				counted(hit(found));
				return found;
			}, this.executor);
		}
		catch (RejectedExecutionException ex) {
			// The executor is saturated or shut down: a miss, not a failure of the call.
			counted(null);
			return CompletableFuture.completedFuture(null);
		}
	}

	/**
	 * A future that fails with what went wrong itself, not wrapped in the
	 * {@link CompletionException} a dependent stage adds: what Spring's cache interceptor
	 * hands its {@code CacheErrorHandler} is the future's throwable as it is.
	 */
	private static <T extends @Nullable Object> CompletableFuture<T> unwrapped(CompletableFuture<T> future) {
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

	private @Nullable CacheHit counted(@Nullable CacheHit hit) {
		(hit != null ? this.cacheCounters.hits : this.cacheCounters.misses).increment();
		return hit;
	}

	private void requireAllowed(@Nullable Object value) {
		if (value == null && !this.configuration.allowNullValues()) {
			throw new IllegalArgumentException(
					"cache '" + this.name + "' does not allow null values, but null was given");
		}
	}

}
