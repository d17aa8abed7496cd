package io.cachekit.tier;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * Refresh-ahead: an entry read, with a loader at hand, in the last part of its TTL is
 * returned at once and reloaded in the background on the cache's executor.
 *
 * <p>
 * The point is {@code at} of the TTL plus, per read, a random part of up to
 * {@code jitter}, so that processes do not all reload at once. A key is reloaded once at
 * a time in this process; with the {@link LoadLease load lease} on, once in the cluster:
 * the reload takes the key's lease without waiting (a process that finds it taken leaves
 * the reload to its holder), then reads L2 again and only loads when the entry there is
 * still due, so a process that reads after another one refreshed takes the new entry
 * instead of loading. A failed reload leaves the entry as it was and is logged once.
 * Entries without expiry are never refreshed. Thread-safe.
 */
final class RefreshAhead {

	private final boolean on;

	private final @Nullable Duration ttl;

	private final double at;

	private final double jitter;

	private final Clock clock;

	private final Executor executor;

	private final LoadLease lease;

	private final TierReader reader;

	private final ProblemLog problems;

	private final Set<String> running = ConcurrentHashMap.newKeySet();

	/** Reloads started, for tests and diagnostics. */
	final LongAdder reloads = new LongAdder();

	RefreshAhead(CacheConfiguration configuration, Clock clock, Executor executor, LoadLease lease, TierReader reader,
			ProblemLog problems) {
		this.ttl = configuration.ttl().orElse(null);
		this.on = configuration.refreshAheadEnabled() && this.ttl != null;
		this.at = configuration.refreshAheadAt();
		this.jitter = configuration.refreshAheadJitter();
		this.clock = clock;
		this.executor = executor;
		this.lease = lease;
		this.reader = reader;
		this.problems = problems;
	}

	/**
	 * Starts a background reload of a key when the entry just read is due for one.
	 * @param keyString the key
	 * @param found the entry read
	 * @param reload loads and stores the value; its future completes once stored
	 */
	void afterHit(String keyString, TierReader.Found found, Supplier<CompletableFuture<?>> reload) {
		// An entry with tags is not reloaded: the loader does not say what the reloaded
		// value's tags are.
		if (!this.on || found.stale() || !found.tags().isEmpty() || !isDue(found.expiresAt(), this.jitter)) {
			return;
		}
		if (!this.running.add(keyString)) {
			return;
		}
		try {
			this.executor.execute(() -> reload(keyString, reload));
		}
		catch (RuntimeException ex) {
			// Saturated or shut down: the entry is served until it expires.
			this.running.remove(keyString);
		}
	}

	private void reload(String keyString, Supplier<CompletableFuture<?>> reload) {
		LoadLease.Claim claim = null;
		try {
			claim = this.lease.tryClaim(keyString);
			if (claim == null) {
				// Another process holds the key's lease: it reloads.
				this.running.remove(keyString);
				return;
			}
			TierReader.Found current = this.reader.findL2(keyString);
			if (current != null && !current.stale() && !isDue(current.expiresAt(), 0)) {
				// Another process refreshed it; that entry is now in L1 too.
				end(keyString, claim, null);
				return;
			}
			this.reloads.increment();
			LoadLease.Claim held = claim;
			reload.get().whenComplete((value, failure) -> end(keyString, held, failure));
		}
		catch (Throwable ex) {
			end(keyString, (claim != null) ? claim : LoadLease.Claim.NONE, ex);
		}
	}

	private void end(String keyString, LoadLease.Claim claim, @Nullable Throwable failure) {
		try {
			claim.release();
		}
		finally {
			this.running.remove(keyString);
			if (failure != null) {
				this.problems.warn("refresh:" + failure.getClass().getName(),
						"a refresh-ahead reload failed, the entry is served until it expires: " + failure, null);
			}
		}
	}

	/**
	 * Tells whether an entry expiring at {@code expiresAt} is in the last part of its
	 * TTL.
	 * @param expiresAt the entry's expiry, or {@code null}
	 * @param jitter the largest random part added to the refresh point
	 * @return {@code true} when due
	 */
	boolean isDue(@Nullable Instant expiresAt, double jitter) {
		Duration ttl = this.ttl;
		if (!this.on || expiresAt == null || ttl == null) {
			return false;
		}
		Duration left = Duration.between(this.clock.instant(), expiresAt);
		if (left.isNegative() || left.isZero()) {
			return false;
		}
		double point = Math.min(1, this.at + ((jitter > 0) ? ThreadLocalRandom.current().nextDouble(jitter) : 0));
		long windowMillis = (long) (ttl.toMillis() * (1 - point));
		return left.toMillis() <= windowMillis;
	}

}
