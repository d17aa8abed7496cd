package io.cachekit.tier;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import io.cachekit.backend.AddIfAbsent;
import io.cachekit.backend.Backend;
import io.cachekit.backend.BackendErrorType;
import io.cachekit.backend.BackendException;
import io.cachekit.backend.BackendOperation;
import io.cachekit.codec.CachedValue;
import io.cachekit.codec.CodecException;
import io.cachekit.codec.ValueCodec;
import org.jspecify.annotations.Nullable;

/**
 * The shared tier of a {@link TieredCache}: the backend (behind the circuit breaker), the
 * value codec and the cache's L2 keys, with every failure turned into a miss or "not
 * stored", counted and logged once.
 *
 * <p>
 * Reads decode or drop: an entry that cannot be decoded is deleted and is a miss, as is
 * one past the expiry its envelope carries. Changes that cannot reach L2 leave a mark in
 * {@link PendingInvalidations}, and a marked key's L2 entry is deleted before anything is
 * served for it again. An {@link Generation#UNKNOWN unknown generation} means L2 cannot
 * be used now: reads miss and changes are marked. Without a backend every read misses and
 * every change is a no-op. Every change that reached L2 is announced on the cache's
 * {@link InvalidationJournal}, when it has one. Thread-safe.
 */
final class RemoteTier {

	private final @Nullable Backend backend;

	private final ValueCodec codec;

	private final CacheKeys keys;

	private final @Nullable Duration ttl;

	private final Clock clock;

	private final TierCounters counters;

	private final TierCounters codecCounters;

	private final ProblemLog problems;

	private final PendingInvalidations pending;

	private volatile @Nullable InvalidationJournal journal;

	private volatile FailMode failMode = FailMode.OPEN;

	private volatile Predicate<Map<String, Long>> tagsCurrent = (tags) -> true;

	private final Duration staleGrace;

	private final @Nullable Duration storedTtl;

	private final TimedOutReads timedOutReads = new TimedOutReads();

	/** The backend as the circuit breaker guards it, when it does. */
	private final @Nullable CircuitBreakingBackend guarded;

	/**
	 * Creates the tier.
	 * @param backend the backend behind the circuit breaker, or {@code null} for none
	 * @param codec the value codec
	 * @param keys the cache's keys
	 * @param ttl how long entries live, or {@code null}
	 * @param clock the clock of expiry times
	 * @param counters the L2 counts
	 * @param l1Counters the L1 counts, which take encoding failures when there is no L2
	 * @param problems the cache's problem log
	 * @param pending the cache's pending invalidations
	 */
	RemoteTier(@Nullable Backend backend, ValueCodec codec, CacheKeys keys, @Nullable Duration ttl, Clock clock,
			TierCounters counters, TierCounters l1Counters, ProblemLog problems, PendingInvalidations pending) {
		this(backend, codec, keys, ttl, Duration.ZERO, clock, counters, l1Counters, problems, pending);
	}

	/**
	 * Creates the tier with a serve-stale grace: entries live that much longer in L2 than
	 * their freshness, which their envelope's expiry still ends.
	 * @param backend the backend behind the circuit breaker, or {@code null} for none
	 * @param codec the value codec
	 * @param keys the cache's keys
	 * @param ttl how long entries are fresh, or {@code null}
	 * @param staleGrace how long entries stay past their freshness, zero for not at all
	 * @param clock the clock of expiry times
	 * @param counters the L2 counts
	 * @param l1Counters the L1 counts, which take encoding failures when there is no L2
	 * @param problems the cache's problem log
	 * @param pending the cache's pending invalidations
	 */
	RemoteTier(@Nullable Backend backend, ValueCodec codec, CacheKeys keys, @Nullable Duration ttl, Duration staleGrace,
			Clock clock, TierCounters counters, TierCounters l1Counters, ProblemLog problems,
			PendingInvalidations pending) {
		this.staleGrace = staleGrace;
		this.storedTtl = (ttl != null) ? ttl.plus(staleGrace) : null;
		this.backend = backend;
		this.codec = codec;
		this.keys = keys;
		this.ttl = ttl;
		this.clock = clock;
		this.counters = counters;
		this.codecCounters = (backend != null) ? counters : l1Counters;
		this.problems = problems;
		this.pending = pending;
		this.guarded = (backend instanceof CircuitBreakingBackend breaking) ? breaking : null;
	}

	/**
	 * Tells whether L2 would refuse a write now without calling the server (the circuit
	 * breaker is open, or this thread has just waited a whole timeout), so that a writer
	 * can keep the value out of L2 ({@link #skipWrite(String, long, String)}) without
	 * encoding it first.
	 * @return {@code true} when a write now would fail at once
	 */
	boolean refusesWrites() {
		return this.guarded != null && this.guarded.refusesNow();
	}

