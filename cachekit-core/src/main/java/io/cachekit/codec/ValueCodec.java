package io.cachekit.codec;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * Turns cached values into envelope bytes for the second tier, and back.
 *
 * <p>
 * Implementations are thread-safe. {@code null} is a value like any other: it is written
 * as an explicit marker (never through Java serialization) and read back as a
 * {@link CachedValue} whose value is {@code null}.
 */
public interface ValueCodec {

	/**
	 * Encodes a value and its expiry time.
	 * @param value the value, or {@code null} for a cached null
	 * @param expiresAt when the entry expires, or {@code null} for never
	 * @return the envelope bytes
	 * @throws CodecException of kind {@link CodecException.Kind#UNSERIALIZABLE} when the
	 * value cannot be written
	 */
	byte[] encode(@Nullable Object value, @Nullable Instant expiresAt);

	/**
	 * Decodes envelope bytes.
	 * @param bytes bytes read from the second tier
	 * @return the value and its expiry time
	 * @throws CodecException of kind {@link CodecException.Kind#CORRUPT} for garbage or
	 * truncated bytes, {@link CodecException.Kind#UNKNOWN_FORMAT} for an envelope of
	 * another version, codec or feature, {@link CodecException.Kind#UNTRUSTED_TYPE} when
	 * the bytes name a class outside the allowlist (never instantiated)
	 */
	CachedValue decode(byte[] bytes);

}
