package io.cachekit.tier;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executor;

import com.github.benmanes.caffeine.cache.Ticker;
import io.cachekit.backend.Backend;
import io.cachekit.backend.BackendException;
import io.cachekit.backend.Broadcast;
import io.cachekit.backend.Increment;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the L1 of one cache coherent with the changes other instances make, through an
 * invalidation journal in L2 and, where the backend offers {@link Broadcast}, a push of
 * the same records.
 *
 * <p>
 * The journal is a per-cache sequence counter ({@link CacheKeys#sequenceKey()}) and one
 * record ({@link Invalidation}) per change under {@link CacheKeys#journalKey(long)}, kept
 * {@link #RETENTION}. Two roles share it: the {@link InvalidationAnnouncer} appends this
 * instance's changes (and publishes them), the {@link InvalidationFollower} applies the
 * other instances' records to L1 (read with the generation, or pushed) and repairs gaps.
 * A cache without L1 has nothing to drop, so it announces but does not follow. This class
 * creates both, ties them to the cache's {@link Generation} and broadcast, and is what
 * the rest of the cache talks to.
 *
 * <p>
 * Thread-safe.
 */
final class InvalidationJournal {

	/** How long journal records are kept in L2. */
	static final Duration RETENTION = Duration.ofSeconds(30);

	/** The most records read at one refresh; a longer run of changes is a gap. */
	static final int WINDOW = 256;

	/** The broadcast channel, under the backend's key prefix. */
	static final String CHANNEL = "cachekit:invalidations";

	/** The most unannounced keys retried one by one; more are announced as a drop-all. */
	static final int RETRIED_ONE_BY_ONE = 16;

	private static final Logger logger = LoggerFactory.getLogger(TieredCache.class);

	private final String cacheName;

	private final CacheKeys keys;

	private final @Nullable Broadcast subscriptions;

	private final InvalidationAnnouncer announcer;

	private final @Nullable InvalidationFollower follower;

	private volatile @Nullable Runnable leave;

	private InvalidationJournal(Builder builder, Increment increment) {
		this.cacheName = builder.cacheName;
		this.keys = builder.keys;
		this.subscriptions = builder.backend.capability(Broadcast.class).isPresent() ? builder.subscriptions : null;
		this.follower = builder.follows ? new InvalidationFollower(builder) : null;
		this.announcer = new InvalidationAnnouncer(builder, increment, this.follower);
	}

	/**
	 * Creates the journal of a cache, or answers {@code null} when the backend has no
	 * {@link Increment}, without which no sequence can be kept across processes.
	 * @param builder what the journal works with
	 * @return the journal, or {@code null}
	 */
	static @Nullable InvalidationJournal create(Builder builder) {
		Optional<Increment> increment = builder.backend.capability(Increment.class);
		if (increment.isEmpty()) {
			logger.debug("cache '{}': {} has no atomic increment, so other instances' changes are seen "
					+ "within the L1 TTL only", builder.cacheName, builder.backend);
			return null;
		}
		return new InvalidationJournal(builder, increment.get());
	}

	/**
	 * Starts following the journal through the cache's generation, and its broadcast when
	 * the backend offers one.
	 * @param generation the cache's generation, which reads the sequence with it
	 */
	void start(Generation generation) {
		InvalidationFollower follower = this.follower;
		if (follower != null) {
			follower.start(generation);
		}
		generation.follow(this);
		Broadcast subscriptions = this.subscriptions;
		if (follower != null && subscriptions != null) {
			this.leave = InvalidationChannel.join(subscriptions, this.cacheName, follower);
		}
	}

	/**
	 * Stops listening to the broadcast; the subscription ends with its last cache.
	 */
	void close() {
		Runnable leave = this.leave;
		this.leave = null;
		if (leave != null) {
			leave.run();
		}
	}

	/**
	 * Tells whether this instance reads the journal: only a cache with an L1 has anything
	 * to drop.
	 * @return {@code true} when the sequence is read with the generation
	 */
	boolean follows() {
		return this.follower != null;
	}

	String sequenceKey() {
		return this.keys.sequenceKey();
	}

	/**
	 * Creates the sequence counter, or reads it, by incrementing it by zero.
	 * @return its value
	 * @throws BackendException when L2 failed
	 */
	long createSequence() {
		return this.announcer.createSequence();
	}

	/**
	 * Announces that a key changed in L2.
	 * @param keyString the key
	 */
	void announce(String keyString) {
		this.announcer.announce(keyString);
	}

	/**
	 * Announces that the cache moved to a new generation.
	 * @param generation the new generation
	 */
	void announceClear(long generation) {
		this.announcer.announceClear(generation);
	}

	/**
	 * Applies the changes since the last refresh, given the sequence counter just read,
	 * then tries again the announcements that failed. Called by the refreshing thread.
	 * @param sequence the counter's value
	 * @throws BackendException when the records could not be read; the cursor stays, so
	 * the next refresh reads them
	 */
	void observe(long sequence) {
		InvalidationFollower follower = this.follower;
		if (follower != null) {
			follower.observe(sequence);
		}
		this.announcer.retryAnnouncements();
	}

	/**
	 * Tries again the announcements that failed. Called after a refresh reached L2.
	 */
	void retryAnnouncements() {
		this.announcer.retryAnnouncements();
	}

	/**
	 * What a journal works with.
	 */
	static final class Builder {

		final String cacheName;

		final Backend backend;

		final CacheKeys keys;

		long instance;

		Clock clock = Clock.systemUTC();

		Ticker ticker = Ticker.systemTicker();

		/** The generation's refresh interval: the most a missing record is waited for. */
		long refreshNanos = CacheConfiguration.DEFAULT_GENERATION_REFRESH.toNanos();

		ChangeStamps stamps = new ChangeStamps();

		L1Store l1;

		boolean follows = true;

		TierCounters cacheCounters = new TierCounters();

		TierCounters l2Counters = new TierCounters();

		RemoteTier remote;

		ProblemLog problems;

		Executor executor = Runnable::run;

		/**
		 * The broadcast to subscribe through: the one of the backend as the caches of a
		 * manager share it (not behind each cache's own circuit breaker wrapper), so that
		 * they share one subscription.
		 */
		@Nullable Broadcast subscriptions;

		Builder(String cacheName, Backend backend, CacheKeys keys, L1Store l1, RemoteTier remote) {
			this.cacheName = cacheName;
			this.backend = backend;
			this.keys = keys;
			this.l1 = l1;
			this.remote = remote;
			this.problems = new ProblemLog(cacheName);
		}

	}

}