	/**
	 * Announces, from now on, every change that reached L2 on the cache's invalidation
	 * journal.
	 * @param journal the journal
	 */
	void announceTo(InvalidationJournal journal) {
		this.journal = journal;
	}

	/**
	 * Sets how a read tells whether the tag versions an entry was written with are still
	 * current; an entry whose are not is a miss. Every entry is current unless set.
	 * @param tagsCurrent the check
	 */
	void tagsCurrent(Predicate<Map<String, Long>> tagsCurrent) {
		this.tagsCurrent = tagsCurrent;
	}

	/**
	 * Sets what a read does with an entry that fails its check; {@link FailMode#OPEN}
	 * unless set.
	 * @param failMode the mode
	 */
	void failMode(FailMode failMode) {
		this.failMode = failMode;
	}

	/**
	 * Announces that the cache moved to a new generation.
	 * @param generation the new generation
	 */
	void cleared(long generation) {
		InvalidationJournal journal = this.journal;
		if (journal != null) {
			journal.announceClear(generation);
		}
	}

	boolean isPresent() {
		return this.backend != null;
	}

	Optional<AddIfAbsent> addIfAbsent() {
		return (this.backend != null) ? this.backend.capability(AddIfAbsent.class) : Optional.empty();
	}

	/**
	 * Returns when an entry written now expires.
	 * @return the expiry, or {@code null} when entries do not expire
	 */
	@Nullable Instant expiresAt() {
		return (this.ttl != null) ? this.clock.instant().plus(this.ttl) : null;
	}

	/**
	 * Encodes a value for the L2 key it is written under.
	 * @param value the value
	 * @param expiresAt its expiry, or {@code null}
	 * @param generation the cache's generation the bytes are written in
	 * @param keyString the key
	 * @return the bytes, or {@code null} when it cannot be encoded (counted and logged)
	 */
	byte @Nullable [] encode(@Nullable Object value, @Nullable Instant expiresAt, long generation, String keyString) {
		return encode(value, expiresAt, generation, keyString, Map.of());
	}

	/**
	 * Encodes a value with the versions of its tags for the L2 key it is written under.
	 * @param value the value
	 * @param expiresAt its expiry, or {@code null}
	 * @param generation the cache's generation the bytes are written in
	 * @param keyString the key
	 * @param tags the version of each of its tags, empty for none
	 * @return the bytes, or {@code null} when it cannot be encoded (counted and logged)
	 */
	byte @Nullable [] encode(@Nullable Object value, @Nullable Instant expiresAt, long generation, String keyString,
			Map<String, Long> tags) {
		try {
			return this.codec.encode(value, expiresAt, tags, this.keys.entryKey(generation, keyString));
		}
		catch (CodecException ex) {
			notEncodable(value, ex);
			return null;
		}
	}

	/**
	 * Counts and logs, once per class, a value that was not cached because the codec
	 * cannot or would not write it.
	 * @param value the value
	 * @param ex why
	 */
	void notEncodable(@Nullable Object value, CodecException ex) {
		String type = (value != null) ? value.getClass().getName() : "null";
		this.codecCounters.codecError(ex.getKind());
		this.problems.warn("encode:" + type,
				"a " + type + " value was not cached (" + ex.getKind() + "): " + ex.getMessage(), null);
	}

	/**
	 * Reads and decodes an entry, counting the hit or miss.
	 * @param generation the cache's generation
	 * @param keyString the key
	 * @param seen the key's change stamp before the read
	 * @return the entry, or {@code null} for a miss of any kind
	 */
	@Nullable Entry read(long generation, String keyString, long seen) {
		return lookup(generation, keyString, seen).fresh();
	}

