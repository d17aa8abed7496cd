package io.cachekit.tier;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.cachekit.backend.Backend;
import io.cachekit.backend.BackendErrorType;
import io.cachekit.backend.BackendException;
import io.cachekit.backend.Broadcast;
import io.cachekit.backend.BulkGet;
import io.cachekit.backend.Durations;
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
 * <b>Writing.</b> After a change of a key reached L2 (and after a clear moved the cache
 * to a new generation) the change is appended: the sequence counter
 * ({@link CacheKeys#sequenceKey()}) is incremented, created from the clock when missing
 * so that a lost counter comes back far ahead, and the record ({@link Invalidation}) is
 * written under {@link CacheKeys#journalKey(long)} for {@link #RETENTION}. An append that
 * fails is remembered and tried again after the next refresh; past
 * {@value #RETRIED_ONE_BY_ONE} such changes, one record tells every instance to drop its
 * whole L1 instead. With {@link Broadcast}, the record is also published on
 * {@value #CHANNEL}, on the cache's executor, so publishing never slows or fails the
 * write; a failed publish is counted.
 *
 * <p>
 * <b>Reading.</b> The {@link Generation} reads the sequence counter together with the
 * generation, once per refresh interval, and hands it to {@link #observe(long)}. When it
 * moved by at most {@value #WINDOW}, the records in between that another instance wrote
 * are read in one bulk get and their keys dropped from L1 through the change stamps, so
 * that no L2 read under way can put an old value back. Anything that may have hidden a
 * change is a gap, repaired by dropping the whole L1: a missing record (expired during an
 * outage longer than the retention, or evicted), a counter that went back or jumped more
 * than the window (lost and created again), a record that cannot be read. A pushed record
 * is applied at once, on the backend's thread, without calling the backend; when it is
 * not the next one expected, or the subscription was reset, the journal is read on the
 * cache's executor. Records of this instance are skipped.
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

	private static final int MAX_UNANNOUNCED = 10_000;

	private static final int MAX_OWN = 10_000;

	private static final long UNKNOWN = Long.MIN_VALUE;

	private static final Logger logger = LoggerFactory.getLogger(TieredCache.class);

	private final String cacheName;

	private final Backend backend;

	private final Increment increment;

	private final @Nullable BulkGet bulk;

	private final @Nullable Broadcast broadcast;

	private final @Nullable Broadcast subscriptions;

	private final CacheKeys keys;

	private final long instance;

	private final Clock clock;

	private final ChangeStamps stamps;

	private final L1Store l1;

	private final boolean follows;

	private final TierCounters cacheCounters;

	private final TierCounters l2Counters;

	private final RemoteTier remote;

	private final ProblemLog problems;

	private final Executor executor;

	/** The last sequence number up to which every change was applied. */
	private final AtomicLong cursor = new AtomicLong(UNKNOWN);

	/** Sequence numbers of this instance's own records not yet passed by the cursor. */
	private final ConcurrentSkipListSet<Long> own = new ConcurrentSkipListSet<>();

	private final Set<String> unannounced = ConcurrentHashMap.newKeySet();

	private final AtomicBoolean dropAllUnannounced = new AtomicBoolean();

	private final AtomicLong clearUnannounced = new AtomicLong();

	private final AtomicBoolean readScheduled = new AtomicBoolean();

	private volatile boolean inGap;

	private volatile @Nullable Generation generation;

	private volatile @Nullable Runnable leave;

	private InvalidationJournal(Builder builder, Increment increment) {
		this.cacheName = builder.cacheName;
		this.backend = builder.backend;
		this.increment = increment;
		this.bulk = builder.backend.capability(BulkGet.class).orElse(null);
		this.broadcast = builder.backend.capability(Broadcast.class).orElse(null);
		this.subscriptions = (this.broadcast != null) ? builder.subscriptions : null;
		this.keys = builder.keys;
		this.instance = builder.instance;
		this.clock = builder.clock;
		this.stamps = builder.stamps;
		this.l1 = builder.l1;
		this.follows = builder.follows;
		this.cacheCounters = builder.cacheCounters;
		this.l2Counters = builder.l2Counters;
		this.remote = builder.remote;
		this.problems = builder.problems;
		this.executor = builder.executor;
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
		this.generation = generation;
		generation.follow(this);
		Broadcast subscriptions = this.subscriptions;
		if (this.follows && subscriptions != null) {
			this.leave = InvalidationChannel.join(subscriptions, this.cacheName, this);
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
		return this.follows;
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
	 * Applies the changes since the last refresh, given the sequence counter just read,
	 * then tries again the announcements that failed. Called by the refreshing thread.
	 * @param sequence the counter's value
	 * @throws BackendException when the records could not be read; the cursor stays, so
	 * the next refresh reads them
	 */
	void observe(long sequence) {
		long last = this.cursor.get();
		if (last == UNKNOWN) {
			// The first read: L1 holds nothing read from L2 yet.
			this.cursor.accumulateAndGet(sequence, Math::max);
		}
		else if (sequence < last) {
			gap("its invalidation sequence went back from " + last + " to " + sequence
					+ " (lost in L2 and created again)");
			this.cursor.set(sequence);
			this.own.clear();
		}
		else if (sequence - last - ownBetween(last, sequence) > WINDOW) {
			gap((sequence - last) + " changes were made since the last refresh, more than the " + WINDOW
					+ " read at once");
			this.cursor.accumulateAndGet(sequence, Math::max);
			forgetOwnUpTo(sequence);
		}
		else if (sequence > last) {
			catchUp(last, sequence);
		}
		else if (this.inGap) {
			this.inGap = false;
		}
		retryAnnouncements();
	}

	/**
	 * Applies a pushed record, on the backend's thread: drops its key at once, and reads
	 * the journal on the executor when records before it were not seen.
	 * @param change the record
	 */
	void receive(Invalidation change) {
		if (!this.follows) {
			return;
		}
		long last = this.cursor.get();
		if (last != UNKNOWN && change.sequence() <= last) {
			return;
		}
		if (change.instance() != this.instance) {
			apply(change, true);
		}
		while (last != UNKNOWN && change.sequence() > last) {
			if (change.sequence() != last + 1) {
				scheduleRead();
				return;
			}
			if (this.cursor.compareAndSet(last, change.sequence())) {
				return;
			}
			last = this.cursor.get();
		}
	}

	/**
	 * Reads the journal soon on the cache's executor, never on the calling thread: after
	 * a pushed record out of order, or after the broadcast was reset.
	 */
	void scheduleRead() {
		if (!this.readScheduled.compareAndSet(false, true)) {
			return;
		}
		try {
			this.executor.execute(this::readNow);
		}
		catch (RejectedExecutionException ex) {
			// The next refresh reads it.
			this.readScheduled.set(false);
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

	private void readNow() {
		this.readScheduled.set(false);
		Generation generation = this.generation;
		if (generation == null) {
			return;
		}
		try {
			generation.refreshNow();
			this.remote.succeeded();
		}
		catch (BackendException ex) {
			this.remote.failed(ex);
		}
	}

	private void catchUp(long last, long sequence) {
		List<String> wanted = new ArrayList<>();
		for (long next = last + 1; next <= sequence; next++) {
			if (!this.own.contains(next)) {
				wanted.add(this.keys.journalKey(next));
			}
		}
		Map<String, byte[]> found = fetch(wanted);
		if (found.size() < wanted.size()) {
			// A record may be on its way: its writer increments first and writes second.
			List<String> missing = new ArrayList<>(wanted);
			missing.removeAll(found.keySet());
			found.putAll(fetch(missing));
		}
		if (found.size() < wanted.size()) {
			gap("a record of its invalidation journal is missing (older than " + Durations.format(RETENTION)
					+ " or evicted)");
		}
		else {
			for (String key : wanted) {
				byte[] record = found.get(key);
				Invalidation change = (record != null) ? Invalidation.decode(record) : null;
				if (change == null || !change.cacheName().equals(Invalidation.travelling(this.cacheName))) {
					gap("a record of its invalidation journal could not be read");
					break;
				}
				if (change.instance() != this.instance) {
					apply(change, false);
				}
			}
			this.inGap = false;
		}
		this.cursor.accumulateAndGet(sequence, Math::max);
		forgetOwnUpTo(sequence);
	}

	/**
	 * Counts this instance's own records after one sequence number up to another, which
	 * need not be read.
	 */
	private int ownBetween(long last, long sequence) {
		return this.own.subSet(last, false, sequence, true).size();
	}

	private void forgetOwnUpTo(long sequence) {
		this.own.headSet(sequence, true).clear();
	}

	private Map<String, byte[]> fetch(List<String> journalKeys) {
		if (journalKeys.isEmpty()) {
			return new LinkedHashMap<>();
		}
		BulkGet bulk = this.bulk;
		if (bulk != null) {
			return new LinkedHashMap<>(bulk.getAll(journalKeys));
		}
		Map<String, byte[]> found = new LinkedHashMap<>();
		for (String key : journalKeys) {
			byte[] record = this.backend.get(key);
			if (record != null) {
				found.put(key, record);
			}
		}
		return found;
	}

	/**
	 * Applies another instance's change to L1.
	 * @param change the change
	 * @param pushed whether it came through the broadcast, on the backend's thread, where
	 * nothing may wait for L2
	 */
	private void apply(Invalidation change, boolean pushed) {
		switch (change.kind()) {
			case KEY -> {
				this.stamps.begin(change.key());
				this.l1.remove(change.key());
			}
			case CLEAR -> {
				Generation generation = this.generation;
				if (generation != null) {
					if (pushed) {
						advanceLater(generation, change.generation());
					}
					else {
						generation.advanceTo(change.generation());
					}
				}
			}
			case DROP_ALL -> dropL1();
		}
		this.cacheCounters.invalidationsReceived.increment();
	}

	private void advanceLater(Generation generation, long next) {
		try {
			this.executor.execute(() -> generation.advanceTo(next));
		}
		catch (RejectedExecutionException ex) {
			// Drop L1 now; the next refresh reads the new generation.
			dropL1();
		}
	}

	private void gap(String reason) {
		this.cacheCounters.invalidationGaps.increment();
		dropL1();
		try {
			if (!this.inGap) {
				this.inGap = true;
				logger.info("cache '{}': dropped L1, since changes made by other instances may have been missed: {}",
						this.cacheName, reason);
			}
			else {
				logger.debug("cache '{}': dropped L1 again: {}", this.cacheName, reason);
			}
		}
		catch (RuntimeException ex) {
			// A broken log must not break the cache call.
		}
	}

	private void dropL1() {
		this.stamps.beginAll();
		this.l1.clear();
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
		if (this.follows) {
			if (this.own.size() >= MAX_OWN) {
				// Only spares reading this instance's own records: safe to forget.
				this.own.clear();
			}
			this.own.add(sequence);
		}
		byte[] record = change.withSequence(sequence).encode();
		try {
			this.backend.set(this.keys.journalKey(sequence), record, RETENTION);
			this.remote.succeeded();
		}
		catch (BackendException ex) {
			// Readers find the record missing, a gap that drops their L1.
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
			broadcast.publish(CHANNEL, record);
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
		if (this.dropAllUnannounced.get() || keys.size() > RETRIED_ONE_BY_ONE) {
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
	 * What a journal works with.
	 */
	static final class Builder {

		final String cacheName;

		final Backend backend;

		final CacheKeys keys;

		long instance;

		Clock clock = Clock.systemUTC();

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
