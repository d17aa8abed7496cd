package io.cachekit.tier;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import io.cachekit.backend.BackendErrorType;
import io.cachekit.backend.BackendOperation;
import io.cachekit.codec.MessagePackCodec;
import io.cachekit.test.FaultInjectingBackend;
import io.cachekit.test.InMemoryBackend;
import io.cachekit.test.ManualTime;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store of a value loaded after a miss ({@link TieredCache#populate(Object, Object)}
 * and the loader path) does not wait for L2 again when the read of the same key, by the
 * same thread, timed out; every other change still goes to L2.
 *
 * <p>
 * Between the read and the store the test lets the circuit breaker's open time pass, as a
 * slow method, or answers from other nodes of a cluster, would: the breaker alone then
 * lets the store wait for L2 a second time.
 */
class PopulateAfterTimeoutTests {

	private final ManualTime time = new ManualTime();

	private final InMemoryBackend store = InMemoryBackend.create(this.time);

	private final FaultInjectingBackend backend = FaultInjectingBackend.wrap(this.store);

	private final TieredCache cache = cache(true);

	private TieredCache cache(boolean l1) {
		return TieredCache.builder("test")
			.codec(MessagePackCodec.withDefaults())
			.backend(this.backend)
			.clock(this.time)
			.ticker(this.time)
			.executor(Runnable::run)
			.configure((c) -> c.withL1Enabled(l1))
			.build();
	}

	/** A read of {@code key} that fails with {@code type}, then L2 answers again. */
	private void readFails(String key, BackendErrorType type) {
		readFails(this.cache, key, type);
	}

	private void readFails(TieredCache cache, String key, BackendErrorType type) {
		this.backend.fail(type, (operation, entryKey) -> operation == BackendOperation.GET && entryKey != null
				&& entryKey.endsWith(":" + key));
		assertThat(cache.get(key)).isNull();
		this.backend.heal();
		this.time.advance(Duration.ofSeconds(1));
	}

	private boolean inL2(String key) {
		return this.store.keys().stream().anyMatch((entryKey) -> entryKey.endsWith(":" + key));
	}

	@Test
	void populateAfterATimedOutReadOfTheKeyKeepsTheValueInL1Only() {
		readFails("k", BackendErrorType.TIMEOUT);
		long sets = this.backend.calls(BackendOperation.SET);
		long transients = this.cache.statistics(Tier.L2).errorCount(BackendErrorType.TRANSIENT);
		try (LogCapture log = new LogCapture()) {
			this.cache.populate("k", "v");
			assertThat(log.warnings()).filteredOn((warning) -> warning.contains("timed out in the same cache call"))
				.hasSize(1);
		}
		assertThat(this.backend.calls(BackendOperation.SET)).isEqualTo(sets);
		assertThat(inL2("k")).isFalse();
		assertThat(this.cache.statistics(Tier.L2).errorCount(BackendErrorType.TRANSIENT)).isEqualTo(transients + 1);
		assertThat(this.cache.get("k")).isEqualTo(new CacheHit("v"));
		assertThat(this.cache.statistics().putCount()).isEqualTo(1);
	}

	@Test
	void loaderAfterATimedOutReadOfTheKeyKeepsTheValueInL1Only() throws Exception {
		this.backend.fail(BackendErrorType.TIMEOUT, (operation, entryKey) -> operation == BackendOperation.GET
				&& entryKey != null && entryKey.endsWith(":k"));
		assertThat(this.cache.get("k", () -> {
			// The method is slow, or other nodes answer meanwhile.
			this.backend.heal();
			this.time.advance(Duration.ofSeconds(1));
			return "v";
		})).isEqualTo("v");
		assertThat(inL2("k")).isFalse();
		assertThat(this.cache.get("k")).isEqualTo(new CacheHit("v"));
	}

	@Test
	void loaderAfterATimedOutReadOfTheKeyTakesNoLease() throws Exception {
		// The breaker's time moves a second at each look, as if other nodes answered
		// between the read and the lease: the breaker alone lets the lease wait then.
		AtomicLong breakerNanos = new AtomicLong();
		CircuitBreaker breaker = CircuitBreaker.create(
				CircuitBreakerConfig.builder().slowCallDurationThreshold(Duration.ofHours(1)).build(),
				() -> breakerNanos.addAndGet(Duration.ofSeconds(1).toNanos()));
		TieredCache leased = TieredCache.builder("leased")
			.codec(MessagePackCodec.withDefaults())
			.backend(this.backend)
			.circuitBreaker(breaker)
			.clock(this.time)
			.ticker(this.time)
			.executor(Runnable::run)
			.configure((c) -> c.withLease(true))
			.build();
		assertThat(leased.get("j", () -> "v")).isEqualTo("v");
		long adds = this.backend.calls(BackendOperation.ADD_IF_ABSENT);
		assertThat(adds).isPositive();
		this.backend.fail(BackendErrorType.TIMEOUT, (operation, entryKey) -> operation == BackendOperation.GET
				&& entryKey != null && entryKey.endsWith(":k"));
		this.time.advance(Duration.ofSeconds(1));
		assertThat(leased.get("k", () -> "v")).isEqualTo("v");
		assertThat(this.backend.calls(BackendOperation.ADD_IF_ABSENT)).isEqualTo(adds);
	}

	@Test
	void populateAfterATimedOutDeleteOfAMarkedKeyKeepsTheValueInL1Only() {
		TieredCache l2Only = cache(false);
		this.backend.fail(BackendErrorType.TIMEOUT, FaultInjectingBackend.Selector.operation(BackendOperation.SET));
		l2Only.put("k", "v1");
		this.backend.heal();
		this.time.advance(Duration.ofSeconds(1));
		// The key is marked: its read begins with the delete of the older entry.
		this.backend.fail(BackendErrorType.TIMEOUT, FaultInjectingBackend.Selector.operation(BackendOperation.DELETE));
		assertThat(l2Only.get("k")).isNull();
		this.backend.heal();
		this.time.advance(Duration.ofSeconds(1));
		l2Only.populate("k", "v2");
		assertThat(inL2("k")).isFalse();
	}

	@Test
	void skippedKeyIsNeverServedFromItsOlderL2Entry() {
		TieredCache l2Only = cache(false);
		l2Only.put("k", "old");
		readFails(l2Only, "k", BackendErrorType.TIMEOUT);
		l2Only.populate("k", "new");
		assertThat(l2Only.get("k")).isNull();
		assertThat(inL2("k")).isFalse();
	}

	@Test
	void populateAfterATransientRefusalWritesToL2() {
		readFails("k", BackendErrorType.TRANSIENT);
		this.cache.populate("k", "v");
		assertThat(inL2("k")).isTrue();
	}

	@Test
	void populateAfterAnAnsweredReadWritesToL2() {
		assertThat(this.cache.get("k")).isNull();
		this.cache.populate("k", "v");
		assertThat(inL2("k")).isTrue();
	}

	@Test
	void putAfterATimedOutReadOfTheKeyWritesToL2() {
		readFails("k", BackendErrorType.TIMEOUT);
		this.cache.put("k", "v");
		assertThat(inL2("k")).isTrue();
	}

	@Test
	void evictAfterATimedOutReadOfTheKeyDeletesInL2() {
		TieredCache l2Only = cache(false);
		l2Only.put("k", "v");
		readFails(l2Only, "k", BackendErrorType.TIMEOUT);
		l2Only.evict("k");
		assertThat(inL2("k")).isFalse();
	}

	@Test
	void timedOutReadServesNoOtherKey() {
		readFails("k", BackendErrorType.TIMEOUT);
		this.cache.populate("j", "v");
		assertThat(inL2("j")).isTrue();
	}

	@Test
	void timedOutReadServesOnlyTheStoreThatFollowsIt() {
		readFails("k", BackendErrorType.TIMEOUT);
		this.cache.populate("j", "v");
		this.cache.populate("k", "v");
		assertThat(inL2("k")).isTrue();
	}

	@Test
	void laterReadForgetsATimedOutReadWhoseCallEndedWithoutAStore() {
		// The method threw: nothing was stored after the read that timed out.
		readFails("k", BackendErrorType.TIMEOUT);
		assertThat(this.cache.get("j")).isNull();
		this.cache.populate("k", "v");
		assertThat(inL2("k")).isTrue();
	}

	@Test
	void timedOutReadOnAnotherThreadIsNotThisThreads() throws InterruptedException {
		Thread reader = new Thread(() -> readFails("k", BackendErrorType.TIMEOUT));
		reader.start();
		reader.join();
		this.cache.populate("k", "v");
		assertThat(inL2("k")).isTrue();
	}

}
