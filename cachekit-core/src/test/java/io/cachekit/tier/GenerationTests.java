package io.cachekit.tier;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.cachekit.backend.AddIfAbsent;
import io.cachekit.backend.BackendErrorType;
import io.cachekit.backend.BackendException;
import io.cachekit.backend.BackendOperation;
import io.cachekit.test.FaultInjectingBackend;
import io.cachekit.test.FaultInjectingBackend.Gate;
import io.cachekit.test.FaultInjectingBackend.Selector;
import io.cachekit.test.InMemoryBackend;
import io.cachekit.test.ManualTime;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class GenerationTests {

	private static final long REFRESH = Duration.ofSeconds(1).toNanos();

	private final ManualTime time = new ManualTime();

	private final InMemoryBackend store = InMemoryBackend.create(this.time);

	private final FaultInjectingBackend backend = FaultInjectingBackend.wrap(this.store);

	private final AtomicInteger changes = new AtomicInteger();

	private Generation generation() {
		return new Generation(this.backend, "c:generation", REFRESH, this.time, this.time,
				this.changes::incrementAndGet);
	}

	@Test
	void firstReadCreatesTheCounterAtTheCurrentMillisecond() {
		Generation generation = generation();
		assertThat(generation.current()).isEqualTo(this.time.millis());
		assertThat(this.changes).hasValue(1);
	}

	@Test
	void valueIsTrustedForTheRefreshInterval() {
		Generation generation = generation();
		generation.current();
		this.store.increment("c:generation", 5, 0, null);
		assertThat(generation.current()).as("within the interval").isEqualTo(this.time.millis());
		this.time.advance(Duration.ofMillis(1001));
		assertThat(generation.current()).isGreaterThan(this.time.millis() - 1001 + 4);
		assertThat(this.backend.calls(BackendOperation.INCREMENT)).isEqualTo(2);
	}

	@Test
	void callersWaitForTheFirstReadInsteadOfGoingOnWithoutAGeneration() throws Exception {
		Generation generation = generation();
		Gate read = this.backend.hold(Selector.all(), false);
		ExecutorService threads = Executors.newFixedThreadPool(2);
		try {
			Future<Long> first = threads.submit(generation::current);
			assertThat(read.awaitReached()).isTrue();
			Future<Long> second = threads.submit(generation::current);
			read.release();
			assertThat(first.get(10, TimeUnit.SECONDS)).isNotEqualTo(Generation.UNKNOWN);
			assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo(first.get());
		}
		finally {
			threads.shutdownNow();
		}
	}

	@Test
	void knownValueIsServedWhileARefreshIsUnderWay() throws Exception {
		Generation generation = generation();
		long known = generation.current();
		this.time.advance(Duration.ofSeconds(2));
		Gate read = this.backend.hold(Selector.all(), false);
		ExecutorService threads = Executors.newSingleThreadExecutor();
		try {
			Future<Long> refreshing = threads.submit(generation::current);
			assertThat(read.awaitReached()).isTrue();
			assertThat(generation.current()).as("not blocked by the refresh").isEqualTo(known);
			read.release();
			refreshing.get(10, TimeUnit.SECONDS);
		}
		finally {
			threads.shutdownNow();
		}
	}

	@Test
	void failedReadIsNotRetriedWithinTheInterval() {
		Generation generation = generation();
		this.backend.fail(BackendErrorType.TRANSIENT);
		assertThatExceptionOfType(BackendException.class).isThrownBy(generation::current);
		assertThat(generation.current()).isEqualTo(Generation.UNKNOWN);
		assertThat(this.backend.calls(BackendOperation.INCREMENT)).isEqualTo(1);
		this.backend.heal();
		this.time.advance(Duration.ofMillis(1001));
		assertThat(generation.current()).isNotEqualTo(Generation.UNKNOWN);
	}

	@Test
	void bumpMovesToAHigherGenerationAndReportsTheChange() {
		Generation generation = generation();
		long before = generation.current();
		assertThat(generation.bump()).isGreaterThan(before);
		assertThat(generation.cached()).isGreaterThan(before);
		assertThat(this.changes).hasValue(2);
	}

	@Test
	void lostCounterComesBackHigherThanBefore() {
		Generation generation = generation();
		long before = generation.bump();
		this.store.flush();
		this.time.advance(Duration.ofSeconds(2));
		assertThat(generation.current()).isGreaterThan(before);
	}

	@Test
	void withoutIncrementTheCounterIsReadAndAdded() {
		InMemoryBackend plain = InMemoryBackend.withCapabilities(this.time, AddIfAbsent.class);
		Generation generation = new Generation(plain, "c:generation", REFRESH, this.time, this.time, () -> {
		});
		long first = generation.current();
		assertThat(plain.get("c:generation")).isNotNull();
		assertThat(generation.bump()).isEqualTo(first + 1);
	}

}
