package io.cachekit.tier;

import java.util.Objects;

import io.cachekit.codec.CodecException;

/**
 * An L2 entry failed its integrity or authenticity check in a cache whose
 * {@link FailMode} is {@link FailMode#CLOSED}. The entry was deleted and counted before
 * this was thrown; the message names the cache and the kind of failure, never the key's
 * value or any key material.
 */
public class CacheIntegrityException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String cacheName;

	private final CodecException.Kind kind;

	/**
	 * Creates the exception.
	 * @param cacheName the cache
	 * @param failure the codec's refusal
	 */
	public CacheIntegrityException(String cacheName, CodecException failure) {
		super("cache '" + cacheName + "': an L2 entry failed its check (" + failure.getKind()
				+ ") and was deleted; cachekit.fail-mode is closed: " + failure.getMessage(), failure);
		this.cacheName = Objects.requireNonNull(cacheName, "cacheName must not be null");
		this.kind = failure.getKind();
	}

	/**
	 * Returns the cache whose entry failed.
	 * @return the cache name
	 */
	public String getCacheName() {
		return this.cacheName;
	}

	/**
	 * Returns how the entry failed.
	 * @return the kind
	 */
	public CodecException.Kind getKind() {
		return this.kind;
	}

}
