package io.cachekit.tier;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import com.github.benmanes.caffeine.cache.Ticker;
import io.cachekit.backend.Backend;
import io.cachekit.backend.BackendException;
import io.cachekit.backend.BulkGet;
import io.cachekit.backend.Durations;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reading side of an {@link InvalidationJournal}: applies to this instance's L1 the
 * changes other instances announced, and repairs what it may have missed.
 *
 * <p>
 * The {@link Generation} reads the sequence counter together with the generation, once
 * per refresh interval, and hands it to {@link #observe(long)}. When it moved by at most
 * {@value InvalidationJournal#WINDOW}, the records in between that another instance wrote
 * are read in one bulk get and their keys dropped from L1 through the change stamps, so
 * that no L2 read under way can put an old value back. A record missing while the journal
 * was read recently may be on its way (its writer increments first and writes second):
 * the records found are applied and it is awaited for one refresh interval. Anything that
 * may have hidden a change is a gap, repaired by dropping the whole L1: a record still
 * missing after that wait, or missing after a long time without a read (expired during an
 * outage, or evicted), a counter that went back or jumped more than the window (lost and
 * created again), a record that cannot be read. A pushed record
 * ({@link InvalidationChannel}) is applied at once, on the backend's thread, without
 * calling the backend; when it is not the next one expected, or the subscription was
 * reset, the journal is read on the cache's executor. Records of this instance
 * ({@link #appended(long)}) are skipped.
 *
 * <p>
 * Thread-safe.
 */
final class InvalidationFollower {

	private static final int MAX_SKIPPED = 10_000;

	private static final long UNKNOWN = Long.MIN_VALUE;

	private static final long RECENT_NANOS = InvalidationJournal.RETENTION.dividedBy(2).toNanos();

	private static final Logger logger = LoggerFactory.getLogger(TieredCache.class);

	private final String cacheName;

	private final Backend backend;

	private final @Nullable BulkGet bulk;

	private final CacheKeys keys;

	private final long instance;

	private final Ticker ticker;

	private final long refreshNanos;

	private final ChangeStamps stamps;

	private final L1Store l1;

	private final TierCounters cacheCounters;

	private final RemoteTier remote;

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

	private final AtomicBoolean readScheduled = new AtomicBoolean();

	private volatile boolean inGap;

	private volatile @Nullable Generation generation;

	/**
	 * Creates the reading side of a journal.
	 * @param builder what the journal works with
	 */
	InvalidationFollower(InvalidationJournal.Builder builder) {
		this.cacheName = builder.cacheName;
		this.backend = builder.backend;
		this.bulk = builder.backend.capability(BulkGet.class).orElse(null);
		this.keys = builder.keys;
		this.instance = builder.instance;
		this.ticker = builder.ticker;
		this.refreshNanos = builder.refreshNanos;
		this.stamps = builder.stamps;
		this.l1 = builder.l1;
		this.cacheCounters = builder.cacheCounters;
		this.remote = builder.remote;
		this.executor = builder.executor;
	}

	/**
	 * Starts following through the cache's generation, which moves on a clear record and
	 * reads the journal when a read is scheduled.
	 * @param generation the cache's generation
	 */
	void start(Generation generation) {
		this.generation = generation;
	}

	/**
	 * Notes a record this instance appended, which need not be read.
	 * @param sequence its sequence number
	 */
	void appended(long sequence) {
		if (this.skipped.size() >= MAX_SKIPPED) {
			// Only spares reading records again: safe to forget.
			this.skipped.clear();
		}
		this.skipped.add(sequence);
	}

	/**
	 * Applies the changes since the last refresh, given the sequence counter just read.
	 * Called by the refreshing thread.
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
		else if (sequence - last - skippedBetween(last, sequence) > InvalidationJournal.WINDOW) {
			gap((sequence - last) + " changes were made since the last refresh, more than the "
					+ InvalidationJournal.WINDOW + " read at once");
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
	}

	/**
	 * Applies a pushed record, on the backend's thread: drops its key at once, and reads
	 * the journal on the executor when records before it were not seen.
	 * @param change the record
	 */
	void receive(Invalidation change) {
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
			gap("a record of its invalidation journal is missing (older than "
					+ Durations.format(InvalidationJournal.RETENTION) + ", evicted, or never written)");
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

}
