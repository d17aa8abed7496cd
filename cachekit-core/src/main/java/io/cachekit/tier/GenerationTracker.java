package io.cachekit.tier;

import com.github.benmanes.caffeine.cache.Ticker;
import io.cachekit.backend.BackendException;
import org.jspecify.annotations.Nullable;

/**
 * Which generation of its L2 entries a cache uses now, and what follows when that
 * changes.
 *
 * <p>
 * Wraps the {@link Generation} counter, which empties L1 whenever it sees another
 * generation (another process cleared the cache, or the generation became known), since
 * nothing in L1 is current any more. A {@link #clear()} moves L2 to a new generation;
 * when that fails, the clear stays pending in {@link PendingInvalidations}, the
 * generation is {@link Generation#UNKNOWN} (L2 is skipped, L1 works on) and the bump is
 * tried again at most once per refresh interval. Without a backend the generation is
 * always 0. Thread-safe.
 */
final class GenerationTracker {

	private final @Nullable Generation generation;

	private final PendingInvalidations pending;

	private final RemoteTier remote;

	private final long refreshNanos;

	private final Ticker ticker;

	private volatile long lastBumpNanos;

	GenerationTracker(@Nullable Generation generation, PendingInvalidations pending, RemoteTier remote,
			long refreshNanos, Ticker ticker) {
		this.generation = generation;
		this.pending = pending;
		this.remote = remote;
		this.refreshNanos = refreshNanos;
		this.ticker = ticker;
		this.lastBumpNanos = ticker.read() - refreshNanos;
	}

	/**
	 * Returns the generation to use now, reading it again from L2 when due.
	 * @return the generation, or {@link Generation#UNKNOWN} while it cannot be known: it
	 * could not be read, or a clear has yet to reach L2
	 */
	long current() {
		Generation generation = this.generation;
		if (generation == null) {
			return 0;
		}
		if (this.pending.isClearPending()) {
			bump(false);
			if (this.pending.isClearPending()) {
				return Generation.UNKNOWN;
			}
		}
		try {
			return generation.current();
		}
		catch (BackendException ex) {
			this.remote.failed(ex);
			return generation.cached();
		}
	}

	/**
	 * Returns the generation to use now without going to L2.
	 * @return the generation, or {@link Generation#UNKNOWN}
	 */
	long cached() {
		Generation generation = this.generation;
		if (generation == null) {
			return 0;
		}
		return this.pending.isClearPending() ? Generation.UNKNOWN : generation.cached();
	}

	/**
	 * Tells whether {@link #current()} would go to L2.
	 * @return {@code true} when a refresh is due
	 */
	boolean isDue() {
		return this.generation != null && this.generation.isDue();
	}

	/**
	 * Moves L2 to a new generation now; when L2 cannot be reached, the clear stays
	 * pending and L2 is skipped until it succeeds.
	 */
	void clear() {
		if (this.generation != null) {
			this.pending.requestClear();
			bump(true);
		}
	}

	/**
	 * Tries to move L2 to a new generation for a pending clear, at most once per refresh
	 * interval unless forced.
	 * @param force whether to try now regardless of the last attempt
	 */
	private void bump(boolean force) {
		Generation generation = this.generation;
		if (generation == null || !this.pending.isClearPending()) {
			return;
		}
		long now = this.ticker.read();
		if (!force && now - this.lastBumpNanos < this.refreshNanos) {
			return;
		}
		this.lastBumpNanos = now;
		long requested = this.pending.clearStarting();
		try {
			long next = generation.bump();
			this.pending.clearDone(requested);
			this.remote.succeeded();
			this.remote.cleared(next);
		}
		catch (BackendException ex) {
			this.remote.failed(ex);
		}
	}

}
