package io.cachekit.tier;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import io.cachekit.backend.AddIfAbsent;
import io.cachekit.backend.Backend;
import io.cachekit.backend.BackendErrorType;
import io.cachekit.backend.BackendOperation;
import io.cachekit.backend.BulkGet;
import io.cachekit.backend.Increment;
import io.cachekit.backend.TtlInspection;
import io.cachekit.codec.MessagePackCodec;
import io.cachekit.test.FaultInjectingBackend;
import io.cachekit.test.FaultInjectingBackend.Gate;
import io.cachekit.test.InMemoryBackend;
import io.cachekit.test.ManualTime;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Coherence across instances: two {@link TieredCache}s over one backend are two
 * application instances. Time is under the test's control; broadcast messages and
 * scheduled journal reads run on the calling thread.
 */
class InvalidationJournalTests {

	private static final Duration REFRESH = CacheConfiguration.DEFAULT_GENERATION_REFRESH;

	private final ManualTime time = new ManualTime();

	/** Without broadcast: changes travel through the journal only, as on memcached. */
	private final InMemoryBackend journalOnly = InMemoryBackend.withCapabilities(this.time, AddIfAbsent.class,
			BulkGet.class, Increment.class, TtlInspection.class);

	/** With broadcast, as on Redis. */
	private final InMemoryBackend pushing = InMemoryBackend.create(this.time);

	private TieredCache instance(Backend backend) {
		return instance(backend, UnaryOperator.identity());
	}

	private TieredCache instance(Backend backend, UnaryOperator<CacheConfiguration> configuration) {
		return TieredCache.builder("books")
			.backend(backend)
			.codec(MessagePackCodec.withDefaults())
			.clock(this.time)
			.ticker(this.time)
			.executor(Runnable::run)
			.configure(configuration)
			.build();
	}

	private static Object value(TieredCache cache, String key) {
		CacheHit hit = cache.get(key);
		return (hit != null) ? hit.value() : "<miss>";
	}

	@Test
	void putOnOneInstanceIsSeenByAnotherAfterOneRefresh() {
		TieredCache a = instance(this.journalOnly);
		TieredCache b = instance(this.journalOnly);
		a.put("k", "v1");
		assertThat(value(b, "k")).isEqualTo("v1");
		a.put("k", "v2");
		assertThat(value(b, "k")).as("within the refresh interval, L1 answers").isEqualTo("v1");
		this.time.advance(REFRESH);
		assertThat(value(b, "k")).isEqualTo("v2");
		assertThat(a.statistics().invalidationsSentCount()).isEqualTo(2);
		assertThat(b.statistics().invalidationsReceivedCount()).isEqualTo(1);
		assertThat(b.statistics().invalidationGapCount()).isZero();
	}

	@Test
	void evictOnOneInstanceIsSeenByAnotherAfterOneRefresh() {
		TieredCache a = instance(this.journalOnly);
		TieredCache b = instance(this.journalOnly);
		a.put("k", "v1");
		assertThat(value(b, "k")).isEqualTo("v1");
		a.evict("k");
		this.time.advance(REFRESH);
		assertThat(value(b, "k")).isEqualTo("<miss>");
	}

	@Test
	void clearOnOneInstanceIsSeenByAnotherAfterOneRefresh() {
		TieredCache a = instance(this.journalOnly);
		TieredCache b = instance(this.journalOnly);
		a.put("k", "v1");
		assertThat(value(b, "k")).isEqualTo("v1");
		a.clear();
		a.put("k", "v2");
		this.time.advance(REFRESH);
		assertThat(value(b, "k")).isEqualTo("v2");
	}

	@Test
	void ownRecordsAreSkippedAndNotRead() {
		FaultInjectingBackend backend = FaultInjectingBackend.wrap(this.journalOnly);
		TieredCache a = instance(backend);
		a.put("k", "v1");
		a.put("other", "v1");
		long bulkReads = backend.calls(BackendOperation.GET_ALL);
		this.time.advance(REFRESH);
		assertThat(value(a, "k")).isEqualTo("v1");
		assertThat(backend.calls(BackendOperation.GET_ALL)).as("generation and sequence, no record")
			.isEqualTo(bulkReads + 1);
		assertThat(backend.calls(BackendOperation.GET)).isZero();
		assertThat(a.statistics().invalidationsReceivedCount()).isZero();
		assertThat(a.statistics(Tier.L1).hitCount()).isEqualTo(1);
	}

