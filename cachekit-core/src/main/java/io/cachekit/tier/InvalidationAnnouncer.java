package io.cachekit.tier;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.cachekit.backend.Backend;
import io.cachekit.backend.BackendErrorType;
import io.cachekit.backend.BackendException;
import io.cachekit.backend.Broadcast;
import io.cachekit.backend.Increment;
import org.jspecify.annotations.Nullable;

/**
 * The writing side of an {@link InvalidationJournal}: announces this instance's changes
 * to the other instances.
 *
 * <p>
 * After a change of a key reached L2 (and after a clear moved the cache to a new
 * generation) the change is appended: the sequence counter
 * ({@link CacheKeys#sequenceKey()}) is incremented, created from the clock when missing
 * so that a lost counter comes back far ahead, and the record ({@link Invalidation}) is
 * written under {@link CacheKeys#journalKey(long)} for
 * {@link InvalidationJournal#RETENTION}. The sequence number of each record appended is
 * handed to this instance's {@link InvalidationFollower}, which then need not read it. An
 * append that fails is remembered and tried again after the next refresh; past
 * {@value InvalidationJournal#RETRIED_ONE_BY_ONE} such changes, one record tells every
 * instance to drop its whole L1 instead. With {@link Broadcast}, the record is also
 * published on {@value InvalidationJournal#CHANNEL}, on the cache's executor, so
 * publishing never slows or fails the write; a failed publish is counted.
 *
 * <p>
 * Thread-safe.
 */
final class InvalidationAnnouncer {

	private static final int MAX_UNANNOUNCED = 10_000;

	private final String cacheName;

	private final Backend backend;

	private final Increment increment;

	private final @Nullable Broadcast broadcast;

	private final CacheKeys keys;

	private final long instance;

	private final Clock clock;

	private final TierCounters cacheCounters;

	private final TierCounters l2Counters;

	private final RemoteTier remote;

	private final ProblemLog problems;

	private final Executor executor;

	private final @Nullable InvalidationFollower follower;

	private final Set<String> unannounced = ConcurrentHashMap.newKeySet();

	private final AtomicBoolean dropAllUnannounced = new AtomicBoolean();

	private final AtomicLong clearUnannounced = new AtomicLong();

	/**
	 * Creates the writing side of a journal.
	 * @param builder what the journal works with
	 * @param increment the backend's increment
	 * @param follower the reading side of this instance, told of every record appended,
	 * or {@code null} when this instance does not read the journal
	 */
	InvalidationAnnouncer(InvalidationJournal.Builder builder, Increment increment,
			@Nullable InvalidationFollower follower) {
		this.cacheName = builder.cacheName;
		this.backend = builder.backend;
		this.increment = increment;
		this.broadcast = builder.backend.capability(Broadcast.class).orElse(null);
		this.keys = builder.keys;
		this.instance = builder.instance;
		this.clock = builder.clock;
		this.cacheCounters = builder.cacheCounters;
		this.l2Counters = builder.l2Counters;
		this.remote = builder.remote;
		this.problems = builder.problems;
		this.executor = builder.executor;
		this.follower = follower;
	}

	/**
	 * Creates the sequence counter, or reads it, by incrementing it by zero.
	 * @return its value
	 * @throws BackendException when L2 failed
	 */
	long createSequence() {
		return this.increment.increment(this.keys.sequenceKey(), 0, initialSequence(), null);
	}

	/**
	 * Announces that a key changed in L2.
	 * @param keyString the key
	 */
	void announce(String keyString) {
		Invalidation change = Invalidation.ofKey(this.cacheName, 0, this.instance, keyString);
		if (!append(change)) {
			remember(change);
		}
	}

	/**
	 * Announces that the cache moved to a new generation.
	 * @param generation the new generation
	 */
	void announceClear(long generation) {
		Invalidation change = new Invalidation(this.cacheName, 0, this.instance, Invalidation.Kind.CLEAR, generation,
				"");
		if (!append(change)) {
			remember(change);
		}
	}

