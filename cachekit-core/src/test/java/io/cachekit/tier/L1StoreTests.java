package io.cachekit.tier;

import java.time.Duration;
import java.time.Instant;

import io.cachekit.test.ManualTime;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class L1StoreTests {

	private final ManualTime time = new ManualTime();

	private final TierCounters counters = new TierCounters();

	private final ChangeStamps stamps = new ChangeStamps();

	private L1Store store(CacheConfiguration configuration) {
		return L1Store.create(configuration, new TimeSource(this.time, this.time), Runnable::run, this.counters, null,
				this.stamps);
	}

	private L1Store store() {
		return store(CacheConfiguration.defaults());
	}

	@Test
	void lookupCountsHitsAndMisses() {
		L1Store l1 = store();
		l1.put("k", "v", 10, 1, null);
		assertThat(l1.lookup("k", 1)).isEqualTo(new CacheHit("v"));
		assertThat(l1.lookup("missing", 1)).isNull();
		assertThat(this.counters.hitCount()).isEqualTo(1);
		assertThat(this.counters.missCount()).isEqualTo(1);
		assertThat(this.counters.putCount()).isEqualTo(1);
	}

	@Test
	void entryOfAnotherGenerationIsAMissAndIsDropped() {
		L1Store l1 = store();
		l1.put("k", "v", 10, 1, null);
		assertThat(l1.lookup("k", 2)).isNull();
		assertThat(l1.peek("k", 1)).as("dropped").isNull();
	}

	@Test
	void peekDoesNotCount() {
		L1Store l1 = store();
		l1.put("k", "v", 10, 1, null);
		assertThat(l1.peek("k", 1)).isEqualTo(new CacheHit("v"));
		assertThat(l1.peek("other", 1)).isNull();
		assertThat(this.counters.hitCount() + this.counters.missCount()).isZero();
	}

	@Test
	void entryLeavesAtItsL2ExpiryWhenSoonerThanTheL1Ttl() {
		L1Store l1 = store(CacheConfiguration.defaults().withL1Ttl(Duration.ofSeconds(30)));
		l1.put("k", "v", 10, 1, this.time.instant().plusSeconds(5));
		this.time.advance(Duration.ofSeconds(4));
		assertThat(l1.peek("k", 1)).isNotNull();
		this.time.advance(Duration.ofSeconds(2));
		assertThat(l1.peek("k", 1)).isNull();
	}

	@Test
	void entryAlreadyPastItsExpiryIsNotStored() {
		L1Store l1 = store();
		l1.put("k", "v", 10, 1, this.time.instant().minusSeconds(1));
		assertThat(l1.peek("k", 1)).isNull();
		assertThat(this.counters.putCount()).isZero();
	}

	@Test
	void entryExpiringCenturiesAheadStaysForTheL1Ttl() {
		L1Store l1 = store(CacheConfiguration.defaults().withL1Ttl(Duration.ofSeconds(30)));
		l1.put("k", "v", 10, 1, Instant.MAX);
		this.time.advance(Duration.ofSeconds(29));
		assertThat(l1.peek("k", 1)).isNotNull();
		this.time.advance(Duration.ofSeconds(2));
		assertThat(l1.peek("k", 1)).isNull();
	}

	@Test
	void fillIsRefusedWhenTheKeyChangedSinceTheReadBegan() {
		L1Store l1 = store();
		long seen = this.stamps.current("k");
		this.stamps.begin("k");
		l1.fill("k", "stale", 10, 1, null, seen);
		assertThat(l1.peek("k", 1)).isNull();
		l1.fill("k", "fresh", 10, 1, null, this.stamps.current("k"));
		assertThat(l1.peek("k", 1)).isEqualTo(new CacheHit("fresh"));
	}

	@Test
	void boundedByWeightAndEvictionsCounted() {
		L1Store l1 = store(CacheConfiguration.defaults().withL1MaxSize(1_000));
		for (int i = 0; i < 50; i++) {
			l1.put("k" + i, "v", 100, 1, null);
		}
		assertThat(l1.weight()).isLessThanOrEqualTo(1_000);
		assertThat(this.counters.evictionCount()).isGreaterThan(30);
	}

	@Test
	void disabledStoreHoldsNothing() {
		L1Store l1 = store(CacheConfiguration.defaults().withL1Enabled(false));
		l1.put("k", "v", 10, 1, Instant.MAX);
		assertThat(l1.lookup("k", 1)).isNull();
		assertThat(l1.size()).isZero();
		assertThat(this.counters.missCount()).as("a tier that does not exist counts nothing").isZero();
	}

	@Test
	void removeTellsWhetherTheKeyWasHeld() {
		L1Store l1 = store();
		l1.put("k", "v", 10, 1, null);
		assertThat(l1.remove("k")).isTrue();
		assertThat(l1.remove("k")).isFalse();
	}

	@Test
	void entryPastItsFreshnessIsAMissButStaysForTheServeStaleGrace() {
		L1Store l1 = store(CacheConfiguration.defaults().withServeStaleGrace(Duration.ofMinutes(1)));
		Instant expiresAt = this.time.instant().plusSeconds(10);
		l1.put("k", "v", 10, 1, expiresAt);
		assertThat(l1.lookupEntry("k", 1)).extracting(L1Entry::expiresAt).isEqualTo(expiresAt);
		assertThat(l1.stale("k", 1)).as("fresh, so not stale").isNull();
		this.time.advance(Duration.ofSeconds(10));
		assertThat(l1.lookup("k", 1)).isNull();
		assertThat(l1.peek("k", 1)).isNull();
		assertThat(l1.stale("k", 1)).extracting(L1Entry::value).isEqualTo("v");
		assertThat(l1.stale("k", 2)).as("another generation").isNull();
		this.time.advance(Duration.ofMinutes(1));
		assertThat(l1.stale("k", 1)).isNull();
	}

	@Test
	void withoutAGraceNothingIsStale() {
		L1Store l1 = store();
		l1.put("k", "v", 10, 1, this.time.instant().plusSeconds(10));
		this.time.advance(Duration.ofSeconds(10));
		assertThat(l1.stale("k", 1)).isNull();
	}

}
