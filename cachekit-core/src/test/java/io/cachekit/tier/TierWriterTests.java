package io.cachekit.tier;

import java.time.Duration;

import io.cachekit.backend.AddIfAbsent;
import io.cachekit.backend.BackendErrorType;
import io.cachekit.backend.BackendOperation;
import io.cachekit.codec.MessagePackCodec;
import io.cachekit.test.FaultInjectingBackend;
import io.cachekit.test.FaultInjectingBackend.Selector;
import io.cachekit.test.InMemoryBackend;
import io.cachekit.test.ManualTime;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TierWriterTests {

	private static final long REFRESH = Duration.ofSeconds(1).toNanos();

	private final ManualTime time = new ManualTime();

	private final InMemoryBackend store = InMemoryBackend.create(this.time);

	private final FaultInjectingBackend backend = FaultInjectingBackend.wrap(this.store);

	private final ChangeStamps stamps = new ChangeStamps();

	private final PendingInvalidations pending = new PendingInvalidations();

	private final TierCounters cacheCounters = new TierCounters();

	private final L1Store l1 = L1Store.create(CacheConfiguration.defaults(), new TimeSource(this.time, this.time),
			Runnable::run, new TierCounters(), null, this.stamps, null);

	private final RemoteTier l2 = new RemoteTier(this.backend, MessagePackCodec.withDefaults(), new CacheKeys("c"),
			Duration.ofMinutes(1), this.time, new TierCounters(), new TierCounters(), new ProblemLog("c"),
			this.pending);

	private final Generation generation = new Generation(this.backend, "c:generation", REFRESH, this.time, this.time,
			this.l1::clear);

	private final GenerationTracker generations = new GenerationTracker(this.generation, this.pending, this.l2, REFRESH,
			this.time);

	private TierWriter writer(boolean allowNullValues) {
		return new TierWriter(allowNullValues, this.stamps, this.l1, this.l2, this.generations, this.cacheCounters);
	}

	private long current() {
		return this.generations.current();
	}

	@Test
	void storedValueIsInBothTiersAndCountedOnce() {
		writer(true).store("k", "v");
		assertThat(this.l1.peek("k", current())).isEqualTo(new CacheHit("v"));
		assertThat(this.store.keys()).contains("c:" + current() + ":k");
		assertThat(this.cacheCounters.putCount()).isEqualTo(1);
	}

	@Test
	void nullIsNotStoredWhenNullValuesAreNotAllowed() {
		writer(false).store("k", null);
		assertThat(this.l1.peek("k", current())).isNull();
		assertThat(this.cacheCounters.putCount()).isZero();
	}

	@Test
	void valueL2RefusesForGoodIsCachedNowhereAndTheOldValueGoes() {
		TierWriter writer = writer(true);
		writer.store("k", "old");
		this.backend.fail(BackendErrorType.PERMANENT, Selector.operation(BackendOperation.SET));
		writer.store("k", "too large");
		assertThat(this.l1.peek("k", current())).isNull();
		assertThat(this.store.keys()).doesNotContain("c:" + current() + ":k");
	}

	@Test
	void valueL2CannotTakeForNowLivesInL1AndMarksTheKey() {
		TierWriter writer = writer(true);
		long known = current();
		this.backend.fail(BackendErrorType.TRANSIENT);
		writer.store("k", "v");
		assertThat(this.l1.peek("k", known)).isEqualTo(new CacheHit("v"));
		assertThat(this.pending.isMarked("k")).isTrue();
	}

	@Test
	void valueThatCannotBeEncodedRemovesTheOldValueFromBothTiers() {
		TierWriter writer = writer(true);
		writer.store("k", "old");
		writer.store("k", new TieredCacheTests.Unserializable());
		assertThat(this.l1.peek("k", current())).isNull();
		assertThat(this.store.keys()).doesNotContain("c:" + current() + ":k");
	}

	@Test
	void addStoresOnlyWhenL2HoldsNothing() {
		TierWriter writer = writer(true);
		AddIfAbsent add = this.store;
		assertThat(writer.add("k", "first", add)).isTrue();
		assertThat(writer.add("k", "second", add)).isFalse();
		assertThat(this.l1.peek("k", current())).isEqualTo(new CacheHit("first"));
		assertThat(this.cacheCounters.putCount()).isEqualTo(1);
	}

	@Test
	void addThatCannotReachL2StoresNothing() {
		TierWriter writer = writer(true);
		current();
		this.backend.fail(BackendErrorType.TIMEOUT);
		assertThat(writer.add("k", "v", this.backend)).isNull();
		this.backend.heal();
		assertThat(this.l1.peek("k", current())).isNull();
	}

}
