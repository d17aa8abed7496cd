package io.cachekit.codec;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A decoded entry of the second tier.
 *
 * @param value the cached value; {@code null} when a null was cached
 * @param expiresAt when the entry expires, or {@code null} for never
 * @param tags the version of each tag the entry was written with (empty for an entry
 * without tags); immutable
 */
public record CachedValue(@Nullable Object value, @Nullable Instant expiresAt, Map<String, Long> tags) {

	/**
	 * Creates an entry, copying the tags.
	 * @param value the cached value
	 * @param expiresAt when the entry expires, or {@code null} for never
	 * @param tags the version of each tag the entry was written with
	 */
	public CachedValue {
		tags = Map.copyOf(Objects.requireNonNull(tags, "tags must not be null"));
	}

	/**
	 * Creates an entry without tags.
	 * @param value the cached value
	 * @param expiresAt when the entry expires, or {@code null} for never
	 */
	public CachedValue(@Nullable Object value, @Nullable Instant expiresAt) {
		this(value, expiresAt, Map.of());
	}

}
