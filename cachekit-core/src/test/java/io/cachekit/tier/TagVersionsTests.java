package io.cachekit.tier;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.cachekit.backend.BackendErrorType;
import io.cachekit.backend.BackendException;
import io.cachekit.backend.BackendOperation;
import io.cachekit.backend.BulkGet;
import io.cachekit.backend.Increment;
import io.cachekit.test.FaultInjectingBackend;
import io.cachekit.test.InMemoryBackend;
import io.cachekit.test.ManualTime;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link TagVersions}: one counter per tag in L2, versions trusted for the
 * refresh interval, read in one request, and a lost counter that never brings an old
 * entry back.
 */
class TagVersionsTests {

	private static final long REFRESH = Duration.ofSeconds(1).toNanos();

	private final ManualTime time = new ManualTime();

	private final InMemoryBackend store = InMemoryBackend.create(this.time);

	private final FaultInjectingBackend backend = FaultInjectingBackend.wrap(this.store);

	private final TagVersions versions = new TagVersions(this.backend, REFRESH, this.time, this.time);

	@Test
	void aTagNeverBumpedHasItsCounterCreatedAtTheCurrentMillisecond() {
		Map<String, Long> current = this.versions.current(List.of("user:42"));
		assertThat(current).containsExactly(Map.entry("user:42", this.time.millis()));
		assertThat(this.store.get("cachekit:tag:user:42"))
			.isEqualTo(Long.toString(this.time.millis()).getBytes(StandardCharsets.US_ASCII));
	}

	@Test
	void theVersionsAnEntryNeedsAreReadInOneRequestAndKeptForTheRefreshInterval() {
		this.store.increment("cachekit:tag:a", 0, 5, null);
		this.store.increment("cachekit:tag:b", 0, 7, null);
		assertThat(this.versions.current(List.of("a", "b"))).containsExactly(Map.entry("a", 5L), Map.entry("b", 7L));
		assertThat(this.backend.calls(BackendOperation.GET_ALL)).isEqualTo(1);
		assertThat(this.backend.calls(BackendOperation.INCREMENT)).isZero();
		this.store.increment("cachekit:tag:a", 1, 0, null);
		assertThat(this.versions.current(List.of("a", "b"))).as("within the interval").containsEntry("a", 5L);
		assertThat(this.backend.calls(BackendOperation.GET_ALL)).isEqualTo(1);
		this.time.advance(Duration.ofNanos(REFRESH));
		assertThat(this.versions.current(List.of("b", "a"))).containsExactly(Map.entry("b", 7L), Map.entry("a", 6L));
		assertThat(this.backend.calls(BackendOperation.GET_ALL)).isEqualTo(2);
	}

	@Test
	void onlyTheVersionsNotKnownAreRead() {
		this.versions.current(List.of("a"));
		this.versions.current(List.of("a", "b", "c"));
		assertThat(this.backend.calls(BackendOperation.GET_ALL)).isEqualTo(2);
		assertThat(this.store.getAll(List.of("cachekit:tag:b", "cachekit:tag:c"))).hasSize(2);
		this.versions.current(List.of("c", "b", "a"));
		assertThat(this.backend.calls(BackendOperation.GET_ALL)).isEqualTo(2);
	}

	@Test
	void anEntryIsCurrentWhileEveryTagItRecordedKeepsItsVersion() {
		Map<String, Long> recorded = this.versions.current(List.of("user:42", "tenant:1"));
		assertThat(this.versions.check(recorded)).isEqualTo(TagVersions.Currency.CURRENT);
		assertThat(this.versions.isCurrent(recorded)).isTrue();
		this.versions.bump("tenant:1");
		assertThat(this.versions.check(recorded)).isEqualTo(TagVersions.Currency.STALE);
		assertThat(this.versions.isCurrent(recorded)).isFalse();
		assertThat(this.versions.isCurrent(this.versions.current(List.of("user:42", "tenant:1")))).isTrue();
	}

