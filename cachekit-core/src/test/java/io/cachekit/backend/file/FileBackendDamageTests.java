package io.cachekit.backend.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Damaged, truncated and foreign files planted under an entry's file name: each is a miss
 * and is removed, never an error or a wrong value.
 */
class FileBackendDamageTests {

	@TempDir
	Path directory;

	private FileBackend backend;

	@BeforeEach
	void createBackend() {
		this.backend = FileBackend.create(FileBackendConfig.builder().directory(this.directory).build(), false);
	}

	@AfterEach
	void closeBackend() {
		this.backend.close();
	}

	@Test
	void truncatedEntryIsAMissAndIsRemoved() throws IOException {
		Path file = stored("k", "a value long enough to cut");
		truncate(file, Files.size(file) - 5);
		assertMissAndRemoved("k", file);
	}

	@Test
	void entryCutInsideItsHeaderIsAMissAndIsRemoved() throws IOException {
		Path file = stored("k", "v");
		truncate(file, 7);
		assertMissAndRemoved("k", file);
	}

	@Test
	void emptyFileIsAMissAndIsRemoved() throws IOException {
		Path file = stored("k", "v");
		truncate(file, 0);
		assertMissAndRemoved("k", file);
	}

	@Test
	void randomBytesAreAMissAndAreRemoved() throws IOException {
		Path file = stored("k", "v");
		byte[] garbage = new byte[200];
		ThreadLocalRandom.current().nextBytes(garbage);
		Files.write(file, garbage);
		assertMissAndRemoved("k", file);
	}

	@Test
	void foreignFileIsAMissAndIsRemoved() throws IOException {
		Path file = stored("k", "v");
		Files.writeString(file, "{\"json\": \"from another program\"}");
		assertMissAndRemoved("k", file);
	}

	@Test
	void entryOfAFutureFormatVersionIsAMissAndIsRemoved() throws IOException {
		Path file = stored("k", "v");
		patch(file, 4, (byte) 9);
		assertMissAndRemoved("k", file);
	}

	@Test
	void entryHoldingAnotherKeyIsAMissAndIsRemoved() throws IOException {
		Path file = stored("k", "mine");
		Path other = stored("other", "not mine");
		Files.copy(other, file, StandardCopyOption.REPLACE_EXISTING);
		assertMissAndRemoved("k", file);
		assertThat(this.backend.get("other")).isEqualTo(bytes("not mine"));
	}

	@Test
	void valueWithAFlippedByteIsAMissAndIsRemoved() throws IOException {
		Path file = stored("k", "value");
		patch(file, Files.size(file) - 1, (byte) '!');
		assertThat(this.backend.get("k")).isNull();
		assertThat(file).doesNotExist();
	}

	@Test
	void existsIsFalseForADamagedEntryAndRemovesIt() throws IOException {
		Path file = stored("k", "v");
		Files.writeString(file, "garbage");
		assertThat(this.backend.exists("k")).isFalse();
		assertThat(file).doesNotExist();
	}

	@Test
	void sweepRemovesDamagedAndMisplacedEntries() throws Exception {
		Path truncated = stored("a", "value a");
		truncate(truncated, 20);
		Path foreign = stored("b", "value b");
		Files.writeString(foreign, "foreign");
		Path misplaced = stored("c", "value c");
		Files.copy(stored("d", "value d"), misplaced, StandardCopyOption.REPLACE_EXISTING);
		SweepResult result = this.backend.sweep();
		assertThat(result).isNotNull();
		assertThat(result.damaged()).isEqualTo(3);
		assertThat(truncated).doesNotExist();
		assertThat(foreign).doesNotExist();
		assertThat(misplaced).doesNotExist();
		assertThat(this.backend.get("d")).isEqualTo(bytes("value d"));
	}

	@Test
	void keyWorksAgainAfterItsDamagedEntryWasDropped() throws IOException {
		Path file = stored("k", "v");
		Files.writeString(file, "garbage");
		assertThat(this.backend.get("k")).isNull();
		this.backend.set("k", bytes("fresh"), null);
		assertThat(this.backend.get("k")).isEqualTo(bytes("fresh"));
	}

	@Test
	void damagedCounterIsCreatedAnew() throws IOException {
		this.backend.increment("n", 1, 5, null);
		Files.writeString(this.backend.entryPath("n"), "garbage");
		assertThat(this.backend.increment("n", 1, 5, null)).isEqualTo(5);
		assertThat(this.backend.increment("n", 1, 5, null)).isEqualTo(6);
	}

	@Test
	void damagedEntryDoesNotBlockAddIfAbsent() throws IOException {
		Path file = stored("k", "v");
		Files.writeString(file, "garbage");
		assertThat(this.backend.addIfAbsent("k", bytes("added"), null)).isTrue();
		assertThat(this.backend.get("k")).isEqualTo(bytes("added"));
	}

	private Path stored(String key, String value) {
		this.backend.set(key, bytes(value), null);
		Path file = this.backend.entryPath(key);
		assertThat(file).exists();
		return file;
	}

	private void assertMissAndRemoved(String key, Path file) {
		assertThat(this.backend.get(key)).isNull();
		assertThat(file).doesNotExist();
		assertThat(this.backend.get(key)).isNull();
	}

	private static void truncate(Path file, long size) throws IOException {
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
			channel.truncate(size);
		}
	}

	private static void patch(Path file, long position, byte value) throws IOException {
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
			channel.write(ByteBuffer.wrap(new byte[] { value }), position);
		}
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
