package io.cachekit.tier;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import org.jspecify.annotations.Nullable;

/**
 * The in-process tier of a {@link TieredCache}: a Caffeine cache of decoded values,
 * bounded by an estimate of the heap bytes each entry holds (its value, its key and the
 * entry itself, see {@link HeapSizeEstimator}), each entry expiring at its own deadline
 * and tagged with the cache generation it belongs to.
 *
 * <p>
 * An entry is served until the L1 TTL, or its L2 expiry if that is sooner, has passed
 * (then, for {@link #stale}, until the serve-stale grace has passed too). An entry of
 * another generation than the one asked for is a miss and is dropped. A fill from an L2
 * read goes in only if the key's {@link ChangeStamps change stamp} did not move since the
 * read began. A store made for a cache without L1 holds nothing. Thread-safe.
 *
 * <p>
 * The deadlines are checked here, not by Caffeine: a Caffeine cache without expiry skips
 * its read buffer while it is less than half full, which made a hit through
 * {@code @Cacheable} about twice as fast on two cores (see docs/architecture.md). An
 * entry past its deadline is dropped when it is looked up, or by a sweep on the executor
 * that the first write after each {@link #sweepInterval(Duration) sweep interval} starts;
 * until then it only takes its part of the bound, like any entry not read lately.
 * Caffeine's own upkeep (its buffers and eviction) runs on the calling thread: handing it
 * to a pool wakes a thread for every few calls, which costs more than the work itself.
 */
final class L1Store {

	private final @Nullable Cache<String, L1Entry> cache;

	private final long ttlNanos;

	private final Clock clock;

	private final Ticker ticker;

	private final TierCounters counters;

	/** Also counts L1 evictions, or {@code null}. */
	private final @Nullable TierCounters evictions;

	private final ChangeStamps stamps;

	private final long graceNanos;

	private final HeapSizeEstimator estimator;

	/** Runs the sweeps of entries past their deadline. */
	private final Executor executor;

	/** The ticker time after which a write starts the next sweep. */
	private final AtomicLong nextSweepNanos;

	/**
	 * How long after one sweep a write starts the next: the L1 TTL, within 1 s and 1 min.
	 */
	private final long sweepIntervalNanos;

	/** Weighs and checks every class of a value, for {@link #putChecked}. */
	private final HeapSizeEstimator checkingEstimator;

	/** Tells whether the tag versions an entry was written with are still current. */
	private final Predicate<Map<String, Long>> tagsCurrent;

	/**
	 * The heap bytes of an entry beside its value and key: the {@link L1Entry} with its
	 * answer to lookups, Caffeine's node (key, value, access order links and three ints
	 * of weight and queue) and the map node, table slot and frequency counters behind it.
	 */
	static final int ENTRY_OVERHEAD = HeapSizeEstimator.shallow(28, 1) + HeapSizeEstimator.shallow(1, 2)
			+ HeapSizeEstimator.shallow(0, 1) + HeapSizeEstimator.shallow(12, 4) + HeapSizeEstimator.shallow(4, 3) + 16;

	private static final Duration MIN_SWEEP_INTERVAL = Duration.ofSeconds(1);

	private static final Duration MAX_SWEEP_INTERVAL = Duration.ofMinutes(1);

	/** The heap bytes of an L2 expiry an entry carries. */
	private static final int EXPIRY_SIZE = HeapSizeEstimator.shallow(12, 0);

	private L1Store(@Nullable Cache<String, L1Entry> cache, Duration ttl, Duration grace, Clock clock, Ticker ticker,
			Executor executor, TierCounters counters, @Nullable TierCounters evictions, ChangeStamps stamps,
			@Nullable Predicate<Class<?>> check, @Nullable Predicate<Class<?>> accepts,
			Predicate<Map<String, Long>> tagsCurrent) {
		this.cache = cache;
		this.tagsCurrent = tagsCurrent;
		this.executor = executor;
		this.sweepIntervalNanos = sweepInterval(ttl).toNanos();
		this.nextSweepNanos = new AtomicLong(ticker.read() + this.sweepIntervalNanos);
		this.estimator = new HeapSizeEstimator(check);
		this.checkingEstimator = (accepts == null || accepts == check) ? this.estimator
				: new HeapSizeEstimator(accepts);
		this.ttlNanos = ttl.toNanos();
		this.graceNanos = saturatedNanos(grace);
		this.clock = clock;
		this.ticker = ticker;
		this.counters = counters;
		this.evictions = evictions;
		this.stamps = stamps;
	}

