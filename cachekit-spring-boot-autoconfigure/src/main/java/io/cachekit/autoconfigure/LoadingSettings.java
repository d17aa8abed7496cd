package io.cachekit.autoconfigure;

import java.time.Duration;

import io.cachekit.tier.CacheConfiguration;
import org.jspecify.annotations.Nullable;

/**
 * Applies the loading properties (the load lease under {@code cachekit.lock} and
 * {@code cachekit.caches.<name>.lock}) to a {@link CacheConfiguration}, failing startup
 * with a message that names the property when a value is out of range.
 */
final class LoadingSettings {

	private LoadingSettings() {
	}

	/**
	 * Applies the global settings.
	 * @param configuration the defaults so far
	 * @param properties the properties
	 * @return the defaults with the loading settings
	 */
	static CacheConfiguration defaults(CacheConfiguration configuration, CachekitProperties properties) {
		CachekitProperties.Lock lock = properties.getLock();
		return lease(configuration, "cachekit.lock.", lock.isEnabled(), lock.getTtl(), lock.getMaxWait(),
				lock.getPollInitial(), lock.getPollMax());
	}

	/**
	 * Applies the settings of one cache over the defaults.
	 * @param settings the cache's settings so far
	 * @param prefix the cache's property prefix, {@code cachekit.caches.<name>.}
	 * @param spec the cache's properties
	 * @return the settings with the cache's loading settings
	 */
	static CacheConfiguration cache(CacheConfiguration settings, String prefix, CachekitProperties.CacheSpec spec) {
		CachekitProperties.CacheLock lock = spec.getLock();
		Boolean enabled = lock.getEnabled();
		return lease(settings, prefix + "lock.", (enabled != null) ? enabled : settings.leaseEnabled(),
				orElse(lock.getTtl(), settings.leaseTtl()), orElse(lock.getMaxWait(), settings.leaseMaxWait()),
				orElse(lock.getPollInitial(), settings.leasePollInitial()),
				orElse(lock.getPollMax(), settings.leasePollMax()));
	}

	private static CacheConfiguration lease(CacheConfiguration configuration, String prefix, boolean enabled,
			Duration ttl, Duration maxWait, Duration pollInitial, Duration pollMax) {
		positive(prefix + "ttl", ttl);
		positive(prefix + "max-wait", maxWait);
		positive(prefix + "poll-initial", pollInitial);
		positive(prefix + "poll-max", pollMax);
		if (pollMax.compareTo(pollInitial) < 0) {
			throw PropertyMessages.invalid(prefix + "poll-max", pollMax,
					"must not be shorter than " + prefix + "poll-initial (" + pollInitial + ")");
		}
		return configuration.withLease(enabled)
			.withLeaseTtl(ttl)
			.withLeaseMaxWait(maxWait)
			.withLeasePoll(pollInitial, pollMax);
	}

	private static void positive(String property, Duration value) {
		if (value.isNegative() || value.isZero()) {
			throw PropertyMessages.invalid(property, value, "must be positive");
		}
	}

	private static Duration orElse(@Nullable Duration value, Duration fallback) {
		return (value != null) ? value : fallback;
	}

}
