package io.cachekit.tier;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import com.github.benmanes.caffeine.cache.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tag evictions that could not reach L2 (it was down or did not answer), kept so that
 * they are not lost: while a tag is here, this instance serves no entry that carries it
 * and writes none with it, and the eviction is tried again, at most once every
 * {@value #RETRY_MILLIS} ms, from the next read or write of a tagged entry. At most
 * {@value #MAX_TAGS} tags wait; an eviction beyond that is logged at WARN and lost for
 * the other instances (their entries then live until their TTL). Thread-safe.
 */
final class PendingTagEvictions {

	/** The most tag evictions kept for a retry. */
	static final int MAX_TAGS = 10_000;

	/** The shortest time between two retries. */
	static final long RETRY_MILLIS = 500;

	private static final Logger logger = LoggerFactory.getLogger(CacheTags.class);

	private final Set<String> tags = ConcurrentHashMap.newKeySet();

	private final Ticker ticker;

	private final AtomicLong nextRetryNanos;

	private final AtomicBoolean overflowLogged = new AtomicBoolean();

	PendingTagEvictions(Ticker ticker) {
		this.ticker = ticker;
		this.nextRetryNanos = new AtomicLong(ticker.read());
	}

	/**
	 * Keeps an eviction that failed, to try it again.
	 * @param tag the tag
	 */
	void add(String tag) {
		if (this.tags.size() >= MAX_TAGS && !this.tags.contains(tag)) {
			if (this.overflowLogged.compareAndSet(false, true)) {
				logger.warn("cachekit: more than {} tag evictions could not reach L2; the eviction of a tag is "
						+ "lost for other instances, whose entries live until their TTL", MAX_TAGS);
			}
			return;
		}
		this.tags.add(tag);
		this.nextRetryNanos.set(this.ticker.read() + TimeUnit.MILLISECONDS.toNanos(RETRY_MILLIS));
	}

	/**
	 * Forgets an eviction that reached L2.
	 * @param tag the tag
	 */
	void remove(String tag) {
		this.tags.remove(tag);
	}

	/**
	 * Tells whether an eviction of one of these tags waits.
	 * @param candidates the tags
	 * @return whether one of them is pending
	 */
	boolean anyOf(Collection<String> candidates) {
		if (this.tags.isEmpty()) {
			return false;
		}
		for (String tag : candidates) {
			if (this.tags.contains(tag)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Tries the pending evictions again when the retry interval has passed, one thread at
	 * a time, stopping at the first that fails.
	 * @param evict evicts one tag in L2; throws when it cannot
	 */
	void retry(Consumer<String> evict) {
		if (this.tags.isEmpty()) {
			return;
		}
		long now = this.ticker.read();
		long due = this.nextRetryNanos.get();
		if (now - due < 0
				|| !this.nextRetryNanos.compareAndSet(due, now + TimeUnit.MILLISECONDS.toNanos(RETRY_MILLIS))) {
			return;
		}
		for (String tag : this.tags) {
			try {
				evict.accept(tag);
				this.tags.remove(tag);
			}
			catch (RuntimeException ex) {
				return;
			}
		}
	}

	boolean isEmpty() {
		return this.tags.isEmpty();
	}

}
