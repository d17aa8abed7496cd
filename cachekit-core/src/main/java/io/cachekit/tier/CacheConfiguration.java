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

	/** An entry stays at most 30 seconds in L1 unless configured otherwise. */
	public static final Duration DEFAULT_L1_TTL = Duration.ofSeconds(30);

	/** L1 holds at most 64 MiB of encoded values unless configured otherwise. */
	public static final long DEFAULT_L1_MAX_SIZE = 64L * 1024 * 1024;

	/** The generation is read again from L2 every second unless configured otherwise. */
	public static final Duration DEFAULT_GENERATION_REFRESH = Duration.ofSeconds(1);

	private static final CacheConfiguration DEFAULTS = new CacheConfiguration(DEFAULT_TTL, true, true, DEFAULT_L1_TTL,
			DEFAULT_L1_MAX_SIZE, DEFAULT_GENERATION_REFRESH, true);

	private final @Nullable Duration ttl;

	private final boolean allowNullValues;

	private final boolean l1Enabled;

	private final Duration l1Ttl;

	private final long l1MaxSize;

	private final Duration generationRefresh;

	private final boolean coherence;

	private CacheConfiguration(@Nullable Duration ttl, boolean allowNullValues, boolean l1Enabled, Duration l1Ttl,
			long l1MaxSize, Duration generationRefresh, boolean coherence) {
		this.ttl = ttl;
		this.allowNullValues = allowNullValues;
		this.l1Enabled = l1Enabled;
		this.l1Ttl = l1Ttl;
		this.l1MaxSize = l1MaxSize;
		this.generationRefresh = generationRefresh;
		this.coherence = coherence;
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
	 * Returns the bound of the cache's L1, in encoded bytes.
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
	 * @param ttl how long entries live; {@code null} or zero for no expiry
	 * @return the new configuration
	 * @throws IllegalArgumentException when {@code ttl} is negative
	 */
	public CacheConfiguration withTtl(@Nullable Duration ttl) {
		if (ttl != null && ttl.isNegative()) {
			throw new IllegalArgumentException("ttl must not be negative (zero means no expiry), was " + ttl);
		}
		Duration effective = (ttl == null || ttl.isZero()) ? null : ttl;
		return new CacheConfiguration(effective, this.allowNullValues, this.l1Enabled, this.l1Ttl, this.l1MaxSize,
				this.generationRefresh, this.coherence);
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
				this.generationRefresh, this.coherence);
	}

	/**
	 * Returns this configuration with L1 on or off.
	 * @param l1Enabled whether the cache keeps an L1
	 * @return the new configuration
	 */
	public CacheConfiguration withL1Enabled(boolean l1Enabled) {
		return new CacheConfiguration(this.ttl, this.allowNullValues, l1Enabled, this.l1Ttl, this.l1MaxSize,
				this.generationRefresh, this.coherence);
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
				this.l1MaxSize, this.generationRefresh, this.coherence);
	}

	/**
	 * Returns this configuration with another L1 bound.
	 * @param bytes the most encoded bytes L1 holds, at least 1
	 * @return the new configuration
	 * @throws IllegalArgumentException when not positive
	 */
	public CacheConfiguration withL1MaxSize(long bytes) {
		if (bytes < 1) {
			throw new IllegalArgumentException("l1MaxSize must be at least 1 byte, was " + bytes);
		}
		return new CacheConfiguration(this.ttl, this.allowNullValues, this.l1Enabled, this.l1Ttl, bytes,
				this.generationRefresh, this.coherence);
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
				positive("generationRefresh", interval), this.coherence);
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
				this.generationRefresh, coherence);
	}

	@Override
	public boolean equals(@Nullable Object other) {
		if (this == other) {
			return true;
		}
		return other instanceof CacheConfiguration that && Objects.equals(this.ttl, that.ttl)
				&& this.allowNullValues == that.allowNullValues && this.l1Enabled == that.l1Enabled
				&& this.l1Ttl.equals(that.l1Ttl) && this.l1MaxSize == that.l1MaxSize
				&& this.generationRefresh.equals(that.generationRefresh) && this.coherence == that.coherence;
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.ttl, this.allowNullValues, this.l1Enabled, this.l1Ttl, this.l1MaxSize,
				this.generationRefresh, this.coherence);
	}

	@Override
	public String toString() {
		return "CacheConfiguration[ttl=" + ((this.ttl != null) ? this.ttl : "none") + ", allowNullValues="
				+ this.allowNullValues + ", l1Enabled=" + this.l1Enabled + ", l1Ttl=" + this.l1Ttl + ", l1MaxSize="
				+ this.l1MaxSize + ", generationRefresh=" + this.generationRefresh + ", coherence=" + this.coherence
				+ "]";
	}

	private static Duration positive(String name, Duration value) {
		Objects.requireNonNull(value, () -> name + " must not be null");
		if (value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException(name + " must be positive, was " + value);
		}
		return value;
	}

}
