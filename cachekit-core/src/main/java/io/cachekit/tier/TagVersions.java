package io.cachekit.tier;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.cachekit.backend.Backend;
import io.cachekit.backend.BackendException;
import io.cachekit.backend.BulkGet;
import io.cachekit.backend.Increment;
import org.jspecify.annotations.Nullable;

/**
 * The versions of tags: one counter per tag in L2, shared by every cache over the
 * backend, so that evicting a tag is one increment instead of a scan.
 *
 * <p>
 * An entry written with tags records the version of each of them; it is current while
 * every one of those versions is still its tag's version, and {@link #bump(String)} makes
 * every entry written before it stale at once, in every cache and on every instance.
 * Versions are compared for equality only. The counter of a tag lives under
 * {@link CacheKeys#tagKey(String)}, never expires, and is created, like a cache's
 * generation, at the current time in milliseconds: a counter lost to eviction or a
 * restart comes back with a value none of the entries written before it recorded (unless
 * it was bumped more than once per millisecond of its life), so they are never served
 * again.
 *
 * <p>
 * Versions read are kept in-process for the refresh interval; after that a version is
 * read again before it is trusted, so another instance's bump is seen within that
 * interval. The versions an entry needs are read in one request where the backend offers
 * {@link BulkGet}; a missing counter is then created by an increment by zero. At most
 * {@value #MAX_KNOWN} versions are kept (the least recently used go first, and are read
 * again when needed). Without a backend (a cache with L1 only) the counters live
 * in-process, created the same way. Thread-safe.
 */
final class TagVersions {

	/** The most versions kept in-process. */
	static final int MAX_KNOWN = 100_000;

	private final @Nullable Backend backend;

	private final @Nullable Increment increment;

	private final @Nullable BulkGet bulk;

	/** Without a backend, the counters themselves, in-process. */
	private final @Nullable ConcurrentMap<String, Long> local;

	private final Clock clock;

	private final Cache<String, Long> known;

	/**
	 * Creates the versions of the tags in a backend.
	 * @param backend the backend holding the counters, which must offer
	 * {@link Increment}; {@code null} to keep them in-process
	 * @param refreshNanos how long a version read is trusted
	 * @param ticker the time source of that trust
	 * @param clock the clock whose milliseconds create a missing counter
	 * @throws IllegalArgumentException when the backend has no {@link Increment}
	 */
	TagVersions(@Nullable Backend backend, long refreshNanos, Ticker ticker, Clock clock) {
		this.backend = backend;
		if (backend != null) {
			this.increment = backend.capability(Increment.class)
				.orElseThrow(() -> new IllegalArgumentException(
						backend + " keeps no atomic counters (Increment), without which tags cannot be versioned"));
			this.bulk = backend.capability(BulkGet.class).orElse(null);
			this.local = null;
		}
		else {
			this.increment = null;
			this.bulk = null;
			this.local = new ConcurrentHashMap<>();
		}
		this.clock = clock;
		this.known = Caffeine.newBuilder()
			.expireAfterWrite(refreshNanos, TimeUnit.NANOSECONDS)
			.maximumSize(MAX_KNOWN)
			.ticker(ticker)
			.executor(Runnable::run)
			.build();
	}

	/**
	 * Returns the current version of each tag: the ones read within the refresh interval
	 * as known, the others read now, in one request where the backend allows.
	 * @param tags the tags
	 * @return each tag's version, in the order of the tags
	 * @throws BackendException when the backend failed
	 */
	Map<String, Long> current(Collection<String> tags) {
		Map<String, Long> versions = new LinkedHashMap<>();
		List<String> unknown = new ArrayList<>();
		for (String tag : tags) {
			Long version = this.known.getIfPresent(tag);
			if (version != null) {
				versions.put(tag, version);
			}
			else {
				unknown.add(tag);
			}
		}
		if (unknown.isEmpty()) {
			return versions;
		}
		Map<String, Long> read = read(unknown);
		Map<String, Long> ordered = new LinkedHashMap<>();
		for (String tag : tags) {
			Long version = versions.containsKey(tag) ? versions.get(tag) : read.get(tag);
			if (version != null) {
				ordered.put(tag, version);
			}
		}
		return ordered;
	}

