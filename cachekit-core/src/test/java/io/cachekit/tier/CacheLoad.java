package io.cachekit.tier;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * Threads that read a set of keys through a {@link TieredCache} without pause and write
 * back every miss, as an application under load does, and measure what callers see: the
 * longest single cache call in a window of time, and when a read first hit again. With L1
 * off, every hit comes from L2.
 */
final class CacheLoad implements AutoCloseable {

	private final TieredCache cache;

	private final IntFunction<String> keys;

	private final int keyCount;

	private final List<Thread> threads = new ArrayList<>();

	private volatile boolean running = true;

	private volatile long windowStart = Long.MAX_VALUE;

	private volatile long windowEnd = Long.MAX_VALUE;

	private final AtomicLong longestInWindow = new AtomicLong();

	private final AtomicLong firstHitInWindow = new AtomicLong(Long.MAX_VALUE);

	private final AtomicLong calls = new AtomicLong();

	private CacheLoad(TieredCache cache, IntFunction<String> keys, int keyCount) {
		this.cache = cache;
		this.keys = keys;
		this.keyCount = keyCount;
	}

	/**
	 * Starts the threads.
	 * @param cache the cache, L1 off to see L2
	 * @param threads how many threads
	 * @param keys the key of each index
	 * @param keyCount how many keys
	 * @return the running load; close it to stop
	 */
	static CacheLoad start(TieredCache cache, int threads, IntFunction<String> keys, int keyCount) {
		CacheLoad load = new CacheLoad(cache, keys, keyCount);
		for (int i = 0; i < threads; i++) {
			int offset = i * 7919;
			Thread thread = new Thread(() -> load.run(offset), "cache-load-" + i);
			thread.setDaemon(true);
			load.threads.add(thread);
			thread.start();
		}
		return load;
	}

	/**
	 * Starts measuring now: the longest call that starts from now on, and the first hit
	 * of a read that starts from now on.
	 */
	void measureFromNow() {
		this.longestInWindow.set(0);
		this.firstHitInWindow.set(Long.MAX_VALUE);
		this.windowEnd = Long.MAX_VALUE;
		this.windowStart = System.nanoTime();
	}

	/**
	 * Stops counting calls that start from now on in the window.
	 */
	void endWindow() {
		this.windowEnd = System.nanoTime();
	}

	/**
	 * Returns the longest cache call (one get or one put) that started in the window.
	 * @return milliseconds
	 */
	long longestCallMillis() {
		return TimeUnit.NANOSECONDS.toMillis(this.longestInWindow.get());
	}

	/**
	 * Returns how long after the window started a read first hit, or -1 when none did.
	 * @return milliseconds
	 */
	long firstHitMillis() {
		long hit = this.firstHitInWindow.get();
		return (hit == Long.MAX_VALUE) ? -1 : TimeUnit.NANOSECONDS.toMillis(hit - this.windowStart);
	}

	/**
	 * Returns how many cache calls were made.
	 * @return the count
	 */
	long calls() {
		return this.calls.get();
	}

	private void run(int offset) {
		int i = offset;
		while (this.running) {
			String key = this.keys.apply(Math.floorMod(i++, this.keyCount));
			long start = System.nanoTime();
			boolean hit = this.cache.get(key) != null;
			long end = System.nanoTime();
			record(start, end);
			if (hit) {
				if (start >= this.windowStart) {
					this.firstHitInWindow.accumulateAndGet(end, Math::min);
				}
			}
			else {
				start = System.nanoTime();
				this.cache.put(key, "value of " + key);
				record(start, System.nanoTime());
			}
		}
	}

	private void record(long start, long end) {
		this.calls.incrementAndGet();
		if (start >= this.windowStart && start < this.windowEnd) {
			this.longestInWindow.accumulateAndGet(end - start, Math::max);
		}
	}

	@Override
	public void close() {
		this.running = false;
		try {
			for (Thread thread : this.threads) {
				thread.join(10_000);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
