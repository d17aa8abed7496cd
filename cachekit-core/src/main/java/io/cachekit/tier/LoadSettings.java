package io.cachekit.tier;

import java.time.Duration;

/**
 * The loading settings of a {@link CacheConfiguration}: the cluster-wide load lease,
 * refresh-ahead and serve-stale. Kept together so that the configuration carries them as
 * one value. Immutable; the checks are made by the configuration's withers.
 *
 * @param leaseEnabled whether a miss takes a lease in L2 before loading
 * @param leaseTtl how long a lease lives when its holder never releases it
 * @param leaseMaxWait how long a caller that lost the lease waits for the entry before
 * loading itself
 * @param leasePollInitial the first pause between two looks at L2 while waiting
 * @param leasePollMax the longest pause between two looks at L2
 * @param refreshAheadEnabled whether an entry read late in its life is reloaded in the
 * background
 * @param refreshAheadAt the fraction of the TTL after which a read reloads
 * @param refreshAheadJitter the random fraction of the TTL added to
 * {@code refreshAheadAt} per read
 * @param staleGrace how long past its freshness an entry may still be served when L2 is
 * out of reach or the loader fails; zero for never
 */
record LoadSettings(boolean leaseEnabled, Duration leaseTtl, Duration leaseMaxWait, Duration leasePollInitial,
		Duration leasePollMax, boolean refreshAheadEnabled, double refreshAheadAt, double refreshAheadJitter,
		Duration staleGrace) {

	static final LoadSettings DEFAULTS = new LoadSettings(false, CacheConfiguration.DEFAULT_LEASE_TTL,
			CacheConfiguration.DEFAULT_LEASE_MAX_WAIT, CacheConfiguration.DEFAULT_LEASE_POLL_INITIAL,
			CacheConfiguration.DEFAULT_LEASE_POLL_MAX, false, CacheConfiguration.DEFAULT_REFRESH_AHEAD_AT,
			CacheConfiguration.DEFAULT_REFRESH_AHEAD_JITTER, Duration.ZERO);

	LoadSettings withLease(boolean enabled, Duration ttl, Duration maxWait, Duration pollInitial, Duration pollMax) {
		return new LoadSettings(enabled, ttl, maxWait, pollInitial, pollMax, this.refreshAheadEnabled,
				this.refreshAheadAt, this.refreshAheadJitter, this.staleGrace);
	}

	LoadSettings withRefreshAhead(boolean enabled, double at, double jitter) {
		return new LoadSettings(this.leaseEnabled, this.leaseTtl, this.leaseMaxWait, this.leasePollInitial,
				this.leasePollMax, enabled, at, jitter, this.staleGrace);
	}

	LoadSettings withStaleGrace(Duration grace) {
		return new LoadSettings(this.leaseEnabled, this.leaseTtl, this.leaseMaxWait, this.leasePollInitial,
				this.leasePollMax, this.refreshAheadEnabled, this.refreshAheadAt, this.refreshAheadJitter, grace);
	}

	@Override
	public String toString() {
		return "lease="
				+ (this.leaseEnabled ? "[ttl=" + this.leaseTtl + ", maxWait=" + this.leaseMaxWait + ", poll="
						+ this.leasePollInitial + ".." + this.leasePollMax + "]" : "off")
				+ ", refreshAhead=" + (this.refreshAheadEnabled
						? "[at=" + this.refreshAheadAt + ", jitter=" + this.refreshAheadJitter + "]" : "off")
				+ ", serveStaleGrace=" + this.staleGrace;
	}

}