	/**
	 * Reads and decodes an entry, counting the hit or miss, and tells a stale entry and
	 * an L2 out of reach apart from a plain miss.
	 * @param generation the cache's generation
	 * @param keyString the key
	 * @param seen the key's change stamp before the read
	 * @return what the read found
	 * @throws CacheIntegrityException when the entry failed its check and the fail mode
	 * is closed
	 */
	Lookup lookup(long generation, String keyString, long seen) {
		Backend backend = this.backend;
		if (backend == null) {
			return Lookup.MISS;
		}
		this.timedOutReads.read(keyString, false);
		if (generation == Generation.UNKNOWN) {
			this.counters.misses.increment();
			return Lookup.UNREACHABLE;
		}
		String entryKey = this.keys.entryKey(generation, keyString);
		if (this.pending.isMarked(keyString)) {
			// An evict or a write of this key could not reach L2: delete the older entry
			// before serving anything from L2.
			try {
				if (backend.delete(entryKey)) {
					this.counters.evictions.increment();
				}
				succeeded();
				this.pending.unmark(keyString, seen);
				announce(keyString);
			}
			catch (BackendException ex) {
				failed(ex);
				this.timedOutReads.read(keyString, ex.getErrorType() == BackendErrorType.TIMEOUT);
			}
			this.counters.misses.increment();
			return Lookup.MISS;
		}
		byte[] bytes;
		try {
			bytes = backend.get(entryKey);
			succeeded();
		}
		catch (BackendException ex) {
			failed(ex);
			this.timedOutReads.read(keyString, ex.getErrorType() == BackendErrorType.TIMEOUT);
			this.counters.misses.increment();
			return Lookup.UNREACHABLE;
		}
		if (bytes == null) {
			this.counters.misses.increment();
			return Lookup.MISS;
		}
		CachedValue cached;
		try {
			cached = this.codec.decode(bytes, entryKey);
		}
		catch (CodecException ex) {
			this.counters.codecError(ex.getKind());
			this.problems.warn("decode:" + ex.getKind(),
					"dropped an unreadable L2 entry (" + ex.getKind() + "): " + ex.getMessage(), null);
			deleteQuietly(entryKey);
			this.counters.misses.increment();
			if (this.failMode == FailMode.CLOSED && FailMode.covers(ex.getKind())) {
				throw new CacheIntegrityException(this.problems.cacheName(), ex);
			}
			return Lookup.MISS;
		}
		if (!cached.tags().isEmpty() && !this.tagsCurrent.test(cached.tags())) {
			// A tag of the entry was evicted since it was written: gone, not stale.
			this.counters.misses.increment();
			return Lookup.MISS;
		}
		Instant expiresAt = cached.expiresAt();
		Instant now = this.clock.instant();
		Entry entry = new Entry(cached.value(), expiresAt, cached.tags());
		if (expiresAt != null && !expiresAt.isAfter(now)) {
			this.counters.misses.increment();
			boolean withinGrace = expiresAt.plus(this.staleGrace).isAfter(now);
			return withinGrace ? new Lookup(null, entry, false) : Lookup.MISS;
		}
		this.counters.hits.increment();
		return new Lookup(entry, null, false);
	}

	/**
	 * Writes an entry, replacing any.
	 * @param generation the cache's generation
	 * @param keyString the key
	 * @param bytes the encoded value
	 * @param change the stamp of the write
	 * @return what became of it
	 */
	Write write(long generation, String keyString, byte[] bytes, long change) {
		Backend backend = this.backend;
		if (backend == null) {
			return Write.NO_L2;
		}
		if (generation == Generation.UNKNOWN) {
			// L2 is out of reach: whatever it holds for the key is now older than this
			// value and must not be served when L2 returns.
			this.pending.mark(keyString, change);
			return Write.DEFERRED;
		}
		try {
			backend.set(this.keys.entryKey(generation, keyString), bytes, this.storedTtl);
			succeeded();
			this.pending.unmark(keyString, change);
			this.counters.puts.increment();
			announce(keyString);
			return Write.STORED;
		}
		catch (BackendException ex) {
			failed(ex);
			if (!ex.getErrorType().isRetryable()) {
				// Refused for good (too large, invalid): not to be cached anywhere.
				this.counters.rejected.increment();
				return Write.REFUSED;
			}
			this.pending.mark(keyString, change);
			return Write.DEFERRED;
		}
	}

	/**
	 * Tells whether this thread's last read of the cache was of {@code keyString} and
	 * timed out, without forgetting it: a load of the key then takes no lease.
	 * @param keyString the key
	 * @return {@code true} when it was
	 */
	boolean readTimedOut(String keyString) {
		return this.backend != null && this.timedOutReads.timedOut(keyString);
	}

	/**
	 * Tells whether this thread's last read of the cache was of {@code keyString} and
	 * timed out, and forgets that read: the value loaded after that miss is then kept out
	 * of L2 ({@link #skipWrite(String, long)}), so that the call does not wait for an
	 * unanswering L2 twice.
	 * @param keyString the key about to be stored
	 * @return {@code true} when the write should skip L2
	 */
	boolean takeTimedOutRead(String keyString) {
		return this.backend != null && this.timedOutReads.take(keyString);
	}

