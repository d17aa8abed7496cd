package io.cachekit.backend.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import io.cachekit.backend.file.EntryFile.CorruptEntryException;
import io.cachekit.backend.file.EntryFile.Entry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class EntryFileTests {

	private static final byte[] KEY = "user:42".getBytes(StandardCharsets.UTF_8);

	private static final byte[] VALUE = "payload".getBytes(StandardCharsets.UTF_8);

	@TempDir
	Path directory;

	@Test
	void writtenEntryReadsBackWithItsExpiryKeyAndValue() throws Exception {
		Path file = write(KEY, VALUE, 1234L);
		Entry entry = EntryFile.read(file, KEY, true);
		assertThat(entry).isNotNull();
		assertThat(entry.expiresAt()).isEqualTo(1234L);
		assertThat(entry.key()).isEqualTo(KEY);
		assertThat(entry.value()).isEqualTo(VALUE);
		assertThat(entry.size()).isEqualTo(Files.size(file))
			.isEqualTo(EntryFile.HEADER_SIZE + KEY.length + VALUE.length);
	}

	@Test
	void headerStartsWithMagicAndVersion() throws Exception {
		byte[] bytes = Files.readAllBytes(write(KEY, VALUE, 0));
		assertThat(new String(bytes, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("CKFE");
		assertThat(bytes[4]).isEqualTo((byte) 1);
	}

	@Test
	void readWithoutValueSkipsTheValue() throws Exception {
		Entry entry = EntryFile.read(write(KEY, VALUE, 0), null, false);
		assertThat(entry).isNotNull();
		assertThat(entry.value()).isNull();
		assertThat(entry.key()).isEqualTo(KEY);
	}

	@Test
	void missingFileIsNull() throws Exception {
		assertThat(EntryFile.read(this.directory.resolve("absent"), KEY, true)).isNull();
	}

	@Test
	void emptyKeyAndEmptyValueAreValid() throws Exception {
		Entry entry = EntryFile.read(write(new byte[0], new byte[0], 0), new byte[0], true);
		assertThat(entry).isNotNull();
		assertThat(entry.value()).isEmpty();
	}

	@Test
	void liveUntilTheExpiryMillisecond() {
		Entry entry = new Entry(1000, KEY, VALUE, 0);
		assertThat(entry.isLiveAt(999)).isTrue();
		assertThat(entry.isLiveAt(1000)).isFalse();
		assertThat(new Entry(0, KEY, VALUE, 0).isLiveAt(Long.MAX_VALUE)).isTrue();
	}

	@Test
	void truncatedFileIsCorrupt() throws Exception {
		Path file = write(KEY, VALUE, 0);
		truncate(file, Files.size(file) - 1);
		assertCorrupt(file, KEY, "do not match the file's size");
		truncate(file, 10);
		assertCorrupt(file, KEY, "shorter than the header");
	}

	@Test
	void trailingBytesAreCorrupt() throws Exception {
		Path file = write(KEY, VALUE, 0);
		Files.write(file, new byte[] { 1 }, StandardOpenOption.APPEND);
		assertCorrupt(file, KEY, "do not match the file's size");
	}

	@Test
	void foreignFileIsCorrupt() throws Exception {
		Path file = this.directory.resolve("foreign");
		Files.writeString(file, "#!/bin/sh\necho this is not a cache entry\n");
		assertCorrupt(file, KEY, "not a cachekit entry");
	}

	@Test
	void unknownVersionOrFlagsAreCorrupt() throws Exception {
		Path file = write(KEY, VALUE, 0);
		patch(file, 4, (byte) 2);
		assertCorrupt(file, KEY, "unknown format version 2");
		patch(file, 4, (byte) 1);
		patch(file, 5, (byte) 1);
		assertCorrupt(file, KEY, "flags 1");
	}

	@Test
	void anotherKeyIsCorruptForTheExpectedOne() throws Exception {
		Path file = write(KEY, VALUE, 0);
		assertCorrupt(file, "user:43".getBytes(StandardCharsets.UTF_8), "holds another key");
		assertCorrupt(file, "user:4".getBytes(StandardCharsets.UTF_8), "holds another key");
	}

	@Test
	void flippedValueByteFailsTheChecksum() throws Exception {
		Path file = write(KEY, VALUE, 0);
		long last = Files.size(file) - 1;
		patch(file, last, (byte) 'X');
		assertCorrupt(file, KEY, "checksum mismatch");
		assertThat(EntryFile.read(file, KEY, false)).as("without the value, the checksum is not checked").isNotNull();
	}

	@Test
	void changedExpiryFailsTheChecksum() throws Exception {
		Path file = write(KEY, VALUE, 1000);
		patch(file, 13, (byte) 0x7f);
		assertCorrupt(file, KEY, "checksum mismatch");
	}

	@Test
	void hugeLengthsInAHeaderAreRefusedWithoutAllocating() throws Exception {
		Path file = write(KEY, VALUE, 0);
		ByteBuffer huge = ByteBuffer.allocate(4).putInt(0, Integer.MAX_VALUE);
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
			channel.write(huge, 18);
		}
		assertCorrupt(file, KEY, "do not match the file's size");
	}

	private Path write(byte[] key, byte[] value, long expiresAt) throws IOException {
		Path file = Files.createTempFile(this.directory, "entry", ".entry");
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
			channel.write(EntryFile.encode(key, value, expiresAt));
		}
		return file;
	}

	private static void assertCorrupt(Path file, byte[] key, String reason) {
		assertThatExceptionOfType(CorruptEntryException.class).isThrownBy(() -> EntryFile.read(file, key, true))
			.withMessageContaining(reason);
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

}
