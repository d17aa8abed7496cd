package io.cachekit.tier;

import java.time.Instant;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A value held in L1, with the answer a lookup returns for it made once, when it is
 * stored, so that a hit allocates nothing.
 *
 * @param found what a lookup finds: the value and its L2 expiry (the end of its freshness
 * in the cluster, or {@code null} when it does not expire)
 * @param weight the estimated heap bytes of the value, its key and the entry, which bound
 * L1
 * @param generation the cache generation the value belongs to
 * @param expiresAtNanos when it leaves L1, on the cache's ticker: its freshness end plus
 * the serve-stale grace
 * @param freshUntilNanos until when it is served normally, on the cache's ticker
 * @param tags the version of each tag the value was written with, empty for none; it is
 * served only while each is its tag's version
 */
record L1Entry(TierReader.Found found, int weight, long generation, long expiresAtNanos, long freshUntilNanos,
		Map<String, Long> tags) {

	/**
	 * Returns the value.
	 * @return the decoded value, {@code null} for a cached null
	 */
	@Nullable Object value() {
		return this.found.hit().value();
	}

	/**
	 * Returns the value's L2 expiry.
	 * @return the expiry, or {@code null} when it does not expire
	 */
	@Nullable Instant expiresAt() {
		return this.found.expiresAt();
	}

	/**
	 * Tells whether the entry is served normally at a time.
	 * @param now the cache's ticker time
	 * @return whether its freshness has not ended
	 */
	boolean isFresh(long now) {
		return now - this.freshUntilNanos < 0;
	}

	/**
	 * Tells whether the entry may still be served at a time, fresh or within the
	 * serve-stale grace; past that it is dropped.
	 * @param now the cache's ticker time
	 * @return whether its deadline has not passed
	 */
	boolean isLive(long now) {
		return now - this.expiresAtNanos < 0;
	}

}
