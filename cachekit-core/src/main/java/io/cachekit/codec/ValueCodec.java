package io.cachekit.codec;

import java.time.Instant;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Turns cached values into envelope bytes for the second tier, and back.
 *
 * <p>
 * Every call names the L2 key the entry is stored under, as the cache gives it to the
 * backend ({@code <cache>:<generation>:<key>}, before any prefix or hashing the backend
 * adds). A codec should bind the key into the bytes and refuse, as
 * {@link CodecException.Kind#MISPLACED}, bytes read under another key, so that an entry
 * copied to another key, cache or generation is a miss instead of a wrong value. A codec
 * that ignores the key is allowed; it then serves such a copy as the value of the key it
 * was copied to.
 *
 * <p>
 * Implementations are thread-safe. {@code null} is a value like any other: it is written
 * as an explicit marker (never through Java serialization) and read back as a
 * {@link CachedValue} whose value is {@code null}.
 */
public interface ValueCodec {

	/**
	 * Encodes a value and its expiry time for one key.
	 * @param value the value, or {@code null} for a cached null
	 * @param expiresAt when the entry expires, or {@code null} for never
	 * @param key the L2 key the bytes will be stored under
	 * @return the envelope bytes
	 * @throws CodecException of kind {@link CodecException.Kind#UNSERIALIZABLE} when the
	 * value cannot be written
	 */
	byte[] encode(@Nullable Object value, @Nullable Instant expiresAt, String key);

	/**
	 * Encodes a value, its expiry time and the versions of its tags for one key; the tags
	 * come back in {@link CachedValue#tags()}. A codec that records tags must bind them
	 * as it binds the key, so that an entry's tags cannot be changed without the change
	 * being detected. This default records none: it encodes an entry without tags through
	 * {@link #encode(Object, Instant, String)} and refuses one with tags.
	 * @param value the value, or {@code null} for a cached null
	 * @param expiresAt when the entry expires, or {@code null} for never
	 * @param tags the version of each tag of the entry, empty for none
	 * @param key the L2 key the bytes will be stored under
	 * @return the envelope bytes
	 * @throws CodecException of kind {@link CodecException.Kind#UNSERIALIZABLE} when the
	 * value cannot be written, or when there are tags and this codec cannot record them
	 */
	default byte[] encode(@Nullable Object value, @Nullable Instant expiresAt, Map<String, Long> tags, String key) {
		if (!tags.isEmpty()) {
			throw new CodecException(CodecException.Kind.UNSERIALIZABLE,
					"Cannot encode tags: " + getClass().getName() + " does not record them", null);
		}
		return encode(value, expiresAt, key);
	}

	/**
	 * Decodes envelope bytes read under a key.
	 * @param bytes bytes read from the second tier
	 * @param key the L2 key they were read from
	 * @return the value and its expiry time
	 * @throws CodecException of kind {@link CodecException.Kind#CORRUPT} for garbage,
	 * truncated or damaged bytes, {@link CodecException.Kind#MISPLACED} for an entry
	 * written for another key, {@link CodecException.Kind#UNKNOWN_FORMAT} for an envelope
	 * of another version, codec or feature, {@link CodecException.Kind#UNTRUSTED_TYPE}
	 * when the bytes name a class outside the allowlist (never instantiated),
	 * {@link CodecException.Kind#INCOMPATIBLE} for an intact entry that does not fit the
	 * classes it is read into (schema drift)
	 */
	CachedValue decode(byte[] bytes, String key);

	/**
	 * Tells whether this codec would write objects of a class, as far as the class alone
	 * decides, without writing one. A cache without L2 encodes nothing and asks this of
	 * every class it meets in a value instead, so that it caches only what L2 could hold
	 * as far as the classes tell. The answer must not change for a class: it is
	 * remembered.
	 * @param type the class of an object found in a value, elements and fields included
	 * @return {@code false} when the codec refuses objects of the class; {@code true}
	 * unless a codec says otherwise
	 */
	default boolean accepts(Class<?> type) {
		return true;
	}

}
