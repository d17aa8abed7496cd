package io.cachekit.tier;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A value held in L1.
 *
 * @param value the decoded value, {@code null} for a cached null
 * @param weight the encoded size in bytes, which bounds L1
 * @param generation the cache generation the value belongs to
 * @param expiresAtNanos when it leaves L1, on the cache's ticker: its freshness end plus
 * the serve-stale grace
 * @param freshUntilNanos until when it is served normally, on the cache's ticker
 * @param expiresAt its L2 expiry (the end of its freshness in the cluster), or
 * {@code null} when it does not expire
 */
record L1Entry(@Nullable Object value, int weight, long generation, long expiresAtNanos, long freshUntilNanos,
		@Nullable Instant expiresAt) {

	boolean isFresh(long now) {
		return now - this.freshUntilNanos < 0;
	}

}
