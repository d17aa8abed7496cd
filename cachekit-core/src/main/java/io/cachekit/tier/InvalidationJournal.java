package io.cachekit.tier;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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

import com.github.benmanes.caffeine.cache.Ticker;
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
 * that no L2 read under way can put an old value back. A record missing while the journal
 * was read recently may be on its way (its writer increments first and writes second):
 * the records found are applied and it is awaited for one refresh interval. Anything that
 * may have hidden a change is a gap, repaired by dropping the whole L1: a record still
 * missing after that wait, or missing after a long time without a read (expired during an
 * outage, or evicted), a counter that went back or jumped more than the window (lost and
 * created again), a record that cannot be read. A pushed record is applied at once, on
 * the backend's thread, without calling the backend; when it is not the next one
 * expected, or the subscription was reset, the journal is read on the cache's executor.
 * Records of this instance are skipped.
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

	private static final int MAX_SKIPPED = 10_000;

	private static final long UNKNOWN = Long.MIN_VALUE;

	private static final long RECENT_NANOS = RETENTION.dividedBy(2).toNanos();

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

	private final Ticker ticker;

	private final long refreshNanos;

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

	/**
	 * Sequence numbers after the cursor whose records need no reading: this instance's
	 * own, and records of others already applied (found after a missing one, or pushed
	 * out of order).
	 */
	private final ConcurrentSkipListSet<Long> skipped = new ConcurrentSkipListSet<>();

	/** When the journal was last read, by the refreshing thread. */
	private volatile long readNanos;

	/**
	 * The last sequence number read when records were found missing, or {@link #UNKNOWN}:
	 * a record up to it still missing at a later read has been missing since
	 * {@link #missingSinceNanos}.
	 */
	private volatile long missingThrough = UNKNOWN;

	private volatile long missingSinceNanos;

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
		this.ticker = builder.ticker;
		this.refreshNanos = builder.refreshNanos;
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
			this.skipped.clear();
		}
		else if (sequence - last - skippedBetween(last, sequence) > WINDOW) {
			gap((sequence - last) + " changes were made since the last refresh, more than the " + WINDOW
					+ " read at once");
			this.cursor.accumulateAndGet(sequence, Math::max);
			forgetSkippedUpTo(sequence);
		}
		else if (sequence > last) {
			catchUp(last, sequence);
		}
		else if (this.inGap) {
			this.inGap = false;
		}
		this.readNanos = this.ticker.read();
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
		if (last == UNKNOWN) {
			if (change.instance() != this.instance) {
				apply(change, true);
			}
			return;
		}
		if (change.sequence() <= last) {
			return;
		}
		boolean fresh = this.skipped.add(change.sequence());
		if (fresh && change.instance() != this.instance) {
			apply(change, true);
		}
		if (passSkipped() < change.sequence()) {
			scheduleRead();
		}
	}

	/**
	 * Moves the cursor over the records right after it that need no reading.
	 * @return the cursor
	 */
	private long passSkipped() {
		long last = this.cursor.get();
		while (last != UNKNOWN && this.skipped.contains(last + 1)) {
			if (this.cursor.compareAndSet(last, last + 1)) {
				this.skipped.remove(last + 1);
			}
			last = this.cursor.get();
		}
		return last;
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

	/**
	 * Applies the records after the cursor up to a sequence number. A record may be
	 * missing because its writer is between its increment and its write: when the journal
	 * was read recently (so it cannot have expired), the records found are applied and
	 * the cursor stays before the first missing one, for at most one refresh interval. A
	 * writer that has not written its record has not returned from its change either, so
	 * the change's staleness has not started yet; a record still missing a refresh
	 * interval later, or after an outage, is a gap.
	 */
	private void catchUp(long last, long sequence) {
		List<Long> wanted = new ArrayList<>();
		for (long next = last + 1; next <= sequence; next++) {
			if (!this.skipped.contains(next)) {
				wanted.add(next);
			}
		}
		Map<Long, byte[]> found = fetch(wanted);
		if (found.size() < wanted.size()) {
			// A record may be on its way: its writer increments first and writes second.
			List<Long> missing = new ArrayList<>(wanted);
			missing.removeAll(found.keySet());
			found.putAll(fetch(missing));
		}
		long firstMissing = UNKNOWN;
		for (long next : wanted) {
			if (!found.containsKey(next)) {
				firstMissing = next;
				break;
			}
		}
		if (firstMissing != UNKNOWN && !mayWaitFor(firstMissing, sequence)) {
			gap("a record of its invalidation journal is missing (older than " + Durations.format(RETENTION)
					+ ", evicted, or never written)");
			passGap(sequence);
			return;
		}
		for (long next : wanted) {
			byte[] record = found.get(next);
			if (record == null) {
				continue;
			}
			Invalidation change = Invalidation.decode(record);
			if (change == null || !change.cacheName().equals(Invalidation.travelling(this.cacheName))) {
				gap("a record of its invalidation journal could not be read");
				passGap(sequence);
				return;
			}
			if (firstMissing != UNKNOWN && next > firstMissing && !this.skipped.add(next)) {
				// Pushed and applied meanwhile.
				continue;
			}
			if (change.instance() != this.instance) {
				apply(change, false);
			}
		}
		if (firstMissing != UNKNOWN) {
			this.cursor.accumulateAndGet(firstMissing - 1, Math::max);
			forgetSkippedUpTo(firstMissing - 1);
			passSkipped();
			return;
		}
		this.missingThrough = UNKNOWN;
		this.inGap = false;
		this.cursor.accumulateAndGet(sequence, Math::max);
		forgetSkippedUpTo(sequence);
	}

	/**
	 * Tells whether a missing record may still be on its way, and if so remembers since
	 * when the records up to a sequence number are awaited.
	 */
	private boolean mayWaitFor(long firstMissing, long sequence) {
		long now = this.ticker.read();
		if (now - this.readNanos > RECENT_NANOS) {
			// Not read for a while: the record may have expired.
			return false;
		}
		if (this.missingThrough == UNKNOWN || firstMissing > this.missingThrough) {
			this.missingSinceNanos = now;
		}
		else if (now - this.missingSinceNanos >= this.refreshNanos) {
			return false;
		}
		this.missingThrough = sequence;
		return true;
	}

	private void passGap(long sequence) {
		this.missingThrough = UNKNOWN;
		this.cursor.accumulateAndGet(sequence, Math::max);
		forgetSkippedUpTo(sequence);
	}

	/**
	 * Counts the records after one sequence number up to another that need not be read.
	 */
	private int skippedBetween(long last, long sequence) {
		return this.skipped.subSet(last, false, sequence, true).size();
	}

	private void forgetSkippedUpTo(long sequence) {
		this.skipped.headSet(sequence, true).clear();
	}

	/**
	 * Reads records of the journal.
	 * @param sequences their sequence numbers
	 * @return the records found, by sequence number
	 */
	private Map<Long, byte[]> fetch(List<Long> sequences) {
		Map<Long, byte[]> found = new HashMap<>();
		if (sequences.isEmpty()) {
			return found;
		}
		BulkGet bulk = this.bulk;
		if (bulk != null) {
			Map<String, Long> byKey = new LinkedHashMap<>();
			for (long sequence : sequences) {
				byKey.put(this.keys.journalKey(sequence), sequence);
			}
			bulk.getAll(new ArrayList<>(byKey.keySet())).forEach((key, record) -> {
				Long sequence = byKey.get(key);
				if (sequence != null) {
					found.put(sequence, record);
				}
			});
			return found;
		}
		for (long sequence : sequences) {
			byte[] record = this.backend.get(this.keys.journalKey(sequence));
			if (record != null) {
				found.put(sequence, record);
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
			if (this.skipped.size() >= MAX_SKIPPED) {
				// Only spares reading records again: safe to forget.
				this.skipped.clear();
			}
			this.skipped.add(sequence);
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
