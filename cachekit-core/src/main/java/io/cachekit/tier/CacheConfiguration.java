package io.cachekit.tier;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * The settings of one {@link TieredCache}: how long entries live, whether nulls are
 * cached, the L1, how often the cache's generation is read again, and whether L1 is kept
 * coherent across instances.
 *
 * <p>
 * The one place these settings and their defaults live: the engine, the Spring
 * {@code CachekitCacheManager} and the Spring Boot properties binding all start from
 * {@link #defaults()} and change it with the {@code with*} methods. Immutable and
 * thread-safe; every {@code with*} method checks its argument at once and answers a new
 * configuration, so an invalid configuration cannot exist.
 */
public final class CacheConfiguration {

	/** Entries live one hour in L2 unless configured otherwise. */
	public static final Duration DEFAULT_TTL = Duration.ofHours(1);

	/**
	 * The longest TTL, about 1,000 years (Redis's own limit); longer ones, up to
	 * {@code Duration}'s maximum, are taken as this. Expiry times are computed from the
	 * TTL, and a TTL past the year 1,000,000,000 has none.
	 */
	public static final Duration MAX_TTL = Duration.ofDays(365_000);

	/** An entry stays at most 30 seconds in L1 unless configured otherwise. */
	public static final Duration DEFAULT_L1_TTL = Duration.ofSeconds(30);

	/**
	 * L1 holds at most 64 MiB (estimated heap bytes of values, keys and entries) unless
	 * configured otherwise.
	 */
	public static final long DEFAULT_L1_MAX_SIZE = 64L * 1024 * 1024;

	/** The generation is read again from L2 every second unless configured otherwise. */
	public static final Duration DEFAULT_GENERATION_REFRESH = Duration.ofSeconds(1);

	/** A load lease lives five seconds when its holder never releases it. */
	public static final Duration DEFAULT_LEASE_TTL = Duration.ofSeconds(5);

	/** A caller that lost the lease waits at most five seconds before loading itself. */
	public static final Duration DEFAULT_LEASE_MAX_WAIT = Duration.ofSeconds(5);

	/** The first pause between two looks at L2 while waiting for a lease holder. */
	public static final Duration DEFAULT_LEASE_POLL_INITIAL = Duration.ofMillis(10);

	/** The longest pause between two looks at L2 while waiting for a lease holder. */
	public static final Duration DEFAULT_LEASE_POLL_MAX = Duration.ofMillis(100);

	/** Refresh-ahead reloads an entry read after 80% of its TTL. */
	public static final double DEFAULT_REFRESH_AHEAD_AT = 0.8;

	/** Refresh-ahead adds up to 5% of the TTL, at random, to the point it reloads at. */
	public static final double DEFAULT_REFRESH_AHEAD_JITTER = 0.05;

	/** The longest serve-stale grace: a year. */
	public static final Duration MAX_SERVE_STALE_GRACE = Duration.ofDays(365);

	private static final CacheConfiguration DEFAULTS = new CacheConfiguration(DEFAULT_TTL, true, true, DEFAULT_L1_TTL,
			DEFAULT_L1_MAX_SIZE, DEFAULT_GENERATION_REFRESH, true, LoadSettings.DEFAULTS);

	private final @Nullable Duration ttl;

	private final boolean allowNullValues;

	private final boolean l1Enabled;

	private final Duration l1Ttl;

	private final long l1MaxSize;

	private final Duration generationRefresh;

	private final boolean coherence;

	private final LoadSettings loading;

	private CacheConfiguration(@Nullable Duration ttl, boolean allowNullValues, boolean l1Enabled, Duration l1Ttl,
			long l1MaxSize, Duration generationRefresh, boolean coherence, LoadSettings loading) {
		this.ttl = ttl;
		this.allowNullValues = allowNullValues;
		this.l1Enabled = l1Enabled;
		this.l1Ttl = l1Ttl;
		this.l1MaxSize = l1MaxSize;
		this.generationRefresh = generationRefresh;
		this.coherence = coherence;
		this.loading = loading;
	}

	/**
	 * Returns the defaults: entries live one hour, nulls are cached, L1 on for at most 30
	 * seconds and 64 MiB, the generation read again every second, coherence across
	 * instances on.
	 * @return the default configuration
	 */
	public static CacheConfiguration defaults() {
		return DEFAULTS;
	}

	/**
	 * Returns how long entries live in L2 (and at most in L1).
	 * @return the TTL, or empty when entries do not expire
	 */
	public Optional<Duration> ttl() {
		return Optional.ofNullable(this.ttl);
	}

	/**
	 * Tells whether {@code null} values are cached, as an explicit marker.
	 * @return {@code true} when nulls are cached
	 */
	public boolean allowNullValues() {
		return this.allowNullValues;
	}

	/**
	 * Tells whether the cache keeps an in-process L1.
	 * @return {@code true} when L1 is on
	 */
	public boolean l1Enabled() {
		return this.l1Enabled;
	}

	/**
	 * Returns the longest time an entry stays in L1.
	 * @return a positive duration
	 */
	public Duration l1Ttl() {
		return this.l1Ttl;
	}

	/**
	 * Returns the bound of the cache's L1: the estimated heap bytes of the values, keys
	 * and entries it holds.
	 * @return a positive number of bytes
	 */
	public long l1MaxSize() {
		return this.l1MaxSize;
	}

	/**
	 * Returns how long the generation read from L2 is trusted before it is read again.
	 * @return a positive duration
	 */
	public Duration generationRefresh() {
		return this.generationRefresh;
	}

	/**
	 * Returns this configuration with another TTL.
	 * @param ttl how long entries live; {@code null} or zero for no expiry; over
	 * {@link #MAX_TTL}, that
	 * @return the new configuration
	 * @throws IllegalArgumentException when {@code ttl} is negative
	 */
	public CacheConfiguration withTtl(@Nullable Duration ttl) {
		if (ttl != null && ttl.isNegative()) {
			throw new IllegalArgumentException("ttl must not be negative (zero means no expiry), was " + ttl);
		}
		Duration effective = (ttl == null || ttl.isZero()) ? null : (ttl.compareTo(MAX_TTL) > 0) ? MAX_TTL : ttl;
		return new CacheConfiguration(effective, this.allowNullValues, this.l1Enabled, this.l1Ttl, this.l1MaxSize,
				this.generationRefresh, this.coherence, this.loading);
	}

	/**
	 * Returns this configuration with null values cached or not. When not,
	 * {@code put(key, null)} is refused and a loader's {@code null} is returned without
	 * being cached.
	 * @param allowNullValues whether nulls are cached
	 * @return the new configuration
	 */
	public CacheConfiguration withAllowNullValues(boolean allowNullValues) {
		return new CacheConfiguration(this.ttl, allowNullValues, this.l1Enabled, this.l1Ttl, this.l1MaxSize,
				this.generationRefresh, this.coherence, this.loading);
	}

	/**
	 * Returns this configuration with L1 on or off.
	 * @param l1Enabled whether the cache keeps an L1
	 * @return the new configuration
	 */
	public CacheConfiguration withL1Enabled(boolean l1Enabled) {
		return new CacheConfiguration(this.ttl, this.allowNullValues, l1Enabled, this.l1Ttl, this.l1MaxSize,
				this.generationRefresh, this.coherence, this.loading);
	}

	/**
	 * Returns this configuration with another L1 TTL: the longest time an entry stays in
	 * L1, which also bounds how long a value changed by another process may be served
	 * here.
	 * @param l1Ttl a positive duration
	 * @return the new configuration
	 * @throws IllegalArgumentException when not positive
	 */
	public CacheConfiguration withL1Ttl(Duration l1Ttl) {
		return new CacheConfiguration(this.ttl, this.allowNullValues, this.l1Enabled, positive("l1Ttl", l1Ttl),
				this.l1MaxSize, this.generationRefresh, this.coherence, this.loading);
	}

	/**
	 * Returns this configuration with another L1 bound.
	 * @param bytes the most estimated heap bytes (values, keys and entries) L1 holds, at
	 * least 1
	 * @return the new configuration
	 * @throws IllegalArgumentException when not positive
	 */
	public CacheConfiguration withL1MaxSize(long bytes) {
		if (bytes < 1) {
			throw new IllegalArgumentException("l1MaxSize must be at least 1 byte, was " + bytes);
		}
		return new CacheConfiguration(this.ttl, this.allowNullValues, this.l1Enabled, this.l1Ttl, bytes,
				this.generationRefresh, this.coherence, this.loading);
	}

	/**
	 * Returns this configuration with another generation refresh interval: the delay
	 * before this process sees another process's {@code clear()}.
	 * @param interval a positive duration
	 * @return the new configuration
	 * @throws IllegalArgumentException when not positive
	 */
	public CacheConfiguration withGenerationRefresh(Duration interval) {
		return new CacheConfiguration(this.ttl, this.allowNullValues, this.l1Enabled, this.l1Ttl, this.l1MaxSize,
				positive("generationRefresh", interval), this.coherence, this.loading);
	}

	/**
	 * Tells whether the cache keeps its L1 coherent with the changes other instances
	 * make, through an invalidation journal in L2 (and a broadcast where the backend
	 * offers one). Off, nothing is written to or read from the journal, and a change made
	 * elsewhere may be served here for up to the L1 TTL. Without L2 there is nothing to
	 * keep coherent.
	 * @return {@code true} when on
	 */
	public boolean coherence() {
		return this.coherence;
	}

	/**
	 * Returns this configuration with coherence across instances on or off.
	 * @param coherence whether to keep L1 coherent across instances
	 * @return the new configuration
	 * @see #coherence()
	 */
	public CacheConfiguration withCoherence(boolean coherence) {
		return new CacheConfiguration(this.ttl, this.allowNullValues, this.l1Enabled, this.l1Ttl, this.l1MaxSize,
				this.generationRefresh, coherence, this.loading);
	}

	@Override
	public boolean equals(@Nullable Object other) {
		if (this == other) {
			return true;
		}
		return other instanceof CacheConfiguration that && Objects.equals(this.ttl, that.ttl)
				&& this.allowNullValues == that.allowNullValues && this.l1Enabled == that.l1Enabled
				&& this.l1Ttl.equals(that.l1Ttl) && this.l1MaxSize == that.l1MaxSize
				&& this.generationRefresh.equals(that.generationRefresh) && this.coherence == that.coherence
				&& this.loading.equals(that.loading);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.ttl, this.allowNullValues, this.l1Enabled, this.l1Ttl, this.l1MaxSize,
				this.generationRefresh, this.coherence, this.loading);
	}

	@Override
	public String toString() {
		return "CacheConfiguration[ttl=" + ((this.ttl != null) ? this.ttl : "none") + ", allowNullValues="
				+ this.allowNullValues + ", l1Enabled=" + this.l1Enabled + ", l1Ttl=" + this.l1Ttl + ", l1MaxSize="
				+ this.l1MaxSize + ", generationRefresh=" + this.generationRefresh + ", coherence=" + this.coherence
				+ ", " + this.loading + "]";
	}

	// Loading: the cluster-wide lease, refresh-ahead and serve-stale.

	/**
	 * Tells whether a miss with a loader takes a lease in L2 first, so that one process
	 * of the cluster loads the key while the others wait for its entry.
	 * @return {@code true} when the lease is on
	 */
	public boolean leaseEnabled() {
		return this.loading.leaseEnabled();
	}

	/**
	 * Returns how long a lease lives when its holder never releases it (a process that
	 * died mid-load): the longest others wait for a dead holder.
	 * @return a positive duration
	 */
	public Duration leaseTtl() {
		return this.loading.leaseTtl();
	}

	/**
	 * Returns how long a caller that lost the lease waits for the holder's entry before
	 * loading itself.
	 * @return a positive duration
	 */
	public Duration leaseMaxWait() {
		return this.loading.leaseMaxWait();
	}

	/**
	 * Returns the first pause between two looks at L2 while waiting for a lease holder;
	 * it doubles up to {@link #leasePollMax()}.
	 * @return a positive duration
	 */
	public Duration leasePollInitial() {
		return this.loading.leasePollInitial();
	}

	/**
	 * Returns the longest pause between two looks at L2 while waiting for a lease holder.
	 * @return a positive duration
	 */
	public Duration leasePollMax() {
		return this.loading.leasePollMax();
	}

	/**
	 * Tells whether an entry read late in its life is returned and reloaded in the
	 * background, where the read has a loader.
	 * @return {@code true} when refresh-ahead is on
	 */
	public boolean refreshAheadEnabled() {
		return this.loading.refreshAheadEnabled();
	}

	/**
	 * Returns the fraction of the TTL after which a read reloads the entry.
	 * @return a fraction above 0 and below 1
	 */
	public double refreshAheadAt() {
		return this.loading.refreshAheadAt();
	}

	/**
	 * Returns the largest random fraction of the TTL added, per read, to
	 * {@link #refreshAheadAt()}, so that processes do not all reload at once.
	 * @return a fraction, at least 0 and below 1
	 */
	public double refreshAheadJitter() {
		return this.loading.refreshAheadJitter();
	}

	/**
	 * Returns how long past its freshness an entry is kept and may be served when L2 is
	 * out of reach or the loader fails.
	 * @return the grace, zero when stale entries are never served
	 */
	public Duration serveStaleGrace() {
		return this.loading.staleGrace();
	}

	/**
	 * Returns this configuration with the load lease on or off.
	 * @param enabled whether a miss with a loader takes a lease in L2 first
	 * @return the new configuration
	 */
	public CacheConfiguration withLease(boolean enabled) {
		LoadSettings l = this.loading;
		return withLoading(
				l.withLease(enabled, l.leaseTtl(), l.leaseMaxWait(), l.leasePollInitial(), l.leasePollMax()));
	}

	/**
	 * Returns this configuration with another lease TTL: how long others wait at most for
	 * a holder that died mid-load. Memcached counts it in whole seconds.
	 * @param ttl a positive duration, longer than most loads
	 * @return the new configuration
	 * @throws IllegalArgumentException when not positive or longer than a day
	 */
	public CacheConfiguration withLeaseTtl(Duration ttl) {
		LoadSettings l = this.loading;
		return withLoading(l.withLease(l.leaseEnabled(), atMostADay("leaseTtl", ttl), l.leaseMaxWait(),
				l.leasePollInitial(), l.leasePollMax()));
	}

	/**
	 * Returns this configuration with another bound on the wait of a caller that lost the
	 * lease.
	 * @param maxWait a positive duration
	 * @return the new configuration
	 * @throws IllegalArgumentException when not positive or longer than a day
	 */
	public CacheConfiguration withLeaseMaxWait(Duration maxWait) {
		LoadSettings l = this.loading;
		return withLoading(l.withLease(l.leaseEnabled(), l.leaseTtl(), atMostADay("leaseMaxWait", maxWait),
				l.leasePollInitial(), l.leasePollMax()));
	}

	/**
	 * Returns this configuration with another back-off between two looks at L2 while
	 * waiting for a lease holder: the first pause, doubled up to the longest, each pause
	 * jittered down by up to half.
	 * @param initial the first pause, positive
	 * @param max the longest pause, at least {@code initial}
	 * @return the new configuration
	 * @throws IllegalArgumentException when not positive or longer than a day or
	 * {@code max < initial}
	 */
	public CacheConfiguration withLeasePoll(Duration initial, Duration max) {
		atMostADay("leasePollInitial", initial);
		atMostADay("leasePollMax", max);
		if (max.compareTo(initial) < 0) {
			throw new IllegalArgumentException(
					"leasePollMax (" + max + ") must not be shorter than leasePollInitial (" + initial + ")");
		}
		LoadSettings l = this.loading;
		return withLoading(l.withLease(l.leaseEnabled(), l.leaseTtl(), l.leaseMaxWait(), initial, max));
	}

	/**
	 * Returns this configuration with refresh-ahead on or off.
	 * @param enabled whether an entry read late in its life is reloaded in the background
	 * @return the new configuration
	 */
	public CacheConfiguration withRefreshAhead(boolean enabled) {
		LoadSettings l = this.loading;
		return withLoading(l.withRefreshAhead(enabled, l.refreshAheadAt(), l.refreshAheadJitter()));
	}

	/**
	 * Returns this configuration with another refresh point.
	 * @param at the fraction of the TTL after which a read reloads, above 0 and below 1
	 * @return the new configuration
	 * @throws IllegalArgumentException when out of range
	 */
	public CacheConfiguration withRefreshAheadAt(double at) {
		if (!(at > 0 && at < 1)) {
			throw new IllegalArgumentException("refreshAheadAt must be above 0 and below 1, was " + at);
		}
		LoadSettings l = this.loading;
		return withLoading(l.withRefreshAhead(l.refreshAheadEnabled(), at, l.refreshAheadJitter()));
	}

	/**
	 * Returns this configuration with another refresh jitter.
	 * @param jitter the largest random fraction of the TTL added per read, at least 0 and
	 * below 1
	 * @return the new configuration
	 * @throws IllegalArgumentException when out of range
	 */
	public CacheConfiguration withRefreshAheadJitter(double jitter) {
		if (!(jitter >= 0 && jitter < 1)) {
			throw new IllegalArgumentException("refreshAheadJitter must be at least 0 and below 1, was " + jitter);
		}
		LoadSettings l = this.loading;
		return withLoading(l.withRefreshAhead(l.refreshAheadEnabled(), l.refreshAheadAt(), jitter));
	}

	/**
	 * Returns this configuration with another serve-stale grace: entries stay that much
	 * longer in L2 and L1, past their freshness, and are served only when L2 is out of
	 * reach or the loader fails.
	 * @param grace the grace; zero turns serve-stale off
	 * @return the new configuration
	 * @throws IllegalArgumentException when negative or over
	 * {@link #MAX_SERVE_STALE_GRACE}
	 */
	public CacheConfiguration withServeStaleGrace(Duration grace) {
		Objects.requireNonNull(grace, "serveStaleGrace must not be null");
		if (grace.isNegative()) {
			throw new IllegalArgumentException(
					"serveStaleGrace must not be negative (zero turns it off), was " + grace);
		}
		if (grace.compareTo(MAX_SERVE_STALE_GRACE) > 0) {
			throw new IllegalArgumentException(
					"serveStaleGrace must be at most " + MAX_SERVE_STALE_GRACE.toDays() + " days, was " + grace);
		}
		return withLoading(this.loading.withStaleGrace(grace));
	}

	LoadSettings loading() {
		return this.loading;
	}

	private CacheConfiguration withLoading(LoadSettings loading) {
		return new CacheConfiguration(this.ttl, this.allowNullValues, this.l1Enabled, this.l1Ttl, this.l1MaxSize,
				this.generationRefresh, this.coherence, loading);
	}

	private static Duration atMostADay(String name, Duration value) {
		positive(name, value);
		if (value.compareTo(Duration.ofDays(1)) > 0) {
			throw new IllegalArgumentException(name + " must be at most a day, was " + value);
		}
		return value;
	}

	private static Duration positive(String name, Duration value) {
		Objects.requireNonNull(value, () -> name + " must not be null");
		if (value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException(name + " must be positive, was " + value);
		}
		return value;
	}

}
