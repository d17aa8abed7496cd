package io.cachekit.tier;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What this process changed but could not yet tell L2: keys whose L2 entry is older than
 * an evict or a write of this process, and a clear whose generation bump failed.
 *
 * <p>
 * A marked key is never served from L2 until its entry was deleted there; while a clear
 * is pending, L2 is skipped altogether. Marks carry the {@link ChangeStamps stamp} of the
 * change that left them, and a later change that reached L2 removes only marks not newer
 * than itself. Past {@value #MAX_KEYS} marked keys a clear is requested instead, so
 * memory stays bounded through a long outage. Thread-safe.
 */
final class PendingInvalidations {

	/** How many keys are tracked before a clear is requested instead. */
	static final int MAX_KEYS = 10_000;

	private final ConcurrentMap<String, Long> marks = new ConcurrentHashMap<>();

	/** Clears requested so far. */
	private final AtomicLong clearsRequested = new AtomicLong();

	/** Clears requested before the last generation bump that reached L2. */
	private final AtomicLong clearsDone = new AtomicLong();

	/**
	 * Remembers that L2 may hold an entry for the key older than a change.
	 * @param keyString the key
	 * @param change the stamp of the change that could not reach L2
	 */
	void mark(String keyString, long change) {
		if (this.marks.size() >= MAX_KEYS && !this.marks.containsKey(keyString)) {
			// Too many keys to track: clearing the whole cache is the safe answer.
			requestClear();
			return;
		}
		this.marks.merge(keyString, change, Math::max);
	}

	/**
	 * Forgets a key's mark once L2 holds nothing older than a change.
	 * @param keyString the key
	 * @param change the stamp of the change that reached L2
	 */
	void unmark(String keyString, long change) {
		this.marks.computeIfPresent(keyString, (key, marked) -> (marked <= change) ? null : marked);
	}

	boolean isMarked(String keyString) {
		return this.marks.containsKey(keyString);
	}

	int markedKeys() {
		return this.marks.size();
	}

	/**
	 * Records a clear that has yet to reach L2.
	 */
	void requestClear() {
		this.clearsRequested.incrementAndGet();
	}

	boolean isClearPending() {
		return this.clearsDone.get() < this.clearsRequested.get();
	}

	/**
	 * Called just before a generation bump is tried: the marks made so far are moot once
	 * a new generation exists, and if the bump fails the pending clear covers them.
	 * @return what to hand to {@link #clearDone(long)} when the bump succeeds
	 */
	long clearStarting() {
		long requested = this.clearsRequested.get();
		this.marks.clear();
		return requested;
	}

	/**
	 * Records that a generation bump reached L2; clears requested while it was under way
	 * stay pending.
	 * @param requested what {@link #clearStarting()} answered before the bump
	 */
	void clearDone(long requested) {
		this.clearsDone.accumulateAndGet(requested, Math::max);
	}

}
