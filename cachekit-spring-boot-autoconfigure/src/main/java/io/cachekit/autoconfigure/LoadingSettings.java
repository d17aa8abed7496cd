package io.cachekit.autoconfigure;

import java.time.Duration;

import io.cachekit.tier.CacheConfiguration;
import org.jspecify.annotations.Nullable;

/**
 * Applies the loading properties (the load lease under {@code cachekit.lock},
 * refresh-ahead under {@code cachekit.refresh-ahead}, serve-stale under
 * {@code cachekit.serve-stale}, and the same under {@code cachekit.caches.<name>}) to a
 * {@link CacheConfiguration}, failing startup with a message that names the property when
 * a value is out of range.
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
		CacheConfiguration leased = lease(configuration, "cachekit.lock.", lock.isEnabled(), lock.getTtl(),
				lock.getMaxWait(), lock.getPollInitial(), lock.getPollMax());
		CachekitProperties.RefreshAhead refresh = properties.getRefreshAhead();
		CacheConfiguration refreshed = refreshAhead(leased, "cachekit.refresh-ahead.", refresh.isEnabled(),
				refresh.getAt(), refresh.getJitter());
		return serveStale(refreshed, "cachekit.serve-stale.grace", properties.getServeStale().getGrace());
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
		CacheConfiguration leased = lease(settings, prefix + "lock.",
				(enabled != null) ? enabled : settings.leaseEnabled(), orElse(lock.getTtl(), settings.leaseTtl()),
				orElse(lock.getMaxWait(), settings.leaseMaxWait()),
				orElse(lock.getPollInitial(), settings.leasePollInitial()),
				orElse(lock.getPollMax(), settings.leasePollMax()));
		CachekitProperties.CacheRefreshAhead refresh = spec.getRefreshAhead();
		Boolean refreshEnabled = refresh.getEnabled();
		Double at = refresh.getAt();
		Double jitter = refresh.getJitter();
		CacheConfiguration refreshed = refreshAhead(leased, prefix + "refresh-ahead.",
				(refreshEnabled != null) ? refreshEnabled : settings.refreshAheadEnabled(),
				(at != null) ? at : settings.refreshAheadAt(),
				(jitter != null) ? jitter : settings.refreshAheadJitter());
		Duration grace = spec.getServeStale().getGrace();
		return (grace != null) ? serveStale(refreshed, prefix + "serve-stale.grace", grace) : refreshed;
	}

	private static CacheConfiguration refreshAhead(CacheConfiguration configuration, String prefix, boolean enabled,
			double at, double jitter) {
		if (!(at > 0 && at < 1)) {
			throw PropertyMessages.invalid(prefix + "at", at, "must be above 0 and below 1 (a fraction of the TTL)");
		}
		if (!(jitter >= 0 && jitter < 1)) {
			throw PropertyMessages.invalid(prefix + "jitter", jitter,
					"must be at least 0 and below 1 (a fraction of the TTL)");
		}
		return configuration.withRefreshAhead(enabled).withRefreshAheadAt(at).withRefreshAheadJitter(jitter);
	}

	private static CacheConfiguration serveStale(CacheConfiguration configuration, String property, Duration grace) {
		if (grace.isNegative()) {
			throw PropertyMessages.invalid(property, grace, "must not be negative (zero turns serve-stale off)");
		}
		return configuration.withServeStaleGrace(grace);
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