	/**
	 * Creates an L1.
	 * @param configuration the cache's configuration (L1 bound and TTL)
	 * @param time the clock of L2 expiry times and the ticker of L1 deadlines
	 * @param executor runs the sweeps of entries past their deadline
	 * @param counters the L1 counts
	 * @param evictions also counts L1 evictions, or {@code null}
	 * @param stamps the cache's change stamps
	 * @param check what every class of a value must pass to be stored ({@link #put}
	 * refuses the value otherwise), or {@code null} to let every class in
	 * @return the store; one that holds nothing when the configuration turns L1 off
	 */
	static L1Store create(CacheConfiguration configuration, TimeSource time, Executor executor, TierCounters counters,
			@Nullable TierCounters evictions, ChangeStamps stamps, @Nullable Predicate<Class<?>> check) {
		return create(configuration, time, executor, counters, evictions, stamps, check, check, (tags) -> true);
	}

	/**
	 * Creates an L1 that checks classes on every put as {@code check} says, and on
	 * {@link #putChecked} against {@code accepts}.
	 * @param configuration the cache's configuration (L1 bound and TTL)
	 * @param time the clock of L2 expiry times and the ticker of L1 deadlines
	 * @param executor runs the sweeps of entries past their deadline
	 * @param counters the L1 counts
	 * @param evictions also counts L1 evictions, or {@code null}
	 * @param stamps the cache's change stamps
	 * @param check what every class of a value must pass to be stored by {@link #put}, or
	 * {@code null} to let every class in
	 * @param accepts what every class of a value must pass to be stored by
	 * {@link #putChecked}, or {@code null} to let every class in
	 * @param tagsCurrent tells whether the tag versions an entry was written with are
	 * still current; an entry whose are not is dropped when looked up
	 * @return the store; one that holds nothing when the configuration turns L1 off
	 */
	static L1Store create(CacheConfiguration configuration, TimeSource time, Executor executor, TierCounters counters,
			@Nullable TierCounters evictions, ChangeStamps stamps, @Nullable Predicate<Class<?>> check,
			@Nullable Predicate<Class<?>> accepts, Predicate<Map<String, Long>> tagsCurrent) {
		if (!configuration.l1Enabled()) {
			return new L1Store(null, configuration.l1Ttl(), configuration.serveStaleGrace(), time.clock(),
					time.ticker(), executor, counters, evictions, stamps, check, accepts, tagsCurrent);
		}
		Cache<String, L1Entry> cache = Caffeine.newBuilder()
			.maximumWeight(configuration.l1MaxSize())
			.weigher((String key, L1Entry entry) -> entry.weight())
			.executor(Runnable::run)
			.removalListener((@Nullable String key, @Nullable L1Entry entry, RemovalCause cause) -> {
				// Entries past their deadline are removed explicitly and counted there.
				if (cause.wasEvicted()) {
					counters.evictions.increment();
					if (evictions != null) {
						evictions.evictions.increment();
					}
				}
			})
			.build();
		return new L1Store(cache, configuration.l1Ttl(), configuration.serveStaleGrace(), time.clock(), time.ticker(),
				executor, counters, evictions, stamps, check, accepts, tagsCurrent);
	}

	/**
	 * Looks a key up, counting the hit or miss; an entry of another generation is
	 * dropped.
	 * @param keyString the key
	 * @param generation the generation the entry must belong to
	 * @return the hit, or {@code null}
	 */
	@Nullable CacheHit lookup(String keyString, long generation) {
		L1Entry entry = lookupEntry(keyString, generation);
		return (entry != null) ? entry.found().hit() : null;
	}