	@Test
	void l1HitCostsNoRequestAndAnIdleRefreshOne() {
		TieredCache a = instance(this.journalOnly);
		a.put("k", "v1");
		FaultInjectingBackend counted = FaultInjectingBackend.wrap(this.journalOnly);
		TieredCache b = instance(counted);
		assertThat(value(b, "k")).isEqualTo("v1");
		long before = totalCalls(counted);
		for (int i = 0; i < 100; i++) {
			assertThat(value(b, "k")).isEqualTo("v1");
		}
		assertThat(totalCalls(counted)).as("L1 hits within the interval").isEqualTo(before);
		for (int refresh = 1; refresh <= 10; refresh++) {
			this.time.advance(REFRESH);
			for (int i = 0; i < 100; i++) {
				value(b, "k");
			}
			assertThat(totalCalls(counted)).as("one request per refresh").isEqualTo(before + refresh);
		}
		assertThat(counted.calls(BackendOperation.GET_ALL)).isGreaterThanOrEqualTo(10);
		System.out.println("[figure] requests per refresh interval on an idle cache (in-memory L2): "
				+ (totalCalls(counted) - before) / 10.0);
	}

	@Test
	void recordStillMissingAtTheNextRefreshIsAGapThatDropsL1() {
		TieredCache a = instance(this.journalOnly);
		TieredCache b = instance(this.journalOnly);
		a.put("k", "v1");
		a.put("other", "o1");
		value(b, "k");
		value(b, "other");
		a.put("k", "v2");
		deleteJournalRecords();
		this.time.advance(REFRESH);
		value(b, "other");
		assertThat(b.statistics().invalidationGapCount()).as("its writer may be about to write it").isZero();
		this.time.advance(REFRESH);
		assertThat(value(b, "k")).isEqualTo("v2");
		assertThat(b.statistics().invalidationGapCount()).isEqualTo(1);
		assertThat(b.l1Size()).as("everything else was dropped too").isEqualTo(1);
	}

	@Test
	void recordWrittenByTheNextRefreshIsAppliedWithoutAGap() throws Exception {
		FaultInjectingBackend stalled = FaultInjectingBackend.wrap(this.journalOnly);
		TieredCache a = instance(stalled);
		TieredCache b = instance(this.journalOnly);
		a.put("k", "v1");
		assertThat(value(b, "k")).isEqualTo("v1");
		Gate record = stalled.hold(journalRecordWrite(), false);
		CompletableFuture<Void> put = CompletableFuture.runAsync(() -> a.put("k", "v2"));
		assertThat(record.awaitReached()).as("the writer incremented and has not written yet").isTrue();
		this.time.advance(REFRESH);
		assertThat(value(b, "k")).as("the put has not returned").isEqualTo("v1");
		assertThat(b.statistics().invalidationGapCount()).isZero();
		record.release();
		put.get(10, TimeUnit.SECONDS);
		this.time.advance(REFRESH);
		assertThat(value(b, "k")).isEqualTo("v2");
		assertThat(b.statistics().invalidationGapCount()).isZero();
		assertThat(b.statistics().invalidationsReceivedCount()).isEqualTo(1);
	}

