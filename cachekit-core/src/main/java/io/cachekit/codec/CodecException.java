package io.cachekit.codec;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A value could not be encoded or bytes could not be decoded.
 *
 * <p>
 * The two-tier cache treats every decode failure as a miss (and removes the entry) and
 * every encode failure as "not cached"; neither reaches the caller of a cached method.
 */
public class CodecException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final Kind kind;

	/**
	 * Creates an exception.
	 * @param kind what went wrong
	 * @param message what failed and on what type
	 * @param cause the underlying failure, or {@code null}
	 */
	public CodecException(Kind kind, String message, @Nullable Throwable cause) {
		super(message, cause);
		this.kind = Objects.requireNonNull(kind, "kind must not be null");
	}

	/**
	 * Returns what went wrong.
	 * @return the kind
	 */
	public Kind getKind() {
		return this.kind;
	}

	/**
	 * What went wrong.
	 */
	public enum Kind {

		/** The value could not be written (no serializer, a cycle, a failing getter). */
		UNSERIALIZABLE,

		/**
		 * The bytes are not an envelope, or are truncated or damaged: the checks do not
		 * match, or the payload is not well-formed MessagePack.
		 */
		CORRUPT,

		/** The envelope is of a version, codec or feature this reader does not know. */
		UNKNOWN_FORMAT,

		/** The bytes name a class outside the allowlist; it was not instantiated. */
		UNTRUSTED_TYPE,

		/**
		 * The entry is intact but was written for another L2 key: copied from another
		 * key, cache or generation.
		 */
		MISPLACED,

		/**
		 * The entry is encrypted, but not under a key this cache has (an unknown key id),
		 * or its authentication tag does not match: changed, forged, or moved from
		 * another key, cache or generation by someone who recomputed the checks.
		 */
		UNDECRYPTABLE,

		/**
		 * The cache encrypts its entries and this one is plaintext (a null marker
		 * included): written by an instance without encryption, or planted.
		 */
		UNENCRYPTED,

		/**
		 * The entry is intact (its checks, and its tag when encrypted, match) and its
		 * payload is well-formed, but it does not fit the classes it is read into: a
		 * field removed or retyped, or a class renamed, since it was written (schema
		 * drift across a deploy).
		 */
		INCOMPATIBLE

	}

}