	/**
	 * Tells whether an entry written with these versions is current, as far as the
	 * versions known now tell, without calling the backend.
	 * @param recorded the version of each tag the entry was written with
	 * @return {@code CURRENT} when every version is its tag's known one, {@code STALE}
	 * when one of them is not, {@code UNKNOWN} when none is stale but a tag's version is
	 * not known within the refresh interval
	 */
	Currency check(Map<String, Long> recorded) {
		Currency answer = Currency.CURRENT;
		for (Map.Entry<String, Long> tag : recorded.entrySet()) {
			Long version = this.known.getIfPresent(tag.getKey());
			if (version == null) {
				answer = Currency.UNKNOWN;
			}
			else if (!version.equals(tag.getValue())) {
				return Currency.STALE;
			}
		}
		return answer;
	}

	/**
	 * Tells whether an entry written with these versions is current, reading the versions
	 * not known within the refresh interval, in one request where the backend allows.
	 * @param recorded the version of each tag the entry was written with
	 * @return whether every version is its tag's current one
	 * @throws BackendException when a version had to be read and the backend failed
	 */
	boolean isCurrent(Map<String, Long> recorded) {
		Currency known = check(recorded);
		if (known != Currency.UNKNOWN) {
			return known == Currency.CURRENT;
		}
		return current(recorded.keySet()).equals(recorded);
	}

	/**
	 * Moves a tag to a new version: every entry written with an older one is stale from
	 * now on, here at once and elsewhere within the refresh interval.
	 * @param tag the tag
	 * @return its new version
	 * @throws BackendException when the backend failed; the tag may or may not have moved
	 */
	long bump(String tag) {
		try {
			long version = (this.local != null) ? this.local.merge(tag, this.clock.millis(), (old, created) -> old + 1)
					: increment().increment(CacheKeys.tagKey(tag), 1, this.clock.millis(), null);
			this.known.put(tag, version);
			return version;
		}
		catch (RuntimeException ex) {
			// Whether the increment reached the store is not known: the version known
			// here is not trusted any more.
			this.known.invalidate(tag);
			throw ex;
		}
	}

	/**
	 * Forgets the version known for a tag, so that it is read again before it is trusted
	 * (another instance announced a bump).
	 * @param tag the tag
	 */
	void forget(String tag) {
		this.known.invalidate(tag);
	}

	/**
	 * Forgets every version known, so that each is read again before it is trusted
	 * (announcements of bumps may have been missed).
	 */
	void forgetAll() {
		this.known.invalidateAll();
	}

	private Map<String, Long> read(List<String> tags) {
		Map<String, Long> versions = new LinkedHashMap<>();
		ConcurrentMap<String, Long> local = this.local;
		if (local != null) {
			for (String tag : tags) {
				long version = local.computeIfAbsent(tag, (created) -> this.clock.millis());
				this.known.put(tag, version);
				versions.put(tag, version);
			}
			return versions;
		}
		Backend backend = Objects.requireNonNull(this.backend);
		List<String> keys = tags.stream().map(CacheKeys::tagKey).toList();
		Map<String, byte[]> found = (this.bulk != null) ? this.bulk.getAll(keys) : null;
		for (int i = 0; i < tags.size(); i++) {
			String key = keys.get(i);
			byte[] stored = (found != null) ? found.get(key) : backend.get(key);
			Long version = (stored != null) ? Generation.decode(stored) : null;
			if (version == null) {
				// Missing (never bumped, or lost) or not a counter: an increment by zero
				// creates it, or fails on a value that is not one.
				version = increment().increment(key, 0, this.clock.millis(), null);
			}
			this.known.put(tags.get(i), version);
			versions.put(tags.get(i), version);
		}
		return versions;
	}

	private Increment increment() {
		return Objects.requireNonNull(this.increment);
	}

	/**
	 * What the versions known tell about an entry.
	 */
	enum Currency {

		/** Every tag's version is the one the entry recorded. */
		CURRENT,

		/** A tag moved since the entry was written. */
		STALE,

		/** No tag is known to have moved, but a version is not known. */
		UNKNOWN

	}

}
