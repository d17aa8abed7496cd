package io.cachekit.tier;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

import com.github.benmanes.caffeine.cache.Ticker;
import io.cachekit.backend.AddIfAbsent;
import io.cachekit.backend.Backend;
import io.cachekit.backend.BackendException;
import io.cachekit.backend.BulkGet;
import io.cachekit.backend.Increment;
import org.jspecify.annotations.Nullable;

/**
 * A cache's generation: a counter in the backend that is part of every L2 key, so that
 * {@code clear()} is one increment instead of a scan or a {@code flush_all}.
 *
 * <p>
 * The counter never expires. It is read through {@link Increment} by zero (one round trip
 * that also creates it), or else through {@code get} and {@link AddIfAbsent}. A missing
 * counter is created at the current time in milliseconds, so a counter lost to eviction
 * comes back larger than any value it had: entries of earlier generations are never
 * served again.
 *
 * <p>
 * The value is cached in-process and read again from the backend once it is older than
 * the refresh interval, so other processes' clears are seen within that interval. One
 * thread reads; while it does, the others go on with the value known so far, but while no
 * value was ever read they wait for that read instead of going on without one (a cache
 * that goes on without its generation skips L2 and so reads nothing the cluster already
 * holds).
 *
 * <p>
 * When the cache follows an {@link InvalidationJournal}, each read also reads the
 * journal's sequence counter, in the same request where the backend offers
 * {@link BulkGet} (else two gets; either counter is created by an increment by zero when
 * missing), and hands it to the journal, which drops from L1 what other processes
 * changed. An L1 hit costs no request; a refresh in which nothing changed costs one.
 * Thread-safe.
 */
final class Generation {

	/** The generation used while it has never been read from the backend. */
	static final long UNKNOWN = -1;

	private final Backend backend;

	private final String key;

	private final long refreshNanos;

	private final Ticker ticker;

	private final Clock clock;

	private final Runnable onChange;

	private final ReentrantLock reading = new ReentrantLock();

	private volatile long value = UNKNOWN;

	private volatile @Nullable InvalidationJournal journal;

	/** When the last read ended, successful or not. */
	private volatile long attemptNanos;

	/**
	 * Creates the counter's view.
	 * @param backend the backend holding the counter
	 * @param key the counter's key
	 * @param refreshNanos how long a value read is trusted
	 * @param ticker the time source of the refresh
	 * @param clock the clock whose milliseconds create a missing counter
	 * @param onChange called, under this object's lock, whenever the value changes
	 */
	Generation(Backend backend, String key, long refreshNanos, Ticker ticker, Clock clock, Runnable onChange) {
		this.backend = backend;
		this.key = key;
		this.refreshNanos = refreshNanos;
		this.ticker = ticker;
		this.clock = clock;
		this.onChange = onChange;
		this.attemptNanos = ticker.read() - refreshNanos;
	}

	/**
	 * Returns the generation, reading it again when the last read ended longer ago than
	 * the refresh interval. One thread reads. While it does, the others go on with the
	 * known value, or, when none is known yet, wait for its read to end. After a failed
	 * read nobody tries again within the interval.
	 * @return the generation, or {@link #UNKNOWN} when it could never be read
	 * @throws BackendException when this thread read it and the backend failed; the
	 * cached value stays in use ({@link #cached()})
	 */
	long current() {
		if (!isDue()) {
			return this.value;
		}
		if (this.value != UNKNOWN) {
			if (!this.reading.tryLock()) {
				return this.value;
			}
		}
		else {
			// Nothing known yet: the answer of the read under way is worth waiting for;
			// it is bounded by the backend's operation timeout.
			this.reading.lock();
		}
		try {
			if (!isDue()) {
				return this.value;
			}
			try {
				refresh();
			}
			finally {
				this.attemptNanos = this.ticker.read();
			}
			return this.value;
		}
		finally {
			this.reading.unlock();
		}
	}

	/**
	 * Has the generation read together with the journal's sequence counter, in one
	 * request when the backend offers {@link BulkGet}, from now on.
	 * @param journal the cache's invalidation journal
	 */
	void follow(InvalidationJournal journal) {
		this.journal = journal;
	}

