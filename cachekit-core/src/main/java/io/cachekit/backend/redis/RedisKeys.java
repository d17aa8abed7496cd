package io.cachekit.backend.redis;

import java.nio.charset.StandardCharsets;

/**
 * Turns caller keys into Redis keys: the prefix, then the key, as bytes.
 *
 * <p>
 * Redis keys are binary-safe, so no key needs mapping: spaces, newlines, NUL and any
 * length up to Redis's own limit go through unchanged, and no key can inject a command
 * (RESP carries every argument's length). Strings are encoded as UTF-8, except that an
 * unpaired surrogate, which UTF-8 cannot represent and Java would replace by {@code ?},
 * is written as its own three bytes (as WTF-8 does); valid UTF-8 never contains those
 * bytes, so distinct strings always give distinct keys.
 */
final class RedisKeys {

	private final String prefix;

	private final byte[] encodedPrefix;

	RedisKeys(String prefix) {
		this.prefix = prefix;
		this.encodedPrefix = encode(prefix);
	}

	/**
	 * Returns the Redis key for a caller key.
	 * @param key the caller's key
	 * @return the prefix's bytes followed by the key's
	 */
	byte[] map(String key) {
		byte[] encodedKey = encode(key);
		byte[] mapped = new byte[this.encodedPrefix.length + encodedKey.length];
		System.arraycopy(this.encodedPrefix, 0, mapped, 0, this.encodedPrefix.length);
		System.arraycopy(encodedKey, 0, mapped, this.encodedPrefix.length, encodedKey.length);
		return mapped;
	}

	String prefix() {
		return this.prefix;
	}

	/**
	 * Encodes a string as UTF-8, unpaired surrogates as three bytes each.
	 * @param text the string
	 * @return its bytes
	 */
	static byte[] encode(String text) {
		if (!hasUnpairedSurrogate(text)) {
			return text.getBytes(StandardCharsets.UTF_8);
		}
		byte[] out = new byte[text.length() * 3];
		int length = 0;
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
				int codePoint = Character.toCodePoint(c, text.charAt(++i));
				out[length++] = (byte) (0xF0 | (codePoint >> 18));
				out[length++] = (byte) (0x80 | ((codePoint >> 12) & 0x3F));
				out[length++] = (byte) (0x80 | ((codePoint >> 6) & 0x3F));
				out[length++] = (byte) (0x80 | (codePoint & 0x3F));
			}
			else if (c < 0x80) {
				out[length++] = (byte) c;
			}
			else if (c < 0x800) {
				out[length++] = (byte) (0xC0 | (c >> 6));
				out[length++] = (byte) (0x80 | (c & 0x3F));
			}
			else {
				// Includes unpaired surrogates, written as the code unit's three bytes.
				out[length++] = (byte) (0xE0 | (c >> 12));
				out[length++] = (byte) (0x80 | ((c >> 6) & 0x3F));
				out[length++] = (byte) (0x80 | (c & 0x3F));
			}
		}
		return java.util.Arrays.copyOf(out, length);
	}

	/**
	 * Returns how many bytes {@link #encode(String)} gives.
	 * @param text the string
	 * @return the encoded length
	 */
	static int encodedLength(String text) {
		return encode(text).length;
	}

	private static boolean hasUnpairedSurrogate(String text) {
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
				i++;
			}
			else if (Character.isSurrogate(c)) {
				return true;
			}
		}
		return false;
	}

}
