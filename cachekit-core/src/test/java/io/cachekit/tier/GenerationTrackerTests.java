package io.cachekit.tier;

import java.time.Duration;

import io.cachekit.backend.BackendErrorType;
import io.cachekit.codec.MessagePackCodec;
import io.cachekit.test.FaultInjectingBackend;
import io.cachekit.test.InMemoryBackend;
import io.cachekit.test.ManualTime;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GenerationTrackerTests {

	private static final long REFRESH = Duration.ofSeconds(1).toNanos();

	private final ManualTime time = new ManualTime();

	private final FaultInjectingBackend backend = FaultInjectingBackend.wrap(InMemoryBackend.create(this.time));

	private final PendingInvalidations pending = new PendingInvalidations();

	private final TierCounters counters = new TierCounters();

	private final RemoteTier remote = new RemoteTier(this.backend, MessagePackCodec.withDefaults(), new CacheKeys("c"),
			null, this.time, this.counters, new TierCounters(), new ProblemLog("c"), this.pending);

	private GenerationTracker tracker() {
		Generation generation = new Generation(this.backend, "c:generation", REFRESH, this.time, this.time, () -> {
		});
		return new GenerationTracker(generation, this.pending, this.remote, REFRESH, this.time);
	}

	@Test
	void withoutABackendTheGenerationIsZero() {
		GenerationTracker tracker = new GenerationTracker(null, this.pending, this.remote, REFRESH, this.time);
		assertThat(tracker.current()).isZero();
		assertThat(tracker.isDue()).isFalse();
		tracker.clear();
		assertThat(this.pending.isClearPending()).isFalse();
	}

	@Test
	void clearMovesToANewGeneration() {
		GenerationTracker tracker = tracker();
		long before = tracker.current();
		tracker.clear();
		assertThat(tracker.current()).isGreaterThan(before);
	}

	@Test
	void clearThatCannotReachL2StaysPendingAndIsRetriedAfterTheInterval() {
		GenerationTracker tracker = tracker();
		long before = tracker.current();
		this.backend.fail(BackendErrorType.TRANSIENT);
		tracker.clear();
		assertThat(this.pending.isClearPending()).isTrue();
		assertThat(tracker.current()).as("L2 is skipped meanwhile").isEqualTo(Generation.UNKNOWN);
		assertThat(tracker.cached()).isEqualTo(Generation.UNKNOWN);
		this.backend.heal();
		assertThat(tracker.current()).as("not retried within the interval").isEqualTo(Generation.UNKNOWN);
		this.time.advance(Duration.ofMillis(1001));
		assertThat(tracker.current()).isGreaterThan(before);
		assertThat(this.pending.isClearPending()).isFalse();
	}

	@Test
	void failedRefreshIsCountedAndTheKnownValueStays() {
		GenerationTracker tracker = tracker();
		long known = tracker.current();
		this.time.advance(Duration.ofSeconds(2));
		this.backend.fail(BackendErrorType.TIMEOUT);
		assertThat(tracker.current()).isEqualTo(known);
		assertThat(this.counters.errorCount(BackendErrorType.TIMEOUT)).isEqualTo(1);
	}

}
