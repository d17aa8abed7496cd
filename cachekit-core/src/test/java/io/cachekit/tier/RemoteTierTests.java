package io.cachekit.tier;

import java.time.Duration;
import java.util.Objects;

import io.cachekit.backend.BackendErrorType;
import io.cachekit.backend.BackendOperation;
import io.cachekit.codec.CodecException;
import io.cachekit.codec.MessagePackCodec;
import io.cachekit.test.FaultInjectingBackend;
import io.cachekit.test.InMemoryBackend;
import io.cachekit.test.ManualTime;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RemoteTierTests {

	private final ManualTime time = new ManualTime();

	private final InMemoryBackend store = InMemoryBackend.create(this.time);

	private final FaultInjectingBackend backend = FaultInjectingBackend.wrap(this.store);

	private final TierCounters counters = new TierCounters();

	private final PendingInvalidations pending = new PendingInvalidations();

	private final RemoteTier remote = new RemoteTier(this.backend, MessagePackCodec.withDefaults(),
			new CacheKeys("books"), Duration.ofMinutes(1), this.time, this.counters, new TierCounters(),
			new ProblemLog("books"), this.pending);

	private void write(String key, Object value) {
		byte[] bytes = this.remote.encode(value, this.remote.expiresAt(), 1, key);
		assertThat(bytes).isNotNull();
		assertThat(this.remote.write(1, key, bytes, 1)).isEqualTo(RemoteTier.Write.STORED);
	}

	@Test
	void writtenEntryIsReadBackWithItsExpiry() {
		write("k", "value");
		RemoteTier.Entry entry = this.remote.read(1, "k", 0);
		assertThat(entry).isNotNull();
		assertThat(entry.value()).isEqualTo("value");
		assertThat(entry.expiresAt()).isEqualTo(this.time.instant().plus(Duration.ofMinutes(1)));
		assertThat(this.store.keys()).containsExactly("books:1:k");
		assertThat(this.counters.hitCount()).isEqualTo(1);
		assertThat(this.counters.putCount()).isEqualTo(1);
	}

	@Test
	void damagedEntryIsAMissDeletedAndCounted() {
		write("k", "value");
		this.backend.corruptReads(0);
		assertThat(this.remote.read(1, "k", 0)).isNull();
		assertThat(this.store.keys()).isEmpty();
		assertThat(TieredCacheTests.codecErrors(this.counters)).isEqualTo(1);
		assertThat(this.counters.missCount()).isEqualTo(1);
	}

	@Test
	void entryCopiedToAnotherKeyIsAMissDeletedAndCountedAsMisplaced() {
		write("k", "value");
		byte[] copy = Objects.requireNonNull(this.store.get("books:1:k"));
		this.store.set("books:1:other", copy, null);
		assertThat(this.remote.read(1, "other", 0)).isNull();
		assertThat(this.store.keys()).containsExactly("books:1:k");
		assertThat(this.counters.codecErrorCount(CodecException.Kind.MISPLACED)).isEqualTo(1);
		assertThat(this.counters.missCount()).isEqualTo(1);
	}

	@Test
	void entryWrittenInAnotherGenerationIsAMiss() {
		write("k", "value");
		byte[] copy = Objects.requireNonNull(this.store.get("books:1:k"));
		this.store.set("books:2:k", copy, null);
		assertThat(this.remote.read(2, "k", 0)).isNull();
		assertThat(this.counters.codecErrorCount(CodecException.Kind.MISPLACED)).isEqualTo(1);
	}

	@Test
	void entryPastTheExpiryInItsEnvelopeIsAMiss() {
		byte[] bytes = this.remote.encode("value", this.time.instant().plusSeconds(1), 1, "k");
		this.store.set("books:1:k", bytes, null);
		this.time.advance(Duration.ofSeconds(2));
		assertThat(this.remote.read(1, "k", 0)).isNull();
	}

	@Test
	void failedReadIsACountedMiss() {
		write("k", "value");
		this.backend.fail(BackendErrorType.TIMEOUT);
		assertThat(this.remote.read(1, "k", 0)).isNull();
		assertThat(this.counters.errorCount(BackendErrorType.TIMEOUT)).isEqualTo(1);
		assertThat(this.counters.missCount()).isEqualTo(1);
	}

	@Test
	void unknownGenerationMissesWithoutAskingTheBackend() {
		assertThat(this.remote.read(Generation.UNKNOWN, "k", 0)).isNull();
		assertThat(this.backend.calls(BackendOperation.GET)).isZero();
	}

	@Test
	void writeThatCannotReachL2IsDeferredAndMarksTheKey() {
		this.backend.fail(BackendErrorType.TRANSIENT);
		assertThat(this.remote.write(1, "k", new byte[] { 1 }, 3)).isEqualTo(RemoteTier.Write.DEFERRED);
		assertThat(this.pending.isMarked("k")).isTrue();
	}

	@Test
	void writeRefusedForGoodIsRefusedAndCountedRejected() {
		this.backend.fail(BackendErrorType.PERMANENT);
		assertThat(this.remote.write(1, "k", new byte[] { 1 }, 3)).isEqualTo(RemoteTier.Write.REFUSED);
		assertThat(this.counters.rejectedCount()).isEqualTo(1);
		assertThat(this.pending.isMarked("k")).isFalse();
	}

	@Test
	void markedKeyIsDeletedInL2BeforeItIsServedAgain() {
		write("k", "old");
		this.pending.mark("k", 2);
		assertThat(this.remote.read(1, "k", 2)).as("never the older entry").isNull();
		assertThat(this.store.keys()).isEmpty();
		assertThat(this.pending.isMarked("k")).isFalse();
	}

	@Test
	void deleteThatFailsMarksTheKey() {
		this.backend.fail(BackendErrorType.TRANSIENT);
		assertThat(this.remote.delete(1, "k", 4)).isFalse();
		assertThat(this.pending.isMarked("k")).isTrue();
		this.backend.heal();
		assertThat(this.remote.delete(1, "k", 4)).isFalse();
		assertThat(this.pending.isMarked("k")).isFalse();
	}

	@Test
	void valueThatCannotBeEncodedIsNull() {
		assertThat(this.remote.encode(new TieredCacheTests.Unserializable(), null, 1, "k")).isNull();
	}

}
