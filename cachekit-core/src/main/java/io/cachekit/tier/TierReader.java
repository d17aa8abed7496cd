package io.cachekit.tier;

import org.jspecify.annotations.Nullable;

/**
 * The read path of a {@link TieredCache}: L1 first, then L2, whose hit fills L1 for the
 * rest of its L2 lifetime unless the key changed while it was read.
 *
 * <p>
 * Counts per tier only (in {@link L1Store} and {@link RemoteTier}); the facade counts the
 * cache as a whole. Thread-safe.
 */
final class TierReader {

	private final ChangeStamps stamps;

	private final L1Store l1;

	private final RemoteTier l2;

	private final GenerationTracker generations;

	TierReader(ChangeStamps stamps, L1Store l1, RemoteTier l2, GenerationTracker generations) {
		this.stamps = stamps;
		this.l1 = l1;
		this.l2 = l2;
		this.generations = generations;
	}

	/**
	 * Looks a key up in L1, then L2, with the current generation.
	 * @param keyString the key
	 * @return the hit, or {@code null}
	 */
	@Nullable CacheHit lookup(String keyString) {
		long generation = this.generations.current();
		CacheHit hit = this.l1.lookup(keyString, generation);
		return (hit != null || !this.l2.isPresent()) ? hit : readL2(keyString, generation);
	}

	/**
	 * Looks a key up in L1 only, with the generation known now, without going to L2.
	 * @param keyString the key
	 * @return the hit, or {@code null}
	 */
	@Nullable CacheHit lookupL1(String keyString) {
		return this.l1.lookup(keyString, this.generations.cached());
	}

	/**
	 * Looks a key up in L1 only, without counting.
	 * @param keyString the key
	 * @return the hit, or {@code null}
	 */
	@Nullable CacheHit peekL1(String keyString) {
		return this.l1.peek(keyString, this.generations.cached());
	}

	/**
	 * Looks a key up a second time, for a caller about to load it after another load of
	 * the key ended: L1 without counting, then L2.
	 * @param keyString the key
	 * @return the hit, or {@code null}
	 */
	@Nullable CacheHit lookAgain(String keyString) {
		CacheHit hit = peekL1(keyString);
		return (hit != null || !this.l2.isPresent()) ? hit : readL2(keyString);
	}

	/**
	 * Reads a key from L2 with the current generation and fills L1 with a hit.
	 * @param keyString the key
	 * @return the hit, or {@code null}
	 */
	@Nullable CacheHit readL2(String keyString) {
		return readL2(keyString, this.generations.current());
	}

	private @Nullable CacheHit readL2(String keyString, long generation) {
		long seen = this.stamps.current(keyString);
		RemoteTier.Entry entry = this.l2.read(generation, keyString, seen);
		if (entry == null) {
			return null;
		}
		this.l1.fill(keyString, entry.value(), entry.weight(), generation, entry.expiresAt(), seen);
		return new CacheHit(entry.value());
	}

}
