package io.cachekit.tier;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

import io.cachekit.backend.BackendErrorType;
import io.cachekit.codec.CodecException;

/**
 * The counters behind {@link TierStatistics}. Thread-safe.
 */
final class TierCounters implements TierStatistics {

	final LongAdder hits = new LongAdder();

	final LongAdder misses = new LongAdder();

	final LongAdder puts = new LongAdder();

	final LongAdder evictions = new LongAdder();

	final LongAdder rejected = new LongAdder();

	final LongAdder invalidationsSent = new LongAdder();

	final LongAdder invalidationsReceived = new LongAdder();

	final LongAdder invalidationGaps = new LongAdder();

	/** Entries served past their freshness (serve-stale). */
	final LongAdder stale = new LongAdder();

	private final Map<BackendErrorType, LongAdder> errors = new EnumMap<>(BackendErrorType.class);

	private final Map<CodecException.Kind, LongAdder> codecErrors = new EnumMap<>(CodecException.Kind.class);

	TierCounters() {
		for (BackendErrorType type : BackendErrorType.values()) {
			this.errors.put(type, new LongAdder());
		}
		for (CodecException.Kind kind : CodecException.Kind.values()) {
			this.codecErrors.put(kind, new LongAdder());
		}
	}

	void error(BackendErrorType type) {
		errors(type).increment();
	}

	void codecError(CodecException.Kind kind) {
		codecErrors(kind).increment();
	}

	/**
	 * Returns the statistics of a cache as a whole: lookups, puts and evictions as the
	 * cache counted them, failures as its tiers did (each failure happens in one tier).
	 * @param cache the whole-cache counts
	 * @param l1 the L1 counts
	 * @param l2 the L2 counts
	 * @return a live view
	 */
	static TierStatistics whole(TierCounters cache, TierCounters l1, TierCounters l2) {
		return new TierStatistics() {

			@Override
			public long hitCount() {
				return cache.hitCount();
			}

			@Override
			public long missCount() {
				return cache.missCount();
			}

			@Override
			public long putCount() {
				return cache.putCount();
			}

			@Override
			public long evictionCount() {
				return cache.evictionCount();
			}

			@Override
			public long errorCount(BackendErrorType type) {
				return l1.errorCount(type) + l2.errorCount(type);
			}

			@Override
			public long codecErrorCount(CodecException.Kind kind) {
				return l1.codecErrorCount(kind) + l2.codecErrorCount(kind);
			}

			@Override
			public long rejectedCount() {
				return l1.rejectedCount() + l2.rejectedCount();
			}

			@Override
			public long invalidationsSentCount() {
				return cache.invalidationsSentCount();
			}

			@Override
			public long invalidationsReceivedCount() {
				return cache.invalidationsReceivedCount();
			}

			@Override
			public long invalidationGapCount() {
				return cache.invalidationGapCount();
			}

			@Override
			public long staleCount() {
				return cache.staleCount();
			}

		};
	}

	@Override
	public long hitCount() {
		return this.hits.sum();
	}

	@Override
	public long missCount() {
		return this.misses.sum();
	}

	@Override
	public long putCount() {
		return this.puts.sum();
	}

	@Override
	public long evictionCount() {
		return this.evictions.sum();
	}

	@Override
	public long errorCount(BackendErrorType type) {
		return errors(type).sum();
	}

	@Override
	public long codecErrorCount(CodecException.Kind kind) {
		return codecErrors(kind).sum();
	}

	@Override
	public long rejectedCount() {
		return this.rejected.sum();
	}

	@Override
	public long invalidationsSentCount() {
		return this.invalidationsSent.sum();
	}

	@Override
	public long invalidationsReceivedCount() {
		return this.invalidationsReceived.sum();
	}

	@Override
	public long invalidationGapCount() {
		return this.invalidationGaps.sum();
	}

	@Override
	public long staleCount() {
		return this.stale.sum();
	}

	private LongAdder errors(BackendErrorType type) {
		return Objects.requireNonNull(this.errors.get(type));
	}

	private LongAdder codecErrors(CodecException.Kind kind) {
		return Objects.requireNonNull(this.codecErrors.get(kind));
	}

}
