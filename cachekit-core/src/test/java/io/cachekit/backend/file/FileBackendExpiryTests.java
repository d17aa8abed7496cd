package io.cachekit.backend.file;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import io.cachekit.test.ManualTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Expiry of {@link FileBackend} entries, with time under the test's control: removed by
 * the read that finds them and by the sweep.
 */
class FileBackendExpiryTests {

	private final ManualTime clock = new ManualTime();

	@TempDir
	Path directory;

	private FileBackend backend;

	@BeforeEach
	void createBackend() {
		this.backend = FileBackend
			.create(FileBackendConfig.builder().directory(this.directory).clock(this.clock).build(), false);
	}

	@AfterEach
	void closeBackend() {
		this.backend.close();
	}

	@Test
	void entryIsLiveUntilItsTtlThenAMissWhoseFileTheReadRemoves() {
		this.backend.set("k", bytes("v"), Duration.ofSeconds(10));
		this.clock.advance(Duration.ofMillis(9_999));
		assertThat(this.backend.get("k")).isEqualTo(bytes("v"));
		this.clock.advance(Duration.ofMillis(1));
		assertThat(this.backend.get("k")).isNull();
		assertThat(this.backend.entryPath("k")).doesNotExist();
	}

	@Test
	void existsIsFalseForAnExpiredEntryAndRemovesIt() {
		this.backend.set("k", bytes("v"), Duration.ofSeconds(1));
		assertThat(this.backend.exists("k")).isTrue();
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(this.backend.exists("k")).isFalse();
		assertThat(this.backend.entryPath("k")).doesNotExist();
	}

	@Test
	void sweepRemovesExpiredEntriesNobodyReads() throws Exception {
		this.backend.set("short", bytes("v"), Duration.ofSeconds(5));
		this.backend.set("long", bytes("v"), Duration.ofMinutes(5));
		this.backend.set("forever", bytes("v"), null);
		this.clock.advance(Duration.ofSeconds(10));
		SweepResult result = this.backend.sweep();
		assertThat(result).isNotNull();
		assertThat(result.expired()).isEqualTo(1);
		assertThat(result.entries()).isEqualTo(2);
		assertThat(this.backend.entryPath("short")).doesNotExist();
		assertThat(this.backend.entryPath("long")).exists();
		assertThat(this.backend.entryPath("forever")).exists();
	}

	@Test
	void nullZeroAndNegativeTtlsNeverExpire() throws Exception {
		this.backend.set("null", bytes("v"), null);
		this.backend.set("zero", bytes("v"), Duration.ZERO);
		this.backend.set("negative", bytes("v"), Duration.ofSeconds(-1));
		this.clock.advance(Duration.ofDays(365 * 100));
		this.backend.sweep();
		assertThat(this.backend.get("null")).isEqualTo(bytes("v"));
		assertThat(this.backend.get("zero")).isEqualTo(bytes("v"));
		assertThat(this.backend.get("negative")).isEqualTo(bytes("v"));
	}

	@Test
	void subMillisecondTtlCountsAsOneMillisecondNotAsNoExpiry() {
		this.backend.set("k", bytes("v"), Duration.ofNanos(1));
		assertThat(this.backend.get("k")).isEqualTo(bytes("v"));
		this.clock.advance(Duration.ofMillis(1));
		assertThat(this.backend.get("k")).isNull();
	}

	@Test
	void hugeTtlDoesNotOverflowIntoThePast() {
		this.backend.set("k", bytes("v"), Duration.ofSeconds(Long.MAX_VALUE));
		this.clock.advance(Duration.ofDays(365 * 1000));
		assertThat(this.backend.get("k")).isEqualTo(bytes("v"));
	}

	@Test
	void ttlIsRoundedUpToWholeMilliseconds() {
		assertThat(FileBackend.expiresAt(null, 1000)).isZero();
		assertThat(FileBackend.expiresAt(Duration.ZERO, 1000)).isZero();
		assertThat(FileBackend.expiresAt(Duration.ofMillis(-1), 1000)).isZero();
		assertThat(FileBackend.expiresAt(Duration.ofMillis(250), 1000)).isEqualTo(1250);
		assertThat(FileBackend.expiresAt(Duration.ofNanos(250_000_001), 1000)).isEqualTo(1251);
		assertThat(FileBackend.expiresAt(Duration.ofDays(365L * 1_000_000_000), 1000)).isEqualTo(Long.MAX_VALUE);
	}

	@Test
	void deleteOfAnExpiredEntryReturnsFalseAndRemovesIt() {
		this.backend.set("k", bytes("v"), Duration.ofSeconds(1));
		this.clock.advance(Duration.ofSeconds(2));
		assertThat(this.backend.delete("k")).isFalse();
		assertThat(this.backend.entryPath("k")).doesNotExist();
	}

	@Test
	void addIfAbsentTakesTheKeyOfAnExpiredEntry() {
		this.backend.set("k", bytes("old"), Duration.ofSeconds(1));
		assertThat(this.backend.addIfAbsent("k", bytes("new"), null)).isFalse();
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(this.backend.addIfAbsent("k", bytes("new"), null)).isTrue();
		assertThat(this.backend.get("k")).isEqualTo(bytes("new"));
	}

	@Test
	void incrementKeepsTheCounterExpiryAndRestartsAnExpiredCounter() {
		assertThat(this.backend.increment("n", 1, 10, Duration.ofSeconds(10))).isEqualTo(10);
		this.clock.advance(Duration.ofSeconds(5));
		assertThat(this.backend.increment("n", 1, 10, Duration.ofHours(1))).isEqualTo(11);
		this.clock.advance(Duration.ofSeconds(5));
		assertThat(this.backend.get("n")).as("expired after the first TTL, not extended").isNull();
		assertThat(this.backend.increment("n", 1, 10, null)).isEqualTo(10);
		this.clock.advance(Duration.ofDays(1000));
		assertThat(this.backend.increment("n", 5, 10, null)).isEqualTo(15);
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
