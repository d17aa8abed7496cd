package io.cachekit.tier;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs each problem of a cache once, not once per call.
 *
 * <p>
 * A problem is named by a string (for example {@code l2:TIMEOUT} or
 * {@code encode:com.example.Order}). The first report of a problem is logged at WARN;
 * repeats go to DEBUG until the problem is marked recovered, which is logged at INFO and
 * lets the next occurrence be logged again. A failure of logging itself is swallowed: it
 * never breaks a cache call.
 */
final class ProblemLog {

	private static final Logger logger = LoggerFactory.getLogger(TieredCache.class);

	private final String cacheName;

	private final Set<String> reported = ConcurrentHashMap.newKeySet();

	ProblemLog(String cacheName) {
		this.cacheName = cacheName;
	}

	String cacheName() {
		return this.cacheName;
	}

	void warn(String problem, String message, @Nullable Throwable cause) {
		try {
			if (this.reported.add(problem)) {
				logger.warn("cache '{}': {} (further occurrences are counted, not logged)", this.cacheName, message,
						cause);
			}
			else if (logger.isDebugEnabled()) {
				logger.debug("cache '{}': {}", this.cacheName, message, cause);
			}
		}
		catch (RuntimeException ex) {
			// A broken log must not break the cache call.
		}
	}

	/**
	 * Marks every problem whose name starts with {@code prefix} as recovered.
	 * @param prefix the problems' common prefix
	 * @param message what recovered
	 */
	void recovered(String prefix, String message) {
		if (this.reported.isEmpty()) {
			return;
		}
		try {
			if (this.reported.removeIf((problem) -> problem.startsWith(prefix))) {
				logger.info("cache '{}': {}", this.cacheName, message);
			}
		}
		catch (RuntimeException ex) {
			// A broken log must not break the cache call.
		}
	}

}