	/**
	 * Keeps a write out of L2 as one that could not reach it: the key is marked, so that
	 * the older L2 entry is never served, and the skip is counted as a {@code TRANSIENT}
	 * failure and logged once, as the circuit breaker's refusals are.
	 * @param keyString the key
	 * @param change the stamp of the write
	 * @param reason why, for the log: what follows "skipped: "
	 */
	void skipWrite(String keyString, long change, String reason) {
		this.pending.mark(keyString, change);
		failed(new CircuitBreakingBackend.SkippedCall(BackendOperation.SET, keyString, "skipped: " + reason));
	}

	/**
	 * Adds an entry unless the key holds one.
	 * @param add the backend's add
	 * @param generation the cache's generation, known
	 * @param keyString the key
	 * @param bytes the encoded value
	 * @param change the stamp of the write
	 * @return {@code TRUE} when added, {@code FALSE} when the key holds an entry,
	 * {@code null} when L2 failed
	 */
	@Nullable Boolean add(AddIfAbsent add, long generation, String keyString, byte[] bytes, long change) {
		try {
			boolean added = add.addIfAbsent(this.keys.entryKey(generation, keyString), bytes, this.storedTtl);
			succeeded();
			if (added) {
				this.pending.unmark(keyString, change);
				this.counters.puts.increment();
				announce(keyString);
			}
			return added;
		}
		catch (BackendException ex) {
			failed(ex);
			return null;
		}
	}

	/**
	 * Deletes a key's entry; when that cannot be done, the key is marked so that its
	 * entry is never served before it is deleted.
	 * @param generation the cache's generation
	 * @param keyString the key
	 * @param change the stamp of the change
	 * @return whether an entry was removed; {@code false} too when L2 failed
	 */
	boolean delete(long generation, String keyString, long change) {
		if (this.backend == null) {
			return false;
		}
		Boolean removed = (generation != Generation.UNKNOWN) ? deleteQuietly(this.keys.entryKey(generation, keyString))
				: null;
		if (removed == null) {
			this.pending.mark(keyString, change);
			return false;
		}
		this.pending.unmark(keyString, change);
		// Announced even when L2 held nothing: another process's L1 may still hold it.
		announce(keyString);
		return removed;
	}

	/**
	 * Counts and logs a failure of L2, once per kind until it answers again.
	 * @param ex the failure
	 */
	void failed(BackendException ex) {
		BackendErrorType type = ex.getErrorType();
		this.counters.error(type);
		if (type.isRetryable() || type == BackendErrorType.AUTHENTICATION) {
			// The store is out of reach: logged once until it answers again.
			this.problems.warn("l2:" + type, "L2 " + ex.getMessage(), null);
		}
		else {
			// The store refused this request (too large, invalid): logged once per kind.
			this.problems.warn("refused:" + type + ":" + ex.getOperation(), "L2 " + ex.getMessage(), null);
		}
	}

	void succeeded() {
		this.problems.recovered("l2:", "L2 answers again");
	}

	private void announce(String keyString) {
		InvalidationJournal journal = this.journal;
		if (journal != null) {
			journal.announce(keyString);
		}
	}

	private @Nullable Boolean deleteQuietly(String entryKey) {
		Backend backend = this.backend;
		if (backend == null) {
			return false;
		}
		try {
			boolean removed = backend.delete(entryKey);
			succeeded();
			if (removed) {
				this.counters.evictions.increment();
			}
			return removed;
		}
		catch (BackendException ex) {
			failed(ex);
			return null;
		}
	}

	/**
	 * What became of a write.
	 */
	enum Write {

		/** In L2. */
		STORED,

		/** Not in L2 for now; the key is marked until L2 can be told. */
		DEFERRED,

		/** Refused by L2 for good (too large, invalid): cache it nowhere. */
		REFUSED,

		/** The cache has no L2. */
		NO_L2

	}

	/**
	 * An entry read from L2.
	 *
	 * @param value the decoded value, {@code null} for a cached null
	 * @param expiresAt its expiry, or {@code null}
	 * @param tags the version of each tag it was written with, empty for none
	 */
	record Entry(@Nullable Object value, @Nullable Instant expiresAt, Map<String, Long> tags) {

	}

	/**
	 * What a read found.
	 *
	 * @param fresh the entry, when fresh
	 * @param stale the entry, when past its freshness but within the serve-stale grace
	 * @param unreachable whether L2 could not be asked (it failed, the circuit is open,
	 * or the generation is unknown)
	 */
	record Lookup(@Nullable Entry fresh, @Nullable Entry stale, boolean unreachable) {

		static final Lookup MISS = new Lookup(null, null, false);

		static final Lookup UNREACHABLE = new Lookup(null, null, true);

	}

}
