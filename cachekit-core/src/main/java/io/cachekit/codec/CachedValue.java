package io.cachekit.codec;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A decoded entry of the second tier.
 *
 * @param value the cached value; {@code null} when a null was cached
 * @param expiresAt when the entry expires, or {@code null} for never
 */
public record CachedValue(@Nullable Object value, @Nullable Instant expiresAt) {

}
