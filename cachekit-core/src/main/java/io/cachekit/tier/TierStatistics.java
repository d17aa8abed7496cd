package io.cachekit.tier;

import io.cachekit.backend.BackendErrorType;
import io.cachekit.codec.CodecException;

/**
 * Running counts of what one tier of a {@link TieredCache} did since the cache was
 * created. Counts only grow; reading them is cheap and thread-safe.
 */
public interface TierStatistics {

	/**
	 * Returns the lookups answered by this tier.
	 * @return the hit count
	 */
	long hitCount();

	/**
	 * Returns the lookups this tier could not answer, failures included.
	 * @return the miss count
	 */
	long missCount();

	/**
	 * Returns the values written to this tier.
	 * @return the put count
	 */
	long putCount();

	/**
	 * Returns the entries removed from this tier: evicted by size, removed by
	 * {@code evict}, or dropped because they were unreadable.
	 * @return the eviction count
	 */
	long evictionCount();

	/**
	 * Returns the failed operations of one kind on this tier; only L2 has them.
	 * @param type the kind of failure
	 * @return the count
	 */
	long errorCount(BackendErrorType type);

	/**
	 * Returns the values that could not be encoded or decoded, by kind.
	 * @param kind the kind of codec failure
	 * @return the count
	 */
	long codecErrorCount(CodecException.Kind kind);

	/**
	 * Returns the number of values refused because they were over the backend's size
	 * limit or otherwise not storable.
	 * @return the count
	 */
	long rejectedCount();

	/**
	 * Returns the changes this cache announced to other instances on its invalidation
	 * journal; counted for the cache as a whole.
	 * @return the count
	 */
	default long invalidationsSentCount() {
		return 0;
	}

	/**
	 * Returns the changes of other instances this cache applied to its L1, read from the
	 * journal or pushed; counted for the cache as a whole.
	 * @return the count
	 */
	default long invalidationsReceivedCount() {
		return 0;
	}

	/**
	 * Returns the times this cache dropped its whole L1 because changes of other
	 * instances may have been missed (a gap in the journal); counted for the cache as a
	 * whole.
	 * @return the count
	 */
	default long invalidationGapCount() {
		return 0;
	}

	/**
	 * Returns the entries served past their freshness, within the serve-stale grace,
	 * because L2 was out of reach or the loader failed. Counted for the cache as a whole;
	 * zero for a single tier.
	 * @return the count
	 */
	default long staleCount() {
		return 0;
	}

}
