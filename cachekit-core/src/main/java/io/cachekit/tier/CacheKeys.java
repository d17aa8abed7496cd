package io.cachekit.tier;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Turns a cache name and a key object into the strings the tiers use.
 *
 * <p>
 * The key string is {@code String.valueOf(key)}, as Spring's own remote caches do, so
 * keys of one cache must differ in their {@code toString()}. The L2 key is
 * {@code <name>:<generation>:<key>}, with {@code %} and {@code :} escaped in the name so
 * that no cache name and key can spell another cache's key. The backend maps the result
 * to what its store accepts.
 */
final class CacheKeys {

	private final String escapedName;

	CacheKeys(String cacheName) {
		this.escapedName = escape(cacheName);
	}

	/**
	 * Returns the string form of a key.
	 * @param key the caller's key
	 * @return its string form
	 * @throws IllegalArgumentException when the key's {@code toString()} fails or answers
	 * {@code null}
	 */
	static String keyString(Object key) {
		Objects.requireNonNull(key, "key must not be null");
		String text;
		try {
			text = key.toString();
		}
		catch (RuntimeException ex) {
			throw new IllegalArgumentException("toString() of a " + key.getClass().getName() + " key failed: " + ex,
					ex);
		}
		if (text == null) {
			throw new IllegalArgumentException("toString() of a " + key.getClass().getName() + " key answered null");
		}
		return text;
	}

	/**
	 * Returns the string form of a key, or {@code null} when the key is not usable, which
	 * is logged once per key class: the call then bypasses the cache.
	 * @param key the caller's key
	 * @param problems the cache's problem log
	 * @return its string form, or {@code null}
	 */
	static @Nullable String keyStringOrNull(Object key, ProblemLog problems) {
		try {
			return keyString(key);
		}
		catch (IllegalArgumentException ex) {
			problems.warn("key:" + key.getClass().getName(),
					"a key was not usable, the call bypassed the cache: " + ex.getMessage(), null);
			return null;
		}
	}

	/**
	 * Returns the L2 key of an entry.
	 * @param generation the cache's current generation
	 * @param keyString the key's string form
	 * @return the L2 key
	 */
	String entryKey(long generation, String keyString) {
		return this.escapedName + ':' + generation + ':' + keyString;
	}

	/**
	 * Returns the L2 key of the cache's generation counter. It has one separator after
	 * the name where entry keys have two, so it never meets an entry key.
	 * @return the generation key
	 */
	String generationKey() {
		return this.escapedName + ":generation";
	}

	/**
	 * Returns the L2 key of the cache's invalidation sequence counter. Like the
	 * generation key it has one separator after the name.
	 * @return the sequence key
	 */
	String sequenceKey() {
		return this.escapedName + ":seq";
	}

	/**
	 * Returns the L2 key of one record of the cache's invalidation journal. Its middle
	 * part is not a number, so it never meets an entry key.
	 * @param sequence the record's sequence number
	 * @return the record's key
	 */
	String journalKey(long sequence) {
		return this.escapedName + ":inv:" + sequence;
	}

	/**
	 * Returns the L2 key of the load lease of an entry:
	 * {@code <name>:lease:<generation>:<key>}. Its second part is a word where entry keys
	 * have a number, so it never meets an entry key or the generation key, whatever the
	 * key string holds.
	 * @param generation the cache's current generation
	 * @param keyString the key's string form
	 * @return the lease key
	 */
	String leaseKey(long generation, String keyString) {
		return this.escapedName + ":lease:" + generation + ':' + keyString;
	}

	/**
	 * Returns the L2 key of a tag's version counter, {@code cachekit:tag:<tag>}, shared
	 * by every cache over the backend. Its second part is a word no key of a cache named
	 * {@code cachekit} has there (a generation, {@code generation}, {@code seq},
	 * {@code inv} or {@code lease}), so it never meets one, whatever the tag holds.
	 * @param tag the tag
	 * @return the counter's key
	 */
	static String tagKey(String tag) {
		return "cachekit:tag:" + tag;
	}

	private static String escape(String name) {
		return name.replace("%", "%25").replace(":", "%3A");
	}

}
