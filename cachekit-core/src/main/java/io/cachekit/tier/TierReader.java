package io.cachekit.tier;

import java.time.Instant;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The read path of a {@link TieredCache}: L1 first, then L2, whose hit fills L1 for the
 * rest of its L2 lifetime unless the key changed while it was read.
 *
 * <p>
 * An entry past its freshness is never served, except by {@link StaleEntries} when L2
 * cannot be asked or, through {@link #staleAfterFailedLoad(String)}, when a loader
 * failed. Counts per tier only (in {@link L1Store} and {@link RemoteTier}); the facade
 * counts the cache as a whole. Thread-safe.
 */
final class TierReader {

	private final ChangeStamps stamps;

	private final L1Store l1;

	private final RemoteTier l2;

	private final GenerationTracker generations;

	private final StaleEntries stale;

	TierReader(ChangeStamps stamps, L1Store l1, RemoteTier l2, GenerationTracker generations) {
		this(stamps, l1, l2, generations, StaleEntries.off());
	}

	TierReader(ChangeStamps stamps, L1Store l1, RemoteTier l2, GenerationTracker generations, StaleEntries stale) {
		this.stamps = stamps;
		this.l1 = l1;
		this.l2 = l2;
		this.generations = generations;
		this.stale = stale;
	}

	/**
	 * Looks a key up in L1, then L2, with the current generation.
	 * @param keyString the key
	 * @return the hit, or {@code null}
	 */
	@Nullable CacheHit lookup(String keyString) {
		long generation = this.generations.current();
		L1Entry entry = this.l1.lookupEntry(keyString, generation);
		if (entry != null) {
			return entry.found().hit();
		}
		return this.l2.isPresent() ? hit(readL2(keyString, generation)) : null;
	}

	/**
	 * Looks a key up in L1, then L2, with the current generation, and tells when the
	 * entry expires.
	 * @param keyString the key
	 * @return what was found, or {@code null}
	 */
	@Nullable Found find(String keyString) {
		long generation = this.generations.current();
		L1Entry entry = this.l1.lookupEntry(keyString, generation);
		if (entry != null) {
			return entry.found();
		}
		return this.l2.isPresent() ? readL2(keyString, generation) : null;
	}

	/**
	 * Looks a key up in L1 only, with the generation known now, without going to L2.
	 * @param keyString the key
	 * @return the hit, or {@code null}
	 */
	@Nullable CacheHit lookupL1(String keyString) {
		return hit(findL1(keyString));
	}

	/**
	 * Looks a key up in L1 only, with the generation known now, without going to L2.
	 * @param keyString the key
	 * @return what was found, or {@code null}
	 */
	@Nullable Found findL1(String keyString) {
		L1Entry entry = this.l1.lookupEntry(keyString, this.generations.cached());
		return (entry != null) ? entry.found() : null;
	}

	/**
	 * Looks a key up in L1 only, without counting.
	 * @param keyString the key
	 * @return the hit, or {@code null}
	 */
	@Nullable CacheHit peekL1(String keyString) {
		return this.l1.peek(keyString, this.generations.cached());
	}

	/**
	 * Looks a key up a second time, for a caller about to load it after another load of
	 * the key ended: L1 without counting, then L2.
	 * @param keyString the key
	 * @return the hit, or {@code null}
	 */
	@Nullable CacheHit lookAgain(String keyString) {
		CacheHit hit = peekL1(keyString);
		return (hit != null || !this.l2.isPresent()) ? hit : readL2(keyString);
	}

	/**
	 * Reads a key from L2 with the current generation and fills L1 with a hit.
	 * @param keyString the key
	 * @return the hit, or {@code null}
	 */
	@Nullable CacheHit readL2(String keyString) {
		return hit(findL2(keyString));
	}

	/**
	 * Reads a key from L2 with the current generation and fills L1 with a hit.
	 * @param keyString the key
	 * @return what was found, or {@code null}
	 */
	@Nullable Found findL2(String keyString) {
		return readL2(keyString, this.generations.current());
	}

	/**
	 * Finds an entry past its freshness but within the serve-stale grace, in L1 then L2,
	 * for a caller whose loader failed; an entry another process wrote meanwhile is
	 * served too.
	 * @param keyString the key
	 * @return the entry to serve, or {@code null} when there is none or serve-stale is
	 * off
	 */
	@Nullable Found staleAfterFailedLoad(String keyString) {
		if (!this.stale.isOn()) {
			return null;
		}
		long generation = this.generations.cached();
		L1Entry old = this.l1.stale(keyString, generation);
		if (old != null) {
			return new Found(this.stale.serve(old.value(), StaleEntries.Cause.LOADER_FAILED), old.expiresAt(), true,
					old.tags());
		}
		if (!this.l2.isPresent()) {
			return null;
		}
		RemoteTier.Lookup found = this.l2.lookup(generation, keyString, this.stamps.current(keyString));
		RemoteTier.Entry fresh = found.fresh();
		if (fresh != null) {
			return new Found(new CacheHit(fresh.value()), fresh.expiresAt(), false, fresh.tags());
		}
		RemoteTier.Entry stale = found.stale();
		return (stale != null) ? new Found(this.stale.serve(stale.value(), StaleEntries.Cause.LOADER_FAILED),
				stale.expiresAt(), true, stale.tags()) : null;
	}

	/**
	 * Tells whether this thread's last L2 read was of the key and timed out.
	 * @param keyString the key
	 * @return {@code true} when it was
	 */
	boolean timedOut(String keyString) {
		return this.l2.readTimedOut(keyString);
	}

	/**
	 * Tells whether serve-stale is on.
	 * @return {@code true} when entries past their freshness may be served
	 */
	boolean servesStale() {
		return this.stale.isOn();
	}

	private @Nullable Found readL2(String keyString, long generation) {
		long seen = this.stamps.current(keyString);
		RemoteTier.Lookup found = this.l2.lookup(generation, keyString, seen);
		RemoteTier.Entry entry = found.fresh();
		if (entry != null) {
			this.l1.fill(keyString, entry.value(), generation, entry.expiresAt(), entry.tags(), seen);
			return new Found(new CacheHit(entry.value()), entry.expiresAt(), false, entry.tags());
		}
		if (found.unreachable() && this.stale.isOn()) {
			L1Entry old = this.l1.stale(keyString, this.generations.cached());
			if (old != null) {
				return new Found(this.stale.serve(old.value(), StaleEntries.Cause.L2_UNREACHABLE), old.expiresAt(),
						true, old.tags());
			}
		}
		return null;
	}

	private static @Nullable CacheHit hit(@Nullable Found found) {
		return (found != null) ? found.hit() : null;
	}

	/**
	 * An entry found by a read.
	 *
	 * @param hit the value
	 * @param expiresAt the end of its freshness in the cluster (its L2 expiry), or
	 * {@code null} when it does not expire
	 * @param stale whether it is past its freshness, served by serve-stale
	 * @param tags the version of each tag it was written with, empty for none
	 */
	record Found(CacheHit hit, @Nullable Instant expiresAt, boolean stale, Map<String, Long> tags) {

	}

}