	/**
	 * Reads the generation (and the journal) now, whatever the interval, waiting for a
	 * read under way on another thread. For a journal read scheduled on the executor.
	 * @throws BackendException when the backend failed
	 */
	void refreshNow() {
		this.reading.lock();
		try {
			try {
				refresh();
			}
			finally {
				this.attemptNanos = this.ticker.read();
			}
		}
		finally {
			this.reading.unlock();
		}
	}

	/**
	 * Moves to a generation announced by another process's clear, unless a later one is
	 * known.
	 * @param generation the announced generation
	 */
	void advanceTo(long generation) {
		this.reading.lock();
		try {
			if (generation > this.value) {
				update(generation);
			}
		}
		finally {
			this.reading.unlock();
		}
	}

	private void refresh() {
		InvalidationJournal journal = this.journal;
		if (journal == null) {
			update(read());
			return;
		}
		if (!journal.follows()) {
			update(read());
			journal.retryAnnouncements();
			return;
		}
		String sequenceKey = journal.sequenceKey();
		byte[] generation;
		byte[] sequence;
		Optional<BulkGet> bulk = this.backend.capability(BulkGet.class);
		if (bulk.isPresent()) {
			Map<String, byte[]> found = bulk.get().getAll(List.of(this.key, sequenceKey));
			generation = found.get(this.key);
			sequence = found.get(sequenceKey);
		}
		else {
			generation = this.backend.get(this.key);
			sequence = this.backend.get(sequenceKey);
		}
		Long knownGeneration = (generation != null) ? decode(generation) : null;
		Long knownSequence = (sequence != null) ? decode(sequence) : null;
		update((knownGeneration != null) ? knownGeneration : read());
		journal.observe((knownSequence != null) ? knownSequence : journal.createSequence());
	}

	/**
	 * Tells whether the next {@link #current()} would go to the backend.
	 * @return {@code true} when the refresh interval has passed since the last attempt
	 */
	boolean isDue() {
		return this.ticker.read() - this.attemptNanos >= this.refreshNanos;
	}

	/**
	 * Returns the last value read, without going to the backend.
	 * @return the generation, or {@link #UNKNOWN}
	 */
	long cached() {
		return this.value;
	}

	/**
	 * Moves the cache to a new generation, making every existing entry unreachable.
	 * @return the new generation
	 * @throws BackendException when the backend failed
	 */
	long bump() {
		Optional<Increment> increment = this.backend.capability(Increment.class);
		if (increment.isPresent()) {
			return remember(increment.get().increment(this.key, 1, initial(), null));
		}
		long next = Math.max(read() + 1, initial());
		this.backend.set(this.key, encode(next), null);
		return remember(next);
	}

	private long read() {
		Optional<Increment> increment = this.backend.capability(Increment.class);
		if (increment.isPresent()) {
			return increment.get().increment(this.key, 0, initial(), null);
		}
		byte[] stored = this.backend.get(this.key);
		Long parsed = (stored != null) ? decode(stored) : null;
		if (parsed != null) {
			return parsed;
		}
		long created = initial();
		Optional<AddIfAbsent> add = this.backend.capability(AddIfAbsent.class);
		if (add.isPresent()) {
			if (add.get().addIfAbsent(this.key, encode(created), null)) {
				return created;
			}
			byte[] raced = this.backend.get(this.key);
			Long winner = (raced != null) ? decode(raced) : null;
			return (winner != null) ? winner : created;
		}
		this.backend.set(this.key, encode(created), null);
		return created;
	}

	private long remember(long generation) {
		this.reading.lock();
		try {
			update(generation);
			this.attemptNanos = this.ticker.read();
			return generation;
		}
		finally {
			this.reading.unlock();
		}
	}

	private void update(long generation) {
		if (generation != this.value) {
			this.value = generation;
			this.onChange.run();
		}
	}

	private long initial() {
		return this.clock.millis();
	}

	private static byte[] encode(long generation) {
		return Long.toString(generation).getBytes(StandardCharsets.US_ASCII);
	}

	/**
	 * Reads a counter's value from its stored ASCII digits.
	 * @param stored the bytes read
	 * @return the value, or {@code null} when the bytes are not a counter
	 */
	static @Nullable Long decode(byte[] stored) {
		try {
			return Long.parseLong(new String(stored, StandardCharsets.US_ASCII).strip());
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

}