	@Test
	void anotherInstancesBumpIsSeenOnceTheRefreshIntervalHasPassed() {
		TagVersions other = new TagVersions(this.backend, REFRESH, this.time, this.time);
		Map<String, Long> recorded = this.versions.current(List.of("user:42"));
		other.bump("user:42");
		assertThat(this.versions.isCurrent(recorded)).as("within the interval").isTrue();
		this.time.advance(Duration.ofNanos(REFRESH));
		assertThat(this.versions.check(recorded)).isEqualTo(TagVersions.Currency.UNKNOWN);
		assertThat(this.versions.isCurrent(recorded)).isFalse();
	}

	@Test
	void aForgottenVersionIsReadAgainBeforeItIsTrusted() {
		TagVersions other = new TagVersions(this.backend, REFRESH, this.time, this.time);
		Map<String, Long> recorded = this.versions.current(List.of("a", "b"));
		other.bump("a");
		this.versions.forget("a");
		assertThat(this.versions.check(recorded)).isEqualTo(TagVersions.Currency.UNKNOWN);
		assertThat(this.versions.isCurrent(recorded)).isFalse();
		other.bump("b");
		this.versions.forgetAll();
		assertThat(this.versions.check(Map.of("b", recorded.get("b")))).isEqualTo(TagVersions.Currency.UNKNOWN);
		assertThat(this.versions.isCurrent(Map.of("b", recorded.get("b")))).isFalse();
	}

	@Test
	void aLostCounterNeverBringsBackAnEntryWrittenBeforeIt() {
		Map<String, Long> recorded = this.versions.current(List.of("user:42"));
		this.versions.bump("user:42");
		Map<String, Long> afterBump = this.versions.current(List.of("user:42"));
		this.store.delete("cachekit:tag:user:42");
		this.time.advance(Duration.ofNanos(REFRESH));
		assertThat(this.versions.isCurrent(recorded)).isFalse();
		assertThat(this.versions.isCurrent(afterBump)).isFalse();
		assertThat(this.versions.current(List.of("user:42")).get("user:42")).isEqualTo(this.time.millis());
	}

	@Test
	void aBumpOfACounterThatWasLostCreatesItAtTheCurrentMillisecond() {
		Map<String, Long> recorded = this.versions.current(List.of("user:42"));
		this.store.delete("cachekit:tag:user:42");
		this.time.advance(Duration.ofMillis(3));
		assertThat(this.versions.bump("user:42")).isEqualTo(this.time.millis());
		assertThat(this.versions.isCurrent(recorded)).isFalse();
	}

	@Test
	void withoutBulkGetEachVersionIsReadOnItsOwn() {
		InMemoryBackend plain = InMemoryBackend.withCapabilities(this.time, Increment.class);
		TagVersions withoutBulk = new TagVersions(plain, REFRESH, this.time, this.time);
		plain.increment("cachekit:tag:a", 0, 9, null);
		assertThat(withoutBulk.current(List.of("a", "b"))).containsExactly(Map.entry("a", 9L),
				Map.entry("b", this.time.millis()));
	}

	@Test
	void aBackendWithoutCountersCannotVersionTags() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new TagVersions(InMemoryBackend.withCapabilities(this.time, BulkGet.class), REFRESH,
					this.time, this.time))
			.withMessageContaining("Increment");
	}

	@Test
	void aFailedReadIsThrownAndTrustsNothing() {
		this.backend.fail(BackendErrorType.TRANSIENT);
		assertThatExceptionOfType(BackendException.class).isThrownBy(() -> this.versions.current(List.of("a")));
		assertThat(this.versions.check(Map.of("a", 1L))).isEqualTo(TagVersions.Currency.UNKNOWN);
	}

	@Test
	void aFailedBumpLeavesTheTagUntrustedHere() {
		Map<String, Long> recorded = this.versions.current(List.of("a"));
		this.backend.fail(BackendErrorType.TIMEOUT);
		assertThatExceptionOfType(BackendException.class).isThrownBy(() -> this.versions.bump("a"));
		assertThat(this.versions.check(recorded)).isEqualTo(TagVersions.Currency.UNKNOWN);
	}

}