	/**
	 * Looks a key up, counting the hit or miss; an entry of another generation is
	 * dropped, one past its freshness is a miss but stays for {@link #stale}.
	 * @param keyString the key
	 * @param generation the generation the entry must belong to
	 * @return the fresh entry, or {@code null}
	 */
	@Nullable L1Entry lookupEntry(String keyString, long generation) {
		if (this.cache == null) {
			return null;
		}
		L1Entry entry = this.cache.getIfPresent(keyString);
		if (entry != null) {
			long now = this.ticker.read();
			if (entry.generation() == generation && entry.isFresh(now)) {
				if (isCurrent(entry)) {
					this.counters.hits.increment();
					return entry;
				}
				this.cache.asMap().remove(keyString, entry);
			}
			else if (entry.generation() != generation) {
				this.cache.asMap().remove(keyString, entry);
			}
			else if (!entry.isLive(now)) {
				removeExpired(keyString, entry);
			}
		}
		this.counters.misses.increment();
		return null;
	}

	/**
	 * Returns an entry past its freshness but within the serve-stale grace, without
	 * counting.
	 * @param keyString the key
	 * @param generation the generation the entry must belong to
	 * @return the stale entry, or {@code null}
	 */
	@Nullable L1Entry stale(String keyString, long generation) {
		if (this.cache == null || this.graceNanos == 0) {
			return null;
		}
		L1Entry entry = this.cache.policy().getIfPresentQuietly(keyString);
		if (entry == null || entry.generation() != generation) {
			return null;
		}
		long now = this.ticker.read();
		return (!entry.isFresh(now) && entry.isLive(now) && isCurrent(entry)) ? entry : null;
	}

	/**
	 * Tells whether an entry's tags, if it has any, still have the versions it was
	 * written with.
	 */
	private boolean isCurrent(L1Entry entry) {
		return entry.tags().isEmpty() || this.tagsCurrent.test(entry.tags());
	}

	/**
	 * Looks a key up without counting.
	 * @param keyString the key
	 * @param generation the generation the entry must belong to
	 * @return the hit, or {@code null}
	 */
	@Nullable CacheHit peek(String keyString, long generation) {
		if (this.cache == null) {
			return null;
		}
		L1Entry entry = this.cache.getIfPresent(keyString);
		return (entry != null && entry.generation() == generation && entry.isFresh(this.ticker.read())
				&& isCurrent(entry)) ? entry.found().hit() : null;
	}

	/**
	 * Stores a value this process wrote, weighed by its estimated heap bytes.
	 * @param keyString the key
	 * @param value the value
	 * @param generation the generation it belongs to
	 * @param expiresAt its L2 expiry, or {@code null}
	 * @return whether L1 took it: not without L1, nor when it is already expired
	 * @throws HeapSizeEstimator.RefusedValueException when the store checks classes and
	 * the value holds one that fails the check, or nests too deep; L1 is not changed
	 */
	boolean put(String keyString, @Nullable Object value, long generation, @Nullable Instant expiresAt) {
		return put(keyString, value, generation, expiresAt, Map.of());
	}

	/**
	 * Stores a value this process wrote, as {@link #put(String, Object, long, Instant)}
	 * does, with the versions of its tags.
	 * @param keyString the key
	 * @param value the value
	 * @param generation the generation it belongs to
	 * @param expiresAt its L2 expiry, or {@code null}
	 * @param tags the version of each of its tags, empty for none
	 * @return whether L1 took it
	 * @throws HeapSizeEstimator.RefusedValueException as
	 * {@link #put(String, Object, long, Instant)}
	 */
	boolean put(String keyString, @Nullable Object value, long generation, @Nullable Instant expiresAt,
			Map<String, Long> tags) {
		return put(keyString, value, generation, expiresAt, tags, this.estimator);
	}

