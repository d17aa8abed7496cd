package io.cachekit.tier;

import org.jspecify.annotations.Nullable;

/**
 * A value held in L1.
 *
 * @param value the decoded value, {@code null} for a cached null
 * @param weight the encoded size in bytes, which bounds L1
 * @param generation the cache generation the value belongs to
 * @param expiresAtNanos when it leaves L1, on the cache's ticker
 */
record L1Entry(@Nullable Object value, int weight, long generation, long expiresAtNanos) {

}
