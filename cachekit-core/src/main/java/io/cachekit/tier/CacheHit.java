package io.cachekit.tier;

import org.jspecify.annotations.Nullable;

/**
 * A value found in a {@link TieredCache}, possibly a cached {@code null}.
 *
 * <p>
 * A lookup answers {@code null} for a miss and a {@code CacheHit} for a hit, so a cached
 * {@code null} and a miss stay apart.
 *
 * @param value the cached value, {@code null} when a null was cached
 */
public record CacheHit(@Nullable Object value) {

}