	@Test
	void recordsAfterOneNotYetWrittenAreAppliedAtOnceAndCountedOnce() throws Exception {
		FaultInjectingBackend stalled = FaultInjectingBackend.wrap(this.journalOnly);
		TieredCache a = instance(stalled);
		TieredCache c = instance(this.journalOnly);
		TieredCache b = instance(this.journalOnly);
		a.put("k", "v1");
		c.put("x", "x1");
		c.put("y", "y1");
		assertThat(value(b, "k")).isEqualTo("v1");
		assertThat(value(b, "x")).isEqualTo("x1");
		assertThat(value(b, "y")).isEqualTo("y1");
		Gate record = stalled.hold(journalRecordWrite(), false);
		CompletableFuture<Void> put = CompletableFuture.runAsync(() -> a.put("k", "v2"));
		assertThat(record.awaitReached()).isTrue();
		c.put("x", "x2");
		c.put("y", "y2");
		this.time.advance(REFRESH);
		assertThat(value(b, "x")).isEqualTo("x2");
		assertThat(value(b, "y")).isEqualTo("y2");
		assertThat(b.statistics().invalidationsReceivedCount()).isEqualTo(2);
		record.release();
		put.get(10, TimeUnit.SECONDS);
		this.time.advance(REFRESH);
		assertThat(value(b, "k")).isEqualTo("v2");
		assertThat(b.statistics().invalidationsReceivedCount()).as("each record once").isEqualTo(3);
		assertThat(b.statistics().invalidationGapCount()).isZero();
		assertThat(value(b, "x")).isEqualTo("x2");
		assertThat(value(b, "y")).isEqualTo("y2");
		assertThat(b.statistics(Tier.L1).hitCount()).as("L1 was not dropped").isEqualTo(2);
	}

	@Test
	void missingRecordAfterAnOutageOfHalfTheRetentionIsAGapAtOnce() {
		TieredCache a = instance(this.journalOnly);
		FaultInjectingBackend cut = FaultInjectingBackend.wrap(this.journalOnly);
		TieredCache b = instance(cut, (c) -> c.withL1Ttl(Duration.ofMinutes(10)));
		a.put("k", "v1");
		value(b, "k");
		cut.fail(BackendErrorType.TRANSIENT);
		this.time.advance(InvalidationJournal.RETENTION.dividedBy(2));
		a.put("k", "v2");
		deleteJournalRecords();
		cut.heal();
		this.time.advance(CacheConfiguration.DEFAULT_GENERATION_REFRESH
			.plus(CircuitBreakerConfig.DEFAULT_WAIT_DURATION_IN_OPEN_STATE));
		assertThat(value(b, "k")).isEqualTo("v2");
		assertThat(b.statistics().invalidationGapCount()).isEqualTo(1);
	}

	@Test
	void pushedRecordsAfterOneNotYetWrittenAreNoGap() throws Exception {
		FaultInjectingBackend stalled = FaultInjectingBackend.wrap(this.pushing);
		TieredCache a = instance(stalled);
		TieredCache c = instance(this.pushing);
		TieredCache b = instance(this.pushing);
		a.put("k", "v1");
		c.put("x", "x1");
		assertThat(value(b, "k")).isEqualTo("v1");
		assertThat(value(b, "x")).isEqualTo("x1");
		long received = b.statistics().invalidationsReceivedCount();
		Gate record = stalled.hold(journalRecordWrite(), false);
		CompletableFuture<Void> put = CompletableFuture.runAsync(() -> a.put("k", "v2"));
		assertThat(record.awaitReached()).isTrue();
		c.put("x", "x2");
		c.put("x", "x3");
		assertThat(value(b, "x")).as("pushed, out of sequence").isEqualTo("x3");
		assertThat(b.statistics().invalidationGapCount()).isZero();
		record.release();
		put.get(10, TimeUnit.SECONDS);
		assertThat(value(b, "k")).isEqualTo("v2");
		this.time.advance(REFRESH);
		value(b, "x");
		assertThat(b.statistics().invalidationGapCount()).isZero();
		assertThat(b.statistics().invalidationsReceivedCount()).as("each record once").isEqualTo(received + 3);
	}

	@Test
	void lostSequenceCounterIsAGapThatDropsL1() {
		TieredCache a = instance(this.journalOnly);
		TieredCache b = instance(this.journalOnly);
		a.put("k", "v1");
		value(b, "k");
		this.journalOnly.delete("books:seq");
		this.time.advance(REFRESH);
		a.put("k", "v2");
		assertThat(value(b, "k")).isEqualTo("v2");
		assertThat(b.statistics().invalidationGapCount()).isEqualTo(1);
	}

	@Test
	void sequenceCounterThatWentBackIsAGap() {
		TieredCache a = instance(this.journalOnly);
		TieredCache b = instance(this.journalOnly);
		a.put("k", "v1");
		value(b, "k");
		this.journalOnly.set("books:seq", "5".getBytes(StandardCharsets.US_ASCII), null);
		a.put("k", "v2");
		this.time.advance(REFRESH);
		assertThat(value(b, "k")).isEqualTo("v2");
		assertThat(b.statistics().invalidationGapCount()).isEqualTo(1);
	}

