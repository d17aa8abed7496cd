package io.cachekit.tier;

import io.cachekit.codec.CodecException;

/**
 * What a cache does with an L2 entry that fails its integrity or authenticity check.
 *
 * <p>
 * Either way the entry is deleted from L2, counted by its {@link CodecException.Kind} in
 * {@link TierStatistics#codecErrorCount(CodecException.Kind)} and logged once. The two
 * modes differ in what the caller sees. The failures covered are those that only damage
 * or someone writing to L2 can cause: {@link CodecException.Kind#CORRUPT damage},
 * {@link CodecException.Kind#MISPLACED an entry of another key},
 * {@link CodecException.Kind#UNDECRYPTABLE an unknown key id or a tag that does not
 * match}, and {@link CodecException.Kind#UNENCRYPTED a plaintext entry in an encrypted
 * cache}. Entries of another format version or codec, classes off the allowlist, and
 * intact entries that no longer fit their classes
 * ({@link CodecException.Kind#INCOMPATIBLE a field removed or retyped, a class renamed}:
 * all expected during a rolling deploy), and failures of the backend itself, are always a
 * miss.
 */
public enum FailMode {

	/** The entry is a miss: the caller loads the value as if it had never been cached. */
	OPEN,

	/**
	 * The lookup throws {@link CacheIntegrityException}, which Spring's cache interceptor
	 * hands to its {@code CacheErrorHandler}; the entry is already deleted, so the next
	 * lookup misses.
	 */
	CLOSED;

	/**
	 * Tells whether a decode failure is one this mode is about.
	 * @param kind the failure
	 * @return {@code true} for damage, misplacement and encryption failures
	 */
	static boolean covers(CodecException.Kind kind) {
		return switch (kind) {
			case CORRUPT, MISPLACED, UNDECRYPTABLE, UNENCRYPTED -> true;
			default -> false;
		};
	}

}
