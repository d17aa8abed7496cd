package io.cachekit.spring;

import java.time.Duration;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * The settings of one cache of a {@link CachekitCacheManager}. Immutable; change it with
 * the {@code with*} methods, which check their argument at once.
 *
 * @param ttl how long entries live, or {@code null} for no expiry
 * @param allowNullValues whether {@code null} results are cached
 * @param l1Enabled whether the cache keeps an in-process L1
 * @param l1Ttl the longest time an entry stays in L1
 * @param l1MaxWeight the bound of this cache's L1, in encoded bytes
 */
public record CacheSettings(@Nullable Duration ttl, boolean allowNullValues, boolean l1Enabled, Duration l1Ttl,
		long l1MaxWeight) {

	/**
	 * Checks every setting.
	 * @param ttl how long entries live, or {@code null} (or zero) for no expiry
	 * @param allowNullValues whether {@code null} results are cached
	 * @param l1Enabled whether the cache keeps an L1
	 * @param l1Ttl a positive duration
	 * @param l1MaxWeight a positive number of bytes
	 * @throws IllegalArgumentException naming the setting that is out of range
	 */
	public CacheSettings {
		if (ttl != null && ttl.isNegative()) {
			throw new IllegalArgumentException("ttl must not be negative, was " + ttl);
		}
		ttl = (ttl == null || ttl.isZero()) ? null : ttl;
		Objects.requireNonNull(l1Ttl, "l1Ttl must not be null");
		if (l1Ttl.isNegative() || l1Ttl.isZero()) {
			throw new IllegalArgumentException("l1Ttl must be positive, was " + l1Ttl);
		}
		if (l1MaxWeight < 1) {
			throw new IllegalArgumentException("l1MaxWeight must be positive, was " + l1MaxWeight);
		}
	}

	/**
	 * Returns the defaults: entries live one hour, nulls are cached, L1 on for 30 seconds
	 * and 64 MiB.
	 * @return the default settings
	 */
	public static CacheSettings defaults() {
		return new CacheSettings(Duration.ofHours(1), true, true, Duration.ofSeconds(30), 64L * 1024 * 1024);
	}

	/**
	 * Returns these settings with another TTL.
	 * @param ttl how long entries live, or {@code null} for no expiry
	 * @return the new settings
	 */
	public CacheSettings withTtl(@Nullable Duration ttl) {
		return new CacheSettings(ttl, this.allowNullValues, this.l1Enabled, this.l1Ttl, this.l1MaxWeight);
	}

	/**
	 * Returns these settings with null values allowed or not.
	 * @param allowNullValues whether {@code null} results are cached
	 * @return the new settings
	 */
	public CacheSettings withAllowNullValues(boolean allowNullValues) {
		return new CacheSettings(this.ttl, allowNullValues, this.l1Enabled, this.l1Ttl, this.l1MaxWeight);
	}

	/**
	 * Returns these settings with L1 on or off.
	 * @param l1Enabled whether the cache keeps an L1
	 * @return the new settings
	 */
	public CacheSettings withL1Enabled(boolean l1Enabled) {
		return new CacheSettings(this.ttl, this.allowNullValues, l1Enabled, this.l1Ttl, this.l1MaxWeight);
	}

	/**
	 * Returns these settings with another L1 TTL.
	 * @param l1Ttl a positive duration
	 * @return the new settings
	 */
	public CacheSettings withL1Ttl(Duration l1Ttl) {
		return new CacheSettings(this.ttl, this.allowNullValues, this.l1Enabled, l1Ttl, this.l1MaxWeight);
	}

	/**
	 * Returns these settings with another L1 bound.
	 * @param l1MaxWeight a positive number of bytes
	 * @return the new settings
	 */
	public CacheSettings withL1MaxWeight(long l1MaxWeight) {
		return new CacheSettings(this.ttl, this.allowNullValues, this.l1Enabled, this.l1Ttl, l1MaxWeight);
	}

}
