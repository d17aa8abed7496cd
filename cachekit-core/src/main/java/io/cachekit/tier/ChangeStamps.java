package io.cachekit.tier;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Change stamps, striped by key: every put, putIfAbsent and evict of a key moves its
 * stripe on before it touches a tier, and an L2 read fills L1 only if its stripe did not
 * move meanwhile, so a slow read never puts back a value that a later write replaced.
 *
 * <p>
 * Stamps only grow. Keys that share a stripe share a stamp, which can only make a fill
 * give up needlessly, never let a stale one through. Thread-safe.
 */
final class ChangeStamps {

	private static final int STRIPES = 1024;

	private final AtomicLongArray stamps = new AtomicLongArray(STRIPES);

	/**
	 * Marks the start of a change of a key.
	 * @param keyString the key
	 * @return the change's stamp, greater than any stamp of the key so far
	 */
	long begin(String keyString) {
		return this.stamps.incrementAndGet(stripe(keyString));
	}

	/**
	 * Marks the start of a change of a key only if no change of it began since a stamp
	 * was read.
	 * @param keyString the key
	 * @param seen the stamp read earlier ({@link #current(String)})
	 * @return the change's stamp, or {@code -1} when the key's stamp moved meanwhile
	 */
	long beginIfUnchanged(String keyString, long seen) {
		return this.stamps.compareAndSet(stripe(keyString), seen, seen + 1) ? seen + 1 : -1;
	}

	/**
	 * Marks the start of a change of every key, for a drop of the whole L1: no L2 read
	 * under way can then put back what it read.
	 */
	void beginAll() {
		for (int i = 0; i < STRIPES; i++) {
			this.stamps.incrementAndGet(i);
		}
	}

	/**
	 * Returns the stamp of the last change of a key begun so far.
	 * @param keyString the key
	 * @return the stamp
	 */
	long current(String keyString) {
		return this.stamps.get(stripe(keyString));
	}

	private static int stripe(String keyString) {
		return keyString.hashCode() & (STRIPES - 1);
	}

}
