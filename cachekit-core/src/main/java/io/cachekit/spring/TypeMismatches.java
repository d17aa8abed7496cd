package io.cachekit.spring;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the cached values of one cache that did not fit the method they were looked up
 * for, and logs the first of them once at WARN (later ones at DEBUG). Thread-safe; a
 * failing logger never reaches the cache call.
 */
final class TypeMismatches {

	private static final Logger logger = LoggerFactory.getLogger(CachekitCache.class);

	private final LongAdder count = new LongAdder();

	private final AtomicBoolean logged = new AtomicBoolean();

	void record(String cacheName, ExpectedType expected, @Nullable Object value) {
		this.count.increment();
		try {
			String found = (value != null) ? value.getClass().getName() : "null";
			if (this.logged.compareAndSet(false, true)) {
				logger.warn("cachekit: cache '{}' holds a {} where {}; treated as a miss, the method runs and its "
						+ "result replaces the entry (logged once per cache, counted in "
						+ "cachekit.cache.type.mismatches)", cacheName, found, expected);
			}
			else {
				logger.debug("cachekit: cache '{}' holds a {} where {}; treated as a miss", cacheName, found, expected);
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
