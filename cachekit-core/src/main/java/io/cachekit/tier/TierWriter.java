package io.cachekit.tier;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import io.cachekit.backend.AddIfAbsent;
import io.cachekit.codec.CodecException;
import org.jspecify.annotations.Nullable;

/**
 * The write path of a {@link TieredCache}: a value is encoded once, written to L2, then
 * put in L1, weighed by its estimated heap bytes. Without L2 nothing is encoded: L1
 * weighs the value and checks each of its classes against the codec instead.
 *
 * <p>
 * Each write first moves the key's {@link ChangeStamps change stamp}, so no L2 read under
 * way can put an older value back in L1. A value that cannot be encoded (without L2: that
 * holds a class the codec does not accept), or that L2 refuses for good (too large), is
 * cached nowhere and the value it was meant to replace is removed from both tiers. A
 * value L2 cannot take for now lives in L1 only, and its key is marked so that the older
 * L2 entry is never served. Thread-safe.
 */
final class TierWriter {

	private static final String TIMED_OUT = "the read of this key timed out in the same cache call; "
			+ "the loaded value is in L1 only for now";

	private static final String REFUSED = "L2 refuses calls for now (circuit open, or this thread's last call "
			+ "timed out); the value is in L1 only for now";

	private final boolean allowNullValues;

	private final ChangeStamps stamps;

	private final L1Store l1;

	private final RemoteTier l2;

	private final GenerationTracker generations;

	private final TierCounters cacheCounters;

	TierWriter(boolean allowNullValues, ChangeStamps stamps, L1Store l1, RemoteTier l2, GenerationTracker generations,
			TierCounters cacheCounters) {
		this.allowNullValues = allowNullValues;
		this.stamps = stamps;
		this.l1 = l1;
		this.l2 = l2;
		this.generations = generations;
		this.cacheCounters = cacheCounters;
	}

	/**
	 * Stores a value in both tiers, replacing any entry. A {@code null} in a cache
	 * without null values is not stored (a loader's answer, returned but not cached).
	 * @param keyString the key
	 * @param value the value
	 */
	void store(String keyString, @Nullable Object value) {
		store(keyString, value, Map.of());
	}

	/**
	 * Stores a value with the versions of its tags, as {@link #store(String, Object)}
	 * does.
	 * @param keyString the key
	 * @param value the value
	 * @param tags the version of each of its tags, empty for none
	 */
	void store(String keyString, @Nullable Object value, Map<String, Long> tags) {
		if (value == null && !this.allowNullValues) {
			return;
		}
		write(keyString, value, this.stamps.begin(keyString), tags);
	}

	/**
	 * Stores the value loaded after a miss of this thread's last read, as
	 * {@link #store(String, Object)} does, except when that read was of the same key and
	 * timed out: then the value goes to L1 only and the key is marked as after a write
	 * that could not reach L2, without calling L2 (not even for the generation), so that
	 * the call waits for an unanswering L2 at most once.
	 * @param keyString the key
	 * @param value the value loaded
	 */
	void populate(String keyString, @Nullable Object value) {
		populate(keyString, value, Map.of());
	}

	/**
	 * Stores the value loaded after a miss with the versions of its tags, as
	 * {@link #populate(String, Object)} does.
	 * @param keyString the key
	 * @param value the value loaded
	 * @param tags the version of each of its tags, empty for none
	 */
	void populate(String keyString, @Nullable Object value, Map<String, Long> tags) {
		boolean skipL2 = this.l2.takeTimedOutRead(keyString);
		if (value == null && !this.allowNullValues) {
			return;
		}
		long change = this.stamps.begin(keyString);
		if (!skipL2) {
			write(keyString, value, change, tags);
			return;
		}
		writeL1Only(keyString, value, this.generations.cached(), change, TIMED_OUT, tags);
	}

	/**
	 * Returns the key's change stamp now, for a later
	 * {@link #storeIfUnchanged(String, Object, long)}.
	 * @param keyString the key
	 * @return the stamp
	 */
	long stamp(String keyString) {
		return this.stamps.current(keyString);
	}

	/**
	 * Stores a value as {@link #store(String, Object)} does, unless a change of the key
	 * (a put, an evict, or another instance's change) began since {@code seen} was read:
	 * a reload in the background never overwrites a newer value with the one it loaded
	 * before.
	 * @param keyString the key
	 * @param value the value
	 * @param seen the stamp read before the value was loaded ({@link #stamp(String)})
	 * @return whether the value was stored
	 */
	boolean storeIfUnchanged(String keyString, @Nullable Object value, long seen) {
		if (value == null && !this.allowNullValues) {
			return false;
		}
		long change = this.stamps.beginIfUnchanged(keyString, seen);
		if (change < 0) {
			return false;
		}
		write(keyString, value, change, Map.of());
		return true;
	}