	@Test
	void moreChangesThanTheWindowIsAGap() {
		TieredCache a = instance(this.journalOnly);
		FaultInjectingBackend counted = FaultInjectingBackend.wrap(this.journalOnly);
		TieredCache b = instance(counted);
		a.put("k", "v1");
		value(b, "k");
		for (int i = 0; i <= InvalidationJournal.WINDOW; i++) {
			a.put("n" + i, i);
		}
		long bulkReads = counted.calls(BackendOperation.GET_ALL);
		this.time.advance(REFRESH);
		assertThat(value(b, "k")).isEqualTo("v1");
		assertThat(b.statistics().invalidationGapCount()).isEqualTo(1);
		assertThat(counted.calls(BackendOperation.GET_ALL)).as("no record read").isEqualTo(bulkReads + 1);
		assertThat(b.statistics(Tier.L1).missCount()).as("L1 was dropped").isEqualTo(2);
	}

	@Test
	void ownChangesBeyondTheWindowAreNotAGap() {
		TieredCache a = instance(this.journalOnly);
		a.put("k", "v1");
		for (int i = 0; i <= 2 * InvalidationJournal.WINDOW; i++) {
			a.put("n" + i, i);
		}
		this.time.advance(REFRESH);
		assertThat(value(a, "k")).isEqualTo("v1");
		assertThat(a.statistics().invalidationGapCount()).isZero();
		assertThat(a.statistics(Tier.L1).hitCount()).as("L1 kept").isEqualTo(1);
	}

	@Test
	void outageLongerThanTheRetentionIsAGap() {
		TieredCache a = instance(this.journalOnly);
		FaultInjectingBackend cut = FaultInjectingBackend.wrap(this.journalOnly);
		TieredCache b = instance(cut, (c) -> c.withL1Ttl(Duration.ofMinutes(10)));
		a.put("k", "v1");
		value(b, "k");
		cut.fail(BackendErrorType.TRANSIENT);
		a.put("k", "v2");
		this.time.advance(InvalidationJournal.RETENTION.plusSeconds(1));
		assertThat(value(b, "k")).as("L2 is out of reach: L1 answers").isEqualTo("v1");
		cut.heal();
		this.time.advance(CacheConfiguration.DEFAULT_GENERATION_REFRESH
			.plus(CircuitBreakerConfig.DEFAULT_WAIT_DURATION_IN_OPEN_STATE));
		assertThat(value(b, "k")).isEqualTo("v2");
		assertThat(b.statistics().invalidationGapCount()).isEqualTo(1);
	}

	@Test
	void invalidationCannotBePutBackByAnL2ReadUnderWay() throws Exception {
		TieredCache a = instance(this.journalOnly);
		FaultInjectingBackend held = FaultInjectingBackend.wrap(this.journalOnly);
		TieredCache b = instance(held);
		a.put("k", "v1");
		value(b, "warm");
		Gate read = held
			.hold((operation, key) -> operation == BackendOperation.GET && key != null && key.endsWith(":k"), true);
		CompletableFuture<Object> slow = CompletableFuture.supplyAsync(() -> value(b, "k"));
		assertThat(read.awaitReached()).as("the read of v1 is under way").isTrue();
		a.put("k", "v2");
		this.time.advance(REFRESH);
		value(b, "warm");
		assertThat(b.statistics().invalidationsReceivedCount()).isEqualTo(1);
		read.release();
		assertThat(slow.get(10, TimeUnit.SECONDS)).isEqualTo("v1");
		assertThat(value(b, "k")).as("the old value was not put back in L1").isEqualTo("v2");
	}

