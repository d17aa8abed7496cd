package io.cachekit.backend;

/**
 * Capability of a {@link Backend} that can tell how long an entry has left to live.
 *
 * @see Backend#capability(Class)
 */
public interface TtlInspection {

	/**
	 * Returns how long the entry under {@code key} has left before it expires.
	 * <p>
	 * One round trip; reading the TTL neither changes nor extends it. The answer tells a
	 * missing key ({@link RemainingTtl#missing()}) from an entry that never expires
	 * ({@link RemainingTtl#noExpiry()}) and from one that does
	 * ({@link RemainingTtl#expiresIn(java.time.Duration)}), in the store's own precision
	 * (milliseconds for Redis), rounded down.
	 * @param key the key
	 * @return what the store holds under the key; never {@code null}
	 * @throws BackendException when the store cannot answer
	 */
	RemainingTtl remainingTtl(String key);

}
