package io.cachekit.tier;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import com.github.benmanes.caffeine.cache.Ticker;
import io.cachekit.backend.Backend;
import io.cachekit.backend.BackendErrorType;
import io.cachekit.backend.BackendException;
import io.cachekit.backend.BackendOperation;
import io.cachekit.backend.Broadcast;
import io.cachekit.backend.Increment;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tags of the caches over one backend: an entry stored with tags
 * ({@link TieredCache#put(Object, Object, Collection)}) is evicted, in every cache built
 * with these tags and on every instance, by {@link #evict(String)} of any of them,
 * without a scan of L2.
 *
 * <p>
 * Each tag has a version counter in L2 ({@code cachekit:tag:<tag>} under the backend's
 * prefix); an entry records the versions of its tags when written and is served only
 * while they are still current, so evicting a tag is one increment. Versions are kept
 * in-process for the refresh interval: an eviction on another instance is seen within it,
 * one here at once. Entries without tags pay nothing. A counter lost to eviction or a
 * restart comes back at the current epoch millisecond, a version no entry written before
 * recorded. Without a backend (caches with L1 only) the counters live in-process.
 *
 * <p>
 * A tag is 1 to {@value #MAX_TAG_BYTES} UTF-8 bytes without whitespace or control
 * characters ({@link #check(String)}); an entry has at most {@value #MAX_TAGS}.
 * Thread-safe; share one instance between the caches of an application.
 */
public final class CacheTags implements AutoCloseable {

	/** The broadcast channel of tag evictions, under the backend's key prefix. */
	static final String CHANNEL = "cachekit:tags";

	private static final Logger logger = LoggerFactory.getLogger(CacheTags.class);

	/** The longest tag, in UTF-8 bytes. */
	public static final int MAX_TAG_BYTES = 200;

	/** The most tags one entry carries. */
	public static final int MAX_TAGS = 64;

	private final TagVersions versions;

	private final @Nullable Broadcast broadcast;

	private final Broadcast.@Nullable Subscription subscription;

	private final PendingTagEvictions pending;

	private CacheTags(TagVersions versions, @Nullable Backend backend, Ticker ticker) {
		this.versions = versions;
		this.pending = new PendingTagEvictions(ticker);
		this.broadcast = (backend != null) ? backend.capability(Broadcast.class).orElse(null) : null;
		this.subscription = (this.broadcast != null) ? this.broadcast.subscribe(CHANNEL, new Broadcast.Listener() {

			@Override
			public void onMessage(byte[] message) {
				String tag = tag(message);
				if (tag != null) {
					versions.forget(tag);
				}
			}

			@Override
			public void onReset() {
				// Evictions may have been missed: every version is read again.
				versions.forgetAll();
			}

		}) : null;
	}

	/**
	 * Creates the tags of the caches over a backend.
	 * @param backend the backend holding the counters, which must offer
	 * {@link Increment}; {@code null} for caches with L1 only
	 * @param refresh how long a version read is trusted, which bounds how late another
	 * instance's eviction is seen: the caches' generation refresh
	 * ({@link CacheConfiguration#generationRefresh()}) is the natural choice
	 * @return the tags
	 * @throws IllegalArgumentException when the backend keeps no counters, or the refresh
	 * is not positive
	 */
	public static CacheTags create(@Nullable Backend backend, Duration refresh) {
		return create(backend, refresh, Ticker.systemTicker(), Clock.systemUTC());
	}

	/**
	 * Creates the tags of the caches over a backend, on a time source of their own: the
	 * one their caches use.
	 * @param backend the backend holding the counters, which must offer
	 * {@link Increment}; {@code null} for caches with L1 only
	 * @param refresh how long a version read is trusted
	 * @param ticker the time source of that trust
	 * @param clock the clock whose milliseconds create a missing counter
	 * @return the tags
	 * @throws IllegalArgumentException when the backend keeps no counters, or the refresh
	 * is not positive
	 */
	public static CacheTags create(@Nullable Backend backend, Duration refresh, Ticker ticker, Clock clock) {
		Objects.requireNonNull(refresh, "refresh must not be null");
		if (refresh.isNegative() || refresh.isZero()) {
			throw new IllegalArgumentException("refresh must be positive, was " + refresh);
		}
		return new CacheTags(new TagVersions(backend, refresh.toNanos(), ticker, clock), backend, ticker);
	}

	/**
	 * Checks a tag.
	 * @param tag the tag
	 * @return the tag
	 * @throws IllegalArgumentException when it is empty, longer than
	 * {@value #MAX_TAG_BYTES} UTF-8 bytes, or holds whitespace or a control character;
	 * the message says which
	 */
	public static String check(String tag) {
		String problem = problem(tag);
		if (problem != null) {
			throw new IllegalArgumentException(problem);
		}
		return tag;
	}

	/**
	 * Tells what is wrong with a tag, if anything.
	 * @param tag the tag
	 * @return why it is not a valid tag, or {@code null} when it is one
	 */
	static @Nullable String problem(@Nullable String tag) {
		if (tag == null || tag.isEmpty()) {
			return "a tag must not be empty";
		}
		if (tag.length() > MAX_TAG_BYTES || tag.getBytes(StandardCharsets.UTF_8).length > MAX_TAG_BYTES) {
			return "tag '" + abbreviated(tag) + "' is longer than " + MAX_TAG_BYTES + " UTF-8 bytes";
		}
		for (int i = 0; i < tag.length(); i++) {
			char c = tag.charAt(i);
			if (Character.isWhitespace(c) || Character.isISOControl(c) || Character.isSpaceChar(c)) {
				return "tag '" + abbreviated(tag) + "' holds whitespace or a control character at index " + i;
			}
		}
		return null;
	}

	/**
	 * Checks the tags of one entry and returns them without duplicates.
	 * @param tags the tags
	 * @return them, in their first order, without duplicates
	 * @throws IllegalArgumentException when a tag is not valid, or there are more than
	 * {@value #MAX_TAGS}
	 */
	static Set<String> checkAll(Collection<String> tags) {
		Set<String> distinct = new LinkedHashSet<>();
		for (String tag : tags) {
			distinct.add(check(tag));
		}
		if (distinct.size() > MAX_TAGS) {
			throw new IllegalArgumentException("an entry has at most " + MAX_TAGS + " tags, not " + distinct.size());
		}
		return distinct;
	}

	/**
	 * Evicts every entry that carries a tag, in every cache with these tags and on every
	 * instance: here at once, on other instances within the refresh interval.
	 * @param tag the tag
	 * @throws IllegalArgumentException when the tag is not valid
	 * @throws BackendException when the backend failed: the eviction is then kept and
	 * tried again (at most every 500 ms, from the next read or write of a tagged entry),
	 * and until it reaches L2 this instance serves and writes no entry with the tag;
	 * other instances see it once it does
	 */
	public void evict(String tag) {
		check(tag);
		try {
			bump(tag);
			this.pending.remove(tag);
		}
		catch (RuntimeException ex) {
			this.pending.add(tag);
			throw ex;
		}
	}

	private void bump(String tag) {
		this.versions.bump(tag);
		Broadcast broadcast = this.broadcast;
		if (broadcast != null) {
			try {
				broadcast.publish(CHANNEL, tag.getBytes(StandardCharsets.UTF_8));
			}
			catch (RuntimeException ex) {
				// Other instances read the new version within the refresh interval.
				logger.debug(
						"Could not push the eviction of a tag; other instances see it within the refresh " + "interval",
						ex);
			}
		}
	}

	/**
	 * Stops hearing other instances' evictions pushed on the backend's broadcast (they
	 * are then seen within the refresh interval). Idempotent.
	 */
	@Override
	public void close() {
		if (this.subscription != null) {
			this.subscription.close();
		}
	}

	private static @Nullable String tag(byte[] message) {
		String tag = new String(message, StandardCharsets.UTF_8);
		return (problem(tag) == null) ? tag : null;
	}

	/**
	 * Returns the versions to record for an entry with these tags.
	 * @throws BackendException when a version could not be read
	 */
	Map<String, Long> versions(Set<String> tags) {
		if (!this.pending.isEmpty()) {
			this.pending.retry(this::bump);
			if (this.pending.anyOf(tags)) {
				throw new BackendException(BackendErrorType.TRANSIENT, BackendOperation.INCREMENT, null,
						"an eviction of a tag of this entry has not reached L2 yet; it is tried again", null);
			}
		}
		return this.versions.current(tags);
	}

	/**
	 * Tells whether an entry written with these versions may be served; when a version
	 * cannot be read, it may not.
	 */
	boolean isCurrent(Map<String, Long> recorded) {
		if (!this.pending.isEmpty()) {
			this.pending.retry(this::bump);
			if (this.pending.anyOf(recorded.keySet())) {
				return false;
			}
		}
		try {
			return this.versions.isCurrent(recorded);
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	private static String abbreviated(String tag) {
		return (tag.length() <= 40) ? tag : tag.substring(0, 40) + "...";
	}

}