	@Test
	void gapCannotBeUndoneByAnL2ReadUnderWay() throws Exception {
		TieredCache a = instance(this.journalOnly);
		FaultInjectingBackend held = FaultInjectingBackend.wrap(this.journalOnly);
		TieredCache b = instance(held);
		a.put("k", "v1");
		value(b, "warm");
		Gate read = held
			.hold((operation, key) -> operation == BackendOperation.GET && key != null && key.endsWith(":k"), true);
		CompletableFuture<Object> slow = CompletableFuture.supplyAsync(() -> value(b, "k"));
		assertThat(read.awaitReached()).as("the read of v1 is under way").isTrue();
		a.put("k", "v2");
		deleteJournalRecords();
		this.time.advance(REFRESH);
		value(b, "warm");
		this.time.advance(REFRESH);
		value(b, "warm");
		assertThat(b.statistics().invalidationGapCount()).isEqualTo(1);
		read.release();
		assertThat(slow.get(10, TimeUnit.SECONDS)).isEqualTo("v1");
		assertThat(value(b, "k")).as("the old value was not put back in L1").isEqualTo("v2");
	}

	@Test
	void pushedChangeIsAppliedAtOnce() {
		TieredCache a = instance(this.pushing);
		TieredCache b = instance(this.pushing);
		a.put("k", "v1");
		assertThat(value(b, "k")).isEqualTo("v1");
		a.put("k", "v2");
		assertThat(value(b, "k")).as("no refresh needed").isEqualTo("v2");
		a.evict("k");
		assertThat(value(b, "k")).isEqualTo("<miss>");
		assertThat(this.pushing.subscriptions(InvalidationJournal.CHANNEL)).as("one per backend").isOne();
	}

	@Test
	void pushedClearIsAppliedAtOnce() {
		TieredCache a = instance(this.pushing);
		TieredCache b = instance(this.pushing);
		a.put("k", "v1");
		assertThat(value(b, "k")).isEqualTo("v1");
		a.clear();
		assertThat(value(b, "k")).isEqualTo("<miss>");
	}

	@Test
	void pushedRecordOutOfSequenceReadsTheJournal() {
		TieredCache a = instance(this.pushing);
		TieredCache b = instance(this.pushing);
		a.put("lost", "v1");
		a.put("k", "v1");
		assertThat(value(b, "lost")).isEqualTo("v1");
		assertThat(value(b, "k")).isEqualTo("v1");
		this.pushing.loseMessages(true);
		a.put("lost", "v2");
		this.pushing.loseMessages(false);
		a.put("k", "v2");
		assertThat(value(b, "k")).isEqualTo("v2");
		assertThat(value(b, "lost")).as("read from the journal at once").isEqualTo("v2");
		assertThat(b.statistics().invalidationGapCount()).isZero();
	}

	@Test
	void resetSubscriptionReadsTheJournal() {
		TieredCache a = instance(this.pushing);
		TieredCache b = instance(this.pushing);
		a.put("k", "v1");
		assertThat(value(b, "k")).isEqualTo("v1");
		this.pushing.loseMessages(true);
		a.put("k", "v2");
		this.pushing.loseMessages(false);
		assertThat(value(b, "k")).isEqualTo("v1");
		this.pushing.resetSubscriptions();
		assertThat(value(b, "k")).isEqualTo("v2");
	}

	@Test
	void failedAppendIsRetriedAfterTheNextRefresh() {
		FaultInjectingBackend faulty = FaultInjectingBackend.wrap(this.journalOnly);
		TieredCache a = instance(faulty);
		TieredCache b = instance(this.journalOnly);
		a.put("k", "v1");
		assertThat(value(b, "k")).isEqualTo("v1");
		faulty.fail(BackendErrorType.TRANSIENT,
				(operation, key) -> operation == BackendOperation.INCREMENT && key != null && key.endsWith(":seq"));
		a.put("k", "v2");
		faulty.heal();
		assertThat(a.statistics().invalidationsSentCount()).isEqualTo(1);
		this.time.advance(REFRESH);
		value(a, "k");
		assertThat(a.statistics().invalidationsSentCount()).as("announced after the refresh").isEqualTo(2);
		assertThat(value(b, "k")).isEqualTo("v2");
	}

