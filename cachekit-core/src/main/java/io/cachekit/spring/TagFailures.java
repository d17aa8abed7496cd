package io.cachekit.spring;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the entries of one cache that were not stored because the tag expressions of
 * their method failed, and logs the first failure once at WARN (later ones at DEBUG).
 * Thread-safe; a failing logger never reaches the cache call.
 */
final class TagFailures {

	private static final Logger logger = LoggerFactory.getLogger(CachekitCache.class);

	private final LongAdder count = new LongAdder();

	private final AtomicBoolean logged = new AtomicBoolean();

	void record(String cacheName, RuntimeException failure) {
		this.count.increment();
		try {
			if (this.logged.compareAndSet(false, true)) {
				logger.warn(
						"cachekit: cache '{}' did not store an entry because its @CacheTag expressions failed: {} "
								+ "(logged once per cache, counted in cachekit.cache.tag.failures)",
						cacheName, failure.toString());
			}
			else {
				logger.debug("cachekit: cache '{}' did not store an entry because its @CacheTag expressions failed",
						cacheName, failure);
			}
		}
		catch (RuntimeException ex) {
			// A broken logger must not break the cached call.
		}
	}

	long count() {
		return this.count.sum();
	}

}
