package io.cachekit.tier;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Serve-stale: an entry past its freshness but within the configured grace is served when
 * L2 cannot be asked or the loader fails, instead of a miss or the loader's failure. Each
 * one served is counted ({@link TierStatistics#staleCount()}) and the first of each cause
 * is logged; a stale entry is never served otherwise. Thread-safe.
 */
final class StaleEntries {

	private static final StaleEntries OFF = new StaleEntries(Duration.ZERO, new TierCounters(), new ProblemLog("-"));

	private final boolean on;

	private final TierCounters cacheCounters;

	private final ProblemLog problems;

	/**
	 * Creates the role.
	 * @param grace the serve-stale grace, zero for off
	 * @param cacheCounters the counts of the cache as a whole
	 * @param problems the cache's problem log
	 */
	StaleEntries(Duration grace, TierCounters cacheCounters, ProblemLog problems) {
		this.on = !grace.isZero() && !grace.isNegative();
		this.cacheCounters = cacheCounters;
		this.problems = problems;
	}

	static StaleEntries off() {
		return OFF;
	}

	boolean isOn() {
		return this.on;
	}

	/**
	 * Serves a stale value, counting it and logging the first of its cause.
	 * @param value the value
	 * @param cause why it is served
	 * @return the hit
	 */
	CacheHit serve(@Nullable Object value, Cause cause) {
		this.cacheCounters.stale.increment();
		if (cause == Cause.L2_UNREACHABLE) {
			// Logged again after L2 answered (the "l2:" problems recover together).
			this.problems.warn("l2:stale",
					"L2 is out of reach: serving entries past their freshness, within the " + "serve-stale grace",
					null);
		}
		else {
			this.problems.warn("stale:loader",
					"a loader failed: serving the entry past its freshness, within the serve-stale grace, "
							+ "instead of its exception",
					null);
		}
		return new CacheHit(value);
	}

	/**
	 * Why a stale entry was served.
	 */
	enum Cause {

		/** L2 failed, its circuit is open, or the generation is unknown. */
		L2_UNREACHABLE,

		/** The loader threw. */
		LOADER_FAILED

	}

}
