package io.cachekit.tier;

import org.jspecify.annotations.Nullable;

/**
 * The key whose L2 read timed out, per thread, for one cache: a cache call whose read
 * waited for an L2 that did not answer does not wait for it again when it stores the
 * value it then loaded.
 *
 * <p>
 * Every L2 read of the cache replaces what its thread knew: the key when the read timed
 * out ({@code TIMEOUT}: the server did not answer), nothing otherwise (a hit, a miss, a
 * fast {@code TRANSIENT} refusal). {@link #take(String)} answers whether the thread's
 * last read was a timed-out read of that key, and forgets it either way, so that it
 * serves at most the one store that follows the read. Thread-confined; thread-safe.
 */
final class TimedOutReads {

	private final ThreadLocal<@Nullable String> last = new ThreadLocal<>();

	/**
	 * Notes the outcome of an L2 read of this thread.
	 * @param keyString the key read
	 * @param timedOut whether the read timed out
	 */
	void read(String keyString, boolean timedOut) {
		if (timedOut) {
			this.last.set(keyString);
		}
		else if (this.last.get() != null) {
			this.last.remove();
		}
	}

	/**
	 * Tells whether this thread's last L2 read was of {@code keyString} and timed out,
	 * without forgetting it.
	 * @param keyString the key
	 * @return {@code true} when it was
	 */
	boolean timedOut(String keyString) {
		return keyString.equals(this.last.get());
	}

	/**
	 * Tells whether this thread's last L2 read was of {@code keyString} and timed out,
	 * and forgets that read.
	 * @param keyString the key about to be stored
	 * @return {@code true} when the store should not wait for L2
	 */
	boolean take(String keyString) {
		String key = this.last.get();
		if (key == null) {
			return false;
		}
		this.last.remove();
		return key.equals(keyString);
	}

}