	/**
	 * Tries again the announcements that failed: a clear first, then the keys, one by one
	 * or, when many, as one drop-all. Called after a refresh reached L2.
	 */
	void retryAnnouncements() {
		long clear = this.clearUnannounced.get();
		if (clear != 0) {
			if (!append(new Invalidation(this.cacheName, 0, this.instance, Invalidation.Kind.CLEAR, clear, ""))) {
				return;
			}
			this.clearUnannounced.compareAndSet(clear, 0);
		}
		if (this.unannounced.isEmpty() && !this.dropAllUnannounced.get()) {
			return;
		}
		List<String> keys = new ArrayList<>(this.unannounced);
		if (this.dropAllUnannounced.get() || keys.size() > InvalidationJournal.RETRIED_ONE_BY_ONE) {
			this.dropAllUnannounced.set(false);
			if (!append(new Invalidation(this.cacheName, 0, this.instance, Invalidation.Kind.DROP_ALL, 0, ""))) {
				this.dropAllUnannounced.set(true);
				return;
			}
			keys.forEach(this.unannounced::remove);
			return;
		}
		for (String key : keys) {
			if (!append(Invalidation.ofKey(this.cacheName, 0, this.instance, key))) {
				return;
			}
			this.unannounced.remove(key);
		}
	}

	/**
	 * Returns the value a missing sequence counter is created with: the clock's
	 * milliseconds times a thousand, so that a counter lost and created again comes back
	 * far ahead of the one lost (a gap), unless that one had counted more than a thousand
	 * changes per millisecond of its life.
	 */
	private long initialSequence() {
		return this.clock.millis() * 1000;
	}

	/**
	 * Appends a change to the journal and publishes it.
	 * @param change the change, numbered here
	 * @return whether it reached the journal
	 */
	private boolean append(Invalidation change) {
		long sequence;
		try {
			sequence = this.increment.increment(this.keys.sequenceKey(), 1, initialSequence(), null);
		}
		catch (BackendException ex) {
			this.remote.failed(ex);
			return false;
		}
		InvalidationFollower follower = this.follower;
		if (follower != null) {
			follower.appended(sequence);
		}
		byte[] record = change.withSequence(sequence).encode();
		try {
			this.backend.set(this.keys.journalKey(sequence), record, InvalidationJournal.RETENTION);
			this.remote.succeeded();
		}
		catch (BackendException ex) {
			// Readers find the record missing: a gap that drops their L1 one refresh
			// later.
			this.remote.failed(ex);
			return false;
		}
		this.cacheCounters.invalidationsSent.increment();
		publish(record);
		return true;
	}

	private void publish(byte[] record) {
		Broadcast broadcast = this.broadcast;
		if (broadcast == null) {
			return;
		}
		try {
			this.executor.execute(() -> publishNow(broadcast, record));
		}
		catch (RejectedExecutionException ex) {
			publishFailed(BackendErrorType.TRANSIENT, "the cache's executor refused the task");
		}
	}

	private void publishNow(Broadcast broadcast, byte[] record) {
		try {
			broadcast.publish(InvalidationJournal.CHANNEL, record);
		}
		catch (BackendException ex) {
			publishFailed(ex.getErrorType(), ex.getMessage());
		}
		catch (RuntimeException ex) {
			publishFailed(BackendErrorType.UNKNOWN, ex.toString());
		}
	}

	private void publishFailed(BackendErrorType type, @Nullable String reason) {
		this.l2Counters.error(type);
		this.problems.warn("publish:" + type, "could not publish an invalidation (" + reason
				+ "); other instances see the change at their next refresh", null);
	}

	private void remember(Invalidation change) {
		switch (change.kind()) {
			case KEY -> {
				if (this.unannounced.size() >= MAX_UNANNOUNCED && !this.unannounced.contains(change.key())) {
					this.dropAllUnannounced.set(true);
				}
				else {
					this.unannounced.add(change.key());
				}
			}
			case CLEAR -> this.clearUnannounced.accumulateAndGet(change.generation(), Math::max);
			case DROP_ALL -> this.dropAllUnannounced.set(true);
		}
	}

}