	/**
	 * Stores a value as {@link #put} does, checking each of its classes against what the
	 * store was made to accept: for a value that nothing encodes.
	 * @param keyString the key
	 * @param value the value
	 * @param generation the generation it belongs to
	 * @param expiresAt its L2 expiry, or {@code null}
	 * @return whether L1 took it: not without L1, nor when it is already expired
	 * @throws HeapSizeEstimator.RefusedValueException when the value holds a class that
	 * is not accepted, or nests too deep; L1 is not changed
	 */
	boolean putChecked(String keyString, @Nullable Object value, long generation, @Nullable Instant expiresAt) {
		return putChecked(keyString, value, generation, expiresAt, Map.of());
	}

	/**
	 * Stores a value as {@link #putChecked(String, Object, long, Instant)} does, with the
	 * versions of its tags.
	 * @param keyString the key
	 * @param value the value
	 * @param generation the generation it belongs to
	 * @param expiresAt its L2 expiry, or {@code null}
	 * @param tags the version of each of its tags, empty for none
	 * @return whether L1 took it
	 * @throws HeapSizeEstimator.RefusedValueException as
	 * {@link #putChecked(String, Object, long, Instant)}
	 */
	boolean putChecked(String keyString, @Nullable Object value, long generation, @Nullable Instant expiresAt,
			Map<String, Long> tags) {
		return put(keyString, value, generation, expiresAt, tags, this.checkingEstimator);
	}

	private boolean put(String keyString, @Nullable Object value, long generation, @Nullable Instant expiresAt,
			Map<String, Long> tags, HeapSizeEstimator weigher) {
		if (this.cache == null) {
			return false;
		}
		long deadline = deadline(expiresAt);
		if (deadline == Long.MIN_VALUE) {
			return false;
		}
		this.cache.put(keyString, entry(keyString, value, generation, deadline, expiresAt, tags, weigher));
		this.counters.puts.increment();
		sweepIfDue();
		return true;
	}

	/**
	 * Stores a value read from L2, unless the key changed since the read began.
	 * @param keyString the key
	 * @param value the value
	 * @param generation the generation it belongs to
	 * @param expiresAt its L2 expiry, or {@code null}
	 * @param tags the version of each tag the value was written with, empty for none
	 * @param seen the key's change stamp when the read began
	 */
	void fill(String keyString, @Nullable Object value, long generation, @Nullable Instant expiresAt,
			Map<String, Long> tags, long seen) {
		if (this.cache == null) {
			return;
		}
		long deadline = deadline(expiresAt);
		if (deadline == Long.MIN_VALUE) {
			return;
		}
		L1Entry filled = entry(keyString, value, generation, deadline, expiresAt, tags, this.estimator);
		boolean[] won = new boolean[1];
		this.cache.asMap().compute(keyString, (key, existing) -> {
			won[0] = this.stamps.current(keyString) == seen;
			return won[0] ? filled : existing;
		});
		if (won[0]) {
			this.counters.puts.increment();
			sweepIfDue();
		}
	}

	/**
	 * Starts a sweep of the entries past their deadline on the executor, when the sweep
	 * interval has passed since the last one began; at most one caller starts it.
	 */
	private void sweepIfDue() {
		long now = this.ticker.read();
		long due = this.nextSweepNanos.get();
		if (now - due < 0 || !this.nextSweepNanos.compareAndSet(due, now + this.sweepIntervalNanos)) {
			return;
		}
		try {
			this.executor.execute(this::sweep);
		}
		catch (RejectedExecutionException ex) {
			// A shut-down executor: the entries are dropped when read, or evicted.
		}
	}

	/**
	 * Drops every entry past its deadline (its freshness end plus the serve-stale grace),
	 * unless it was replaced meanwhile.
	 */
	void sweep() {
		Cache<String, L1Entry> cache = this.cache;
		if (cache != null) {
			long now = this.ticker.read();
			cache.asMap().forEach((keyString, entry) -> {
				if (!entry.isLive(now)) {
					removeExpired(keyString, entry);
				}
			});
		}
	}

