package io.cachekit.tier;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.cachekit.test.ManualTime;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class L1StoreTests {

	private final ManualTime time = new ManualTime();

	private final TierCounters counters = new TierCounters();

	private final ChangeStamps stamps = new ChangeStamps();

	private L1Store store(CacheConfiguration configuration) {
		return L1Store.create(configuration, new TimeSource(this.time, this.time), Runnable::run, this.counters, null,
				this.stamps, null);
	}

	private L1Store store() {
		return store(CacheConfiguration.defaults());
	}

	@Test
	void lookupCountsHitsAndMisses() {
		L1Store l1 = store();
		l1.put("k", "v", 1, null);
		assertThat(l1.lookup("k", 1)).isEqualTo(new CacheHit("v"));
		assertThat(l1.lookup("missing", 1)).isNull();
		assertThat(this.counters.hitCount()).isEqualTo(1);
		assertThat(this.counters.missCount()).isEqualTo(1);
		assertThat(this.counters.putCount()).isEqualTo(1);
	}

	@Test
	void entryOfAnotherGenerationIsAMissAndIsDropped() {
		L1Store l1 = store();
		l1.put("k", "v", 1, null);
		assertThat(l1.lookup("k", 2)).isNull();
		assertThat(l1.peek("k", 1)).as("dropped").isNull();
	}

	@Test
	void peekDoesNotCount() {
		L1Store l1 = store();
		l1.put("k", "v", 1, null);
		assertThat(l1.peek("k", 1)).isEqualTo(new CacheHit("v"));
		assertThat(l1.peek("other", 1)).isNull();
		assertThat(this.counters.hitCount() + this.counters.missCount()).isZero();
	}

	@Test
	void entryLeavesAtItsL2ExpiryWhenSoonerThanTheL1Ttl() {
		L1Store l1 = store(CacheConfiguration.defaults().withL1Ttl(Duration.ofSeconds(30)));
		l1.put("k", "v", 1, this.time.instant().plusSeconds(5));
		this.time.advance(Duration.ofSeconds(4));
		assertThat(l1.peek("k", 1)).isNotNull();
		this.time.advance(Duration.ofSeconds(2));
		assertThat(l1.peek("k", 1)).isNull();
	}

	@Test
	void entryPastItsDeadlineIsDroppedWhenLookedUp() {
		L1Store l1 = store(CacheConfiguration.defaults().withL1Ttl(Duration.ofSeconds(30)));
		l1.put("k", "v", 1, null);
		this.time.advance(Duration.ofSeconds(31));
		assertThat(l1.size()).as("held until read or swept").isEqualTo(1);
		assertThat(l1.lookup("k", 1)).isNull();
		assertThat(l1.size()).isZero();
		assertThat(this.counters.missCount()).isEqualTo(1);
		assertThat(this.counters.evictionCount()).isEqualTo(1);
	}

	@Test
	void firstWriteAfterTheSweepIntervalDropsEveryEntryPastItsDeadlineAndKeepsTheOthers() {
		List<Runnable> sweeps = new ArrayList<>();
		L1Store l1 = L1Store.create(CacheConfiguration.defaults().withL1Ttl(Duration.ofSeconds(10)),
				new TimeSource(this.time, this.time), sweeps::add, this.counters, null, this.stamps, null);
		for (int i = 0; i < 100; i++) {
			l1.put("old-" + i, "v", 1, null);
		}
		l1.put("short", "v", 1, this.time.instant().plusSeconds(2));
		this.time.advance(Duration.ofSeconds(5));
		l1.put("young", "v", 1, null);
		assertThat(sweeps).as("not due before the interval (the TTL)").isEmpty();
		this.time.advance(Duration.ofSeconds(6));
		l1.put("new", "v", 1, null);
		l1.put("newer", "v", 1, null);
		assertThat(sweeps).as("one sweep per interval").hasSize(1);
		assertThat(l1.size()).isEqualTo(104);
		sweeps.get(0).run();
		assertThat(l1.size()).isEqualTo(3);
		assertThat(l1.peek("young", 1)).isNotNull();
		assertThat(l1.peek("new", 1)).isNotNull();
		assertThat(this.counters.evictionCount()).as("counted as Caffeine's expiry was").isEqualTo(101);
	}

	@Test
	void sweepKeepsEntriesWithinTheServeStaleGrace() {
		L1Store l1 = store(CacheConfiguration.defaults()
			.withL1Ttl(Duration.ofSeconds(10))
			.withServeStaleGrace(Duration.ofMinutes(1)));
		l1.put("k", "v", 1, null);
		this.time.advance(Duration.ofSeconds(30));
		l1.sweep();
		assertThat(l1.stale("k", 1)).isNotNull();
		this.time.advance(Duration.ofMinutes(1));
		l1.sweep();
		assertThat(l1.size()).isZero();
	}

	@Test
	void sweepIntervalIsTheL1TtlWithinASecondAndAMinute() {
		assertThat(L1Store.sweepInterval(Duration.ofMillis(50))).isEqualTo(Duration.ofSeconds(1));
		assertThat(L1Store.sweepInterval(Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(30));
		assertThat(L1Store.sweepInterval(Duration.ofHours(2))).isEqualTo(Duration.ofMinutes(1));
	}

	@Test
	void entryAlreadyPastItsExpiryIsNotStored() {
		L1Store l1 = store();
		l1.put("k", "v", 1, this.time.instant().minusSeconds(1));
		assertThat(l1.peek("k", 1)).isNull();
		assertThat(this.counters.putCount()).isZero();
	}

	@Test
	void entryExpiringCenturiesAheadStaysForTheL1Ttl() {
		L1Store l1 = store(CacheConfiguration.defaults().withL1Ttl(Duration.ofSeconds(30)));
		l1.put("k", "v", 1, Instant.MAX);
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
		l1.fill("k", "stale", 1, null, Map.of(), seen);
		assertThat(l1.peek("k", 1)).isNull();
		l1.fill("k", "fresh", 1, null, Map.of(), this.stamps.current("k"));
		assertThat(l1.peek("k", 1)).isEqualTo(new CacheHit("fresh"));
	}

	@Test
	void boundedByEstimatedHeapBytesAndEvictionsCounted() {
		L1Store l1 = store(CacheConfiguration.defaults().withL1MaxSize(10_000));
		for (int i = 0; i < 100; i++) {
			l1.put("k" + i, "v".repeat(100), 1, null);
		}
		long entry = L1Store.ENTRY_OVERHEAD + HeapSizeEstimator.weighString("k10")
				+ HeapSizeEstimator.weighString("v".repeat(100));
		assertThat(l1.weight()).isLessThanOrEqualTo(10_000).isGreaterThan(10_000 - 2 * entry);
		assertThat(l1.weight() % entry).as("each entry weighs its value, key and entry").isZero();
		assertThat(this.counters.evictionCount()).isEqualTo(100 - l1.weight() / entry);
	}

	@Test
	void checkedStoreRefusesAValueHoldingAClassTheCheckRefusesAndKeepsNothing() {
		L1Store l1 = L1Store.create(CacheConfiguration.defaults(), new TimeSource(this.time, this.time), Runnable::run,
				this.counters, null, this.stamps, (type) -> type != StringBuilder.class);
		assertThatExceptionOfType(HeapSizeEstimator.RefusedValueException.class)
			.isThrownBy(() -> l1.put("k", List.of("a", new StringBuilder("b")), 1, null))
			.satisfies((ex) -> assertThat(ex.description()).contains(StringBuilder.class.getName()));
		assertThat(l1.size()).isZero();
		assertThat(l1.put("k", List.of("a", "b"), 1, null)).isTrue();
	}

	@Test
	void disabledStoreHoldsNothing() {
		L1Store l1 = store(CacheConfiguration.defaults().withL1Enabled(false));
		l1.put("k", "v", 1, Instant.MAX);
		assertThat(l1.lookup("k", 1)).isNull();
		assertThat(l1.size()).isZero();
		assertThat(this.counters.missCount()).as("a tier that does not exist counts nothing").isZero();
	}

	@Test
	void removeTellsWhetherTheKeyWasHeld() {
		L1Store l1 = store();
		l1.put("k", "v", 1, null);
		assertThat(l1.remove("k")).isTrue();
		assertThat(l1.remove("k")).isFalse();
	}

	@Test
	void entryPastItsFreshnessIsAMissButStaysForTheServeStaleGrace() {
		L1Store l1 = store(CacheConfiguration.defaults().withServeStaleGrace(Duration.ofMinutes(1)));
		Instant expiresAt = this.time.instant().plusSeconds(10);
		l1.put("k", "v", 1, expiresAt);
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
		l1.put("k", "v", 1, this.time.instant().plusSeconds(10));
		this.time.advance(Duration.ofSeconds(10));
		assertThat(l1.stale("k", 1)).isNull();
	}

}
