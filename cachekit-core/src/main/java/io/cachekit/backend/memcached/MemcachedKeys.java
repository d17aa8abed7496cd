package io.cachekit.backend.memcached;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Maps caller keys to memcached keys.
 *
 * <p>
 * Memcached keys are at most {@value #MAX_KEY_BYTES} bytes and hold no whitespace or
 * control characters. The prefix is put before every key; a prefixed key that is short
 * and safe, and holds no {@value #HASH_MARKER}, is used as it is. Any other key becomes a
 * readable head (unsafe characters shown as {@code _}) followed by {@value #HASH_MARKER}
 * and the base64url SHA-256 of the whole prefixed key.
 *
 * <p>
 * The mapping is injective up to SHA-256 collisions: kept keys never contain the marker
 * and mapped keys always do, and two mapped keys differ in their digests (taken over the
 * string's chars, which keeps every Java string apart). Characters are never dropped, so
 * {@code "a b"} and {@code "ab"} stay apart.
 *
 * <p>
 * Immutable and thread-safe.
 */
final class MemcachedKeys {

	/** Memcached's key length limit, in bytes. */
	static final int MAX_KEY_BYTES = 250;

	/** The character that separates a mapped key's head from its digest. */
	static final char HASH_MARKER = '#';

	private static final int DIGEST_CHARS = 43;

	private static final int MAX_HEAD_BYTES = MAX_KEY_BYTES - 1 - DIGEST_CHARS;

	private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

	private final String prefix;

	MemcachedKeys(String prefix) {
		this.prefix = prefix;
	}

	/**
	 * Returns the memcached key for a caller key.
	 * @param key the caller's key
	 * @return a key of at most {@value #MAX_KEY_BYTES} UTF-8 bytes with no whitespace or
	 * control characters
	 */
	String map(String key) {
		String full = this.prefix.concat(key);
		if (!full.isEmpty() && firstUnsafeChar(full) < 0 && utf8Length(full) <= MAX_KEY_BYTES) {
			return full;
		}
		return head(full) + HASH_MARKER + digest(full);
	}

	/**
	 * Returns the index of the first character that may not stand in a kept key:
	 * whitespace, a control character, an unpaired surrogate or {@value #HASH_MARKER}.
	 * @param text the text to check
	 * @return the index, or -1 when every character is allowed
	 */
	static int firstUnsafeChar(String text) {
		int i = 0;
		while (i < text.length()) {
			int codePoint = text.codePointAt(i);
			if (isUnsafe(codePoint)) {
				return i;
			}
			i += Character.charCount(codePoint);
		}
		return -1;
	}

	private static boolean isUnsafe(int codePoint) {
		return codePoint <= ' ' || codePoint == HASH_MARKER || Character.isISOControl(codePoint)
				|| Character.isWhitespace(codePoint) || Character.isSpaceChar(codePoint)
				|| (codePoint >= Character.MIN_SURROGATE && codePoint <= Character.MAX_SURROGATE);
	}

	private static String head(String full) {
		StringBuilder head = new StringBuilder(Math.min(full.length(), MAX_HEAD_BYTES));
		int bytes = 0;
		int i = 0;
		while (i < full.length()) {
			int codePoint = full.codePointAt(i);
			boolean unsafe = isUnsafe(codePoint);
			int size = unsafe ? 1 : utf8Length(codePoint);
			if (bytes + size > MAX_HEAD_BYTES) {
				break;
			}
			if (unsafe) {
				head.append('_');
			}
			else {
				head.appendCodePoint(codePoint);
			}
			bytes += size;
			i += Character.charCount(codePoint);
		}
		return head.toString();
	}

	private static String digest(String full) {
		try {
			MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
			// The chars themselves, two bytes each: unlike any charset encoder this keeps
			// every Java string apart, unpaired surrogates included.
			byte[] chars = new byte[full.length() * 2];
			for (int i = 0; i < full.length(); i++) {
				char c = full.charAt(i);
				chars[2 * i] = (byte) (c >>> 8);
				chars[2 * i + 1] = (byte) c;
			}
			return BASE64URL.encodeToString(sha256.digest(chars));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is required of every Java runtime", ex);
		}
	}

	static int utf8Length(String text) {
		int bytes = 0;
		int i = 0;
		while (i < text.length()) {
			int codePoint = text.codePointAt(i);
			bytes += utf8Length(codePoint);
			i += Character.charCount(codePoint);
		}
		return bytes;
	}

	private static int utf8Length(int codePoint) {
		if (codePoint < 0x80) {
			return 1;
		}
		if (codePoint < 0x800) {
			return 2;
		}
		return (codePoint < 0x10000) ? 3 : 4;
	}

}