	/**
	 * Removes an entry past its deadline, unless it was replaced meanwhile, counting the
	 * removal as an eviction as Caffeine's expiry would be.
	 */
	private void removeExpired(String keyString, L1Entry entry) {
		if (this.cache != null && this.cache.asMap().remove(keyString, entry)) {
			this.counters.evictions.increment();
			if (this.evictions != null) {
				this.evictions.evictions.increment();
			}
		}
	}

	/**
	 * Returns how long after one sweep of entries past their deadline a write starts the
	 * next: the L1 TTL, but at least a second and at most a minute.
	 * @param ttl the L1 TTL
	 * @return the interval
	 */
	static Duration sweepInterval(Duration ttl) {
		Duration atLeast = (ttl.compareTo(MIN_SWEEP_INTERVAL) < 0) ? MIN_SWEEP_INTERVAL : ttl;
		return (atLeast.compareTo(MAX_SWEEP_INTERVAL) > 0) ? MAX_SWEEP_INTERVAL : atLeast;
	}

	/**
	 * Removes a key.
	 * @param keyString the key
	 * @return whether L1 held it
	 */
	boolean remove(String keyString) {
		return this.cache != null && this.cache.asMap().remove(keyString) != null;
	}

	/**
	 * Removes every entry.
	 */
	void clear() {
		if (this.cache != null) {
			this.cache.invalidateAll();
		}
	}

	long size() {
		return (this.cache != null) ? this.cache.estimatedSize() : 0;
	}

	long weight() {
		if (this.cache == null) {
			return 0;
		}
		return this.cache.policy().eviction().map((eviction) -> eviction.weightedSize().orElse(0L)).orElse(0L);
	}

	private L1Entry entry(String keyString, @Nullable Object value, long generation, long freshUntil,
			@Nullable Instant expiresAt, Map<String, Long> tags, HeapSizeEstimator weigher) {
		long weight = weigher.weigh(value) + HeapSizeEstimator.weighString(keyString) + ENTRY_OVERHEAD
				+ ((expiresAt != null) ? EXPIRY_SIZE : 0) + weighTags(tags);
		TierReader.Found found = new TierReader.Found(new CacheHit(value), expiresAt, false, tags);
		// Ticker values are compared by difference: the sum may wrap, which is harmless
		// while the grace (at most a year) plus the L1 TTL stays far below 2^63 ns.
		return new L1Entry(found, (int) Math.min(weight, HeapSizeEstimator.TOO_LARGE), generation,
				freshUntil + this.graceNanos, freshUntil, tags);
	}

	/**
	 * The heap bytes of an entry's tag versions: the map, and per tag its string (often
	 * shared with other entries, counted anyway), its boxed version and the map's slot.
	 */
	private static long weighTags(Map<String, Long> tags) {
		if (tags.isEmpty()) {
			return 0;
		}
		long weight = HeapSizeEstimator.shallow(4, 1) + HeapSizeEstimator.shallow(0, 2 * tags.size());
		for (String tag : tags.keySet()) {
			weight += HeapSizeEstimator.weighString(tag) + HeapSizeEstimator.shallow(8, 0);
		}
		return weight;
	}

	private static long saturatedNanos(Duration duration) {
		try {
			return duration.toNanos();
		}
		catch (ArithmeticException ex) {
			return Long.MAX_VALUE / 4;
		}
	}

	/**
	 * Returns until when an entry is fresh in L1: the L1 TTL, or its L2 expiry if sooner.
	 * @param expiresAt the L2 expiry, or {@code null}
	 * @return the deadline on the ticker, or {@code Long.MIN_VALUE} when already due
	 */
	private long deadline(@Nullable Instant expiresAt) {
		long lifetime = this.ttlNanos;
		if (expiresAt != null) {
			Duration remaining = Duration.between(this.clock.instant(), expiresAt);
			// Compared as durations: an expiry centuries away does not fit in
			// nanoseconds.
			if (remaining.compareTo(Duration.ofNanos(lifetime)) < 0) {
				lifetime = remaining.toNanos();
			}
		}
		return (lifetime <= 0) ? Long.MIN_VALUE : this.ticker.read() + lifetime;
	}

}
