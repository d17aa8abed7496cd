package io.cachekit.tier;

import java.time.Duration;

import io.cachekit.codec.MessagePackCodec;
import io.cachekit.test.InMemoryBackend;
import io.cachekit.test.ManualTime;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TierReaderTests {

	private static final long REFRESH = Duration.ofSeconds(1).toNanos();

	private final ManualTime time = new ManualTime();

	private final InMemoryBackend store = InMemoryBackend.create(this.time);

	private final ChangeStamps stamps = new ChangeStamps();

	private final PendingInvalidations pending = new PendingInvalidations();

	private final TierCounters l1Counters = new TierCounters();

	private final TierCounters l2Counters = new TierCounters();

	private final L1Store l1 = L1Store.create(CacheConfiguration.defaults(), new TimeSource(this.time, this.time),
			Runnable::run, this.l1Counters, null, this.stamps, null);

	private final RemoteTier l2 = new RemoteTier(this.store, MessagePackCodec.withDefaults(), new CacheKeys("c"),
			Duration.ofMinutes(1), this.time, this.l2Counters, this.l1Counters, new ProblemLog("c"), this.pending);

	private final GenerationTracker generations = new GenerationTracker(
			new Generation(this.store, "c:generation", REFRESH, this.time, this.time, this.l1::clear), this.pending,
			this.l2, REFRESH, this.time);

	private final TierReader reader = new TierReader(this.stamps, this.l1, this.l2, this.generations);

	private void writeToL2(String key, Object value) {
		long generation = this.generations.current();
		byte[] bytes = this.l2.encode(value, this.l2.expiresAt(), generation, key);
		assertThat(bytes).isNotNull();
		this.l2.write(generation, key, bytes, this.stamps.begin(key));
	}

	@Test
	void l2HitFillsL1SoTheNextLookupStaysInProcess() {
		writeToL2("k", "v");
		assertThat(this.reader.lookup("k")).isEqualTo(new CacheHit("v"));
		assertThat(this.reader.lookup("k")).isEqualTo(new CacheHit("v"));
		assertThat(this.l2Counters.hitCount()).isEqualTo(1);
		assertThat(this.l1Counters.hitCount()).isEqualTo(1);
		assertThat(this.l1Counters.missCount()).isEqualTo(1);
	}

	@Test
	void missInBothTiersIsNull() {
		assertThat(this.reader.lookup("k")).isNull();
		assertThat(this.l2Counters.missCount()).isEqualTo(1);
	}

	@Test
	void lookupL1AndPeekNeverGoToL2() {
		writeToL2("k", "v");
		assertThat(this.reader.lookupL1("k")).isNull();
		assertThat(this.reader.peekL1("k")).isNull();
		assertThat(this.l2Counters.hitCount() + this.l2Counters.missCount()).isZero();
		assertThat(this.reader.readL2("k")).isEqualTo(new CacheHit("v"));
		assertThat(this.reader.peekL1("k")).as("filled").isEqualTo(new CacheHit("v"));
	}

}
