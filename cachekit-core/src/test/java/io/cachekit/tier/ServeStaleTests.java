package io.cachekit.tier;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.cachekit.backend.BackendErrorType;
import io.cachekit.codec.MessagePackCodec;
import io.cachekit.test.FaultInjectingBackend;
import io.cachekit.test.InMemoryBackend;
import io.cachekit.test.ManualTime;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Serve-stale ({@link StaleEntries}): entries fresh for ten seconds, kept a minute past
 * that, on an in-memory L2 with time under the test's control.
 */
class ServeStaleTests {

	private static final Duration TTL = Duration.ofSeconds(10);

	private static final Duration GRACE = Duration.ofMinutes(1);

	private final ManualTime time = new ManualTime();

	private final InMemoryBackend store = InMemoryBackend.create(this.time);

	private final FaultInjectingBackend backend = FaultInjectingBackend.wrap(this.store);

	private TieredCache cache(Duration grace, boolean l1) {
		return TieredCache.builder("test")
			.codec(MessagePackCodec.withDefaults())
			.backend(this.backend)
			.clock(this.time)
			.ticker(this.time)
			.executor(Runnable::run)
			.configure((c) -> c.withTtl(TTL).withServeStaleGrace(grace).withL1Enabled(l1))
			.build();
	}

	private static IllegalStateException failingLoader() {
		return new IllegalStateException("the source is down");
	}

	@Test
	void whenL2FailsAnEntryPastItsFreshnessWithinTheGraceIsServedAndCounted() {
		TieredCache cache = cache(GRACE, true);
		cache.put("k", "v");
		this.time.advance(TTL.plusSeconds(5));
		this.backend.fail(BackendErrorType.TRANSIENT);
		try (LogCapture log = new LogCapture()) {
			assertThat(cache.get("k")).isEqualTo(new CacheHit("v"));
			assertThat(cache.get("k")).isEqualTo(new CacheHit("v"));
			assertThat(log.warnings()).filteredOn((warning) -> warning.contains("serve-stale")).hasSize(1);
		}
		assertThat(cache.statistics().staleCount()).isEqualTo(2);
	}

	@Test
	void whileL2AnswersAnEntryPastItsFreshnessIsNeverServed() {
		TieredCache cache = cache(GRACE, true);
		cache.put("k", "v");
		this.time.advance(TTL.plusSeconds(5));
		assertThat(cache.get("k")).isNull();
		assertThat(cache.statistics().staleCount()).isZero();
	}

	@Test
	void pastTheGraceNothingIsServed() {
		TieredCache cache = cache(GRACE, true);
		cache.put("k", "v");
		this.time.advance(TTL.plus(GRACE));
		this.backend.fail(BackendErrorType.TRANSIENT);
		assertThat(cache.get("k")).isNull();
	}

	@Test
	void withoutAGraceAFailingL2IsAMiss() {
		TieredCache cache = cache(Duration.ZERO, true);
		cache.put("k", "v");
		this.time.advance(TTL.plusSeconds(5));
		this.backend.fail(BackendErrorType.TRANSIENT);
		assertThat(cache.get("k")).isNull();
	}

	@Test
	void l2KeepsEntriesForTheTtlPlusTheGraceWhileTheEnvelopeEndsTheirFreshness() {
		TieredCache cache = cache(GRACE, false);
		cache.put("k", "v");
		String entryKey = this.store.keys().stream().filter((key) -> key.endsWith(":k")).findFirst().orElseThrow();
		assertThat(this.store.remainingTtl(entryKey).remaining()).hasValue(TTL.plus(GRACE));
		this.time.advance(TTL);
		assertThat(cache.get("k")).isNull();
		assertThat(this.store.keys()).contains(entryKey);
	}

	@Test
	void whenTheLoaderFailsAStaleEntryOfL2IsServedInstead() throws Exception {
		TieredCache cache = cache(GRACE, false);
		cache.put("k", "v");
		this.time.advance(TTL.plusSeconds(5));
		assertThat(cache.<String>get("k", () -> {
			throw failingLoader();
		})).isEqualTo("v");
		assertThat(cache.statistics().staleCount()).isEqualTo(1);
	}

	@Test
	void whenTheLoaderFailsAStaleEntryOfL1IsServedInstead() throws Exception {
		TieredCache cache = cache(GRACE, true);
		cache.put("k", "v");
		this.time.advance(TTL.plusSeconds(5));
		this.store.keys().stream().filter((key) -> key.endsWith(":k")).forEach(this.store::delete);
		assertThat(cache.<String>get("k", () -> {
			throw failingLoader();
		})).isEqualTo("v");
	}

	@Test
	void whenTheLoaderFailsWithoutAStaleEntryItsExceptionPropagates() {
		TieredCache cache = cache(GRACE, true);
		assertThatIllegalStateException().isThrownBy(() -> cache.get("k", () -> {
			throw failingLoader();
		})).withMessage("the source is down");
		assertThat(cache.statistics().staleCount()).isZero();
	}

	@Test
	void whenAnAsyncLoaderFailsAStaleEntryIsServedInstead() throws Exception {
		TieredCache cache = cache(GRACE, false);
		cache.put("k", "v");
		this.time.advance(TTL.plusSeconds(5));
		CompletableFuture<String> result = cache.retrieve("k", () -> CompletableFuture.failedFuture(failingLoader()));
		assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("v");
		assertThat(cache.statistics().staleCount()).isEqualTo(1);
	}

	@Test
	void whenAnAsyncLoaderFailsWithoutAStaleEntryTheFutureFailsWithItsException() {
		TieredCache cache = cache(GRACE, false);
		CompletableFuture<String> result = cache.retrieve("k", () -> CompletableFuture.failedFuture(failingLoader()));
		assertThat(result).failsWithin(Duration.ofSeconds(10))
			.withThrowableThat()
			.havingRootCause()
			.withMessage("the source is down");
	}

}