	@Test
	void failedPublishIsCountedAndTheJournalStillCarriesTheChange() {
		FaultInjectingBackend faulty = FaultInjectingBackend.wrap(this.pushing);
		TieredCache a = instance(faulty);
		TieredCache b = instance(this.pushing);
		a.put("k", "v1");
		assertThat(value(b, "k")).isEqualTo("v1");
		faulty.fail(BackendErrorType.TRANSIENT, (operation, key) -> operation == BackendOperation.PUBLISH);
		a.put("k", "v2");
		assertThat(a.statistics().errorCount(BackendErrorType.TRANSIENT)).isEqualTo(1);
		assertThat(a.statistics().putCount()).as("the write itself succeeded").isEqualTo(2);
		assertThat(value(b, "k")).as("not pushed").isEqualTo("v1");
		this.time.advance(REFRESH);
		assertThat(value(b, "k")).isEqualTo("v2");
	}

	@Test
	void evictThatReachesL2LaterIsAnnouncedThen() {
		FaultInjectingBackend faulty = FaultInjectingBackend.wrap(this.journalOnly);
		TieredCache a = instance(faulty);
		TieredCache b = instance(this.journalOnly);
		a.put("k", "v1");
		assertThat(value(b, "k")).isEqualTo("v1");
		faulty.failNext(1, BackendErrorType.TRANSIENT);
		a.evict("k");
		assertThat(this.journalOnly.keys()).as("L2 could not be told").anyMatch((key) -> key.matches("books:\\d+:k"));
		assertThat(value(a, "k")).as("the mark deletes the L2 entry").isEqualTo("<miss>");
		this.time.advance(REFRESH);
		assertThat(value(b, "k")).isEqualTo("<miss>");
	}

	@Test
	void withCoherenceOffNothingIsWrittenOrReadAndL1AnswersUntilItsTtl() {
		FaultInjectingBackend counted = FaultInjectingBackend.wrap(this.journalOnly);
		TieredCache a = instance(counted, (c) -> c.withCoherence(false));
		TieredCache b = instance(this.journalOnly, (c) -> c.withCoherence(false));
		a.put("k", "v1");
		assertThat(value(b, "k")).isEqualTo("v1");
		a.put("k", "v2");
		this.time.advance(REFRESH);
		assertThat(value(b, "k")).isEqualTo("v1");
		assertThat(this.journalOnly.keys()).noneMatch((key) -> key.contains(":inv:") || key.endsWith(":seq"));
		assertThat(counted.calls(BackendOperation.GET_ALL)).isZero();
		this.time.advance(CacheConfiguration.DEFAULT_L1_TTL);
		assertThat(value(b, "k")).isEqualTo("v2");
	}

	@Test
	void closingTheLastCacheEndsTheSubscription() {
		TieredCache a = instance(this.pushing);
		TieredCache b = instance(this.pushing);
		a.close();
		assertThat(this.pushing.subscriptions(InvalidationJournal.CHANNEL)).isOne();
		b.close();
		b.close();
		assertThat(this.pushing.subscriptions(InvalidationJournal.CHANNEL)).isZero();
	}

	@Test
	void cacheWithoutL1WritesTheJournalButDoesNotReadIt() {
		FaultInjectingBackend counted = FaultInjectingBackend.wrap(this.pushing);
		TieredCache writer = instance(counted, (c) -> c.withL1Enabled(false));
		TieredCache b = instance(this.pushing);
		writer.put("k", "v1");
		assertThat(value(b, "k")).isEqualTo("v1");
		writer.put("k", "v2");
		assertThat(value(b, "k")).isEqualTo("v2");
		assertThat(counted.calls(BackendOperation.GET_ALL)).isZero();
		assertThat(this.pushing.subscriptions(InvalidationJournal.CHANNEL)).isOne();
	}

	private void deleteJournalRecords() {
		this.journalOnly.keys()
			.stream()
			.filter((key) -> key.startsWith("books:inv:"))
			.forEach(this.journalOnly::delete);
	}

	/** The write of a journal record, which its writer makes after incrementing. */
	private static FaultInjectingBackend.Selector journalRecordWrite() {
		return (operation, key) -> operation == BackendOperation.SET && key != null && key.startsWith("books:inv:");
	}

	private static long totalCalls(FaultInjectingBackend backend) {
		long total = 0;
		for (BackendOperation operation : BackendOperation.values()) {
			if (operation != BackendOperation.HEALTH) {
				total += backend.calls(operation);
			}
		}
		return total;
	}

}