	private void write(String keyString, @Nullable Object value, long change, Map<String, Long> tags) {
		Instant expiresAt = this.l2.expiresAt();
		long generation = this.generations.current();
		if (!this.l2.isPresent()) {
			if (putInL1Only(keyString, value, generation, expiresAt, false, tags)) {
				this.cacheCounters.puts.increment();
			}
			return;
		}
		if (this.l2.refusesWrites()) {
			writeL1Only(keyString, value, generation, change, REFUSED, tags);
			return;
		}
		byte[] bytes = this.l2.encode(value, expiresAt, generation, keyString, tags);
		RemoteTier.Write written = (bytes != null) ? this.l2.write(generation, keyString, bytes, change)
				: RemoteTier.Write.REFUSED;
		if (bytes == null || written == RemoteTier.Write.REFUSED) {
			// Not cached; the value it was meant to replace must not be served any more.
			this.l1.remove(keyString);
			this.l2.delete(generation, keyString, change);
			return;
		}
		boolean inL1 = this.l1.put(keyString, value, generation, expiresAt, tags);
		if (written == RemoteTier.Write.STORED || inL1) {
			this.cacheCounters.puts.increment();
		}
	}

	/**
	 * Stores a value in a cache without L2, where nothing is encoded: L1 checks each
	 * class of the value against the codec as it weighs it, and a value the codec would
	 * not accept is counted and logged as one that cannot be encoded, and replaces the
	 * key's entry by none.
	 */
	/**
	 * Keeps a write out of an L2 that cannot take it now, without encoding the value: the
	 * key is marked as after a write that could not reach L2 (its older L2 entry is never
	 * served), and the value goes to L1 only, each of its classes checked against the
	 * codec as an L1-only cache checks them, since nothing encodes it.
	 */
	private void writeL1Only(String keyString, @Nullable Object value, long generation, long change, String reason,
			Map<String, Long> tags) {
		this.l2.skipWrite(keyString, change, reason);
		if (putInL1Only(keyString, value, generation, this.l2.expiresAt(), true, tags)) {
			this.cacheCounters.puts.increment();
		}
	}

	private boolean putInL1Only(String keyString, @Nullable Object value, long generation, @Nullable Instant expiresAt,
			boolean checked, Map<String, Long> tags) {
		try {
			return checked ? this.l1.putChecked(keyString, value, generation, expiresAt, tags)
					: this.l1.put(keyString, value, generation, expiresAt, tags);
		}
		catch (HeapSizeEstimator.RefusedValueException ex) {
			this.l2.notEncodable(value, new CodecException(CodecException.Kind.UNSERIALIZABLE, ex.description(), null));
			this.l1.remove(keyString);
			return false;
		}
	}

	/**
	 * Removes a key from both tiers; when L2 cannot be told, the key is marked so that
	 * its L2 entry is never served before it is deleted.
	 * @param keyString the key
	 * @return whether either tier held it
	 */
	boolean evict(String keyString) {
		long change = this.stamps.begin(keyString);
		boolean present = this.l1.remove(keyString);
		if (this.l2.isPresent()) {
			present |= this.l2.delete(this.generations.current(), keyString, change);
		}
		return present;
	}

	/**
	 * Stores a value unless the key holds one, and answers what it holds. Atomic across
	 * processes when L2 can add; otherwise (or while the generation is unknown) a read
	 * followed by a write.
	 * @param keyString the key
	 * @param value the value
	 * @param reader the read path, for what the key holds
	 * @return the value the key holds, or {@code null} when this value was stored (or
	 * could not be)
	 */
	@Nullable CacheHit putIfAbsent(String keyString, @Nullable Object value, TierReader reader) {
		Optional<AddIfAbsent> add = this.l2.addIfAbsent();
		if (add.isEmpty() || this.generations.current() == Generation.UNKNOWN) {
			CacheHit existing = reader.lookup(keyString);
			if (existing == null) {
				store(keyString, value);
			}
			return existing;
		}
		CacheHit local = reader.peekL1(keyString);
		if (local != null) {
			// L1 may hold a value that never reached L2 during an outage.
			return local;
		}
		for (int attempt = 0; attempt < 2; attempt++) {
			Boolean added = add(keyString, value, add.get());
			if (added == null || added) {
				return null;
			}
			// L2 holds an entry: it is the answer, unless it expired or went meanwhile.
			CacheHit existing = reader.lookup(keyString);
			if (existing != null) {
				return existing;
			}
		}
		return null;
	}

	/**
	 * Adds a value to L2 unless the key holds one there, then to L1.
	 * @param keyString the key
	 * @param value the value
	 * @param add the backend's add
	 * @return {@code TRUE} when added, {@code FALSE} when L2 holds an entry for the key,
	 * {@code null} when the value could not be stored (not encodable, L2 failed)
	 */
	@Nullable Boolean add(String keyString, @Nullable Object value, AddIfAbsent add) {
		long change = this.stamps.begin(keyString);
		long generation = this.generations.current();
		Instant expiresAt = this.l2.expiresAt();
		byte[] bytes = this.l2.encode(value, expiresAt, generation, keyString);
		if (bytes == null || generation == Generation.UNKNOWN) {
			return null;
		}
		Boolean added = this.l2.add(add, generation, keyString, bytes, change);
		if (Boolean.TRUE.equals(added)) {
			this.cacheCounters.puts.increment();
			this.l1.put(keyString, value, generation, expiresAt);
		}
		return added;
	}

}
