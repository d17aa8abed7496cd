package io.cachekit.backend.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;

import org.jspecify.annotations.Nullable;

/**
 * The content of one entry file, format version 1. All numbers are big-endian.
 *
 * <pre>
 * offset  size  field
 *      0     4  magic "CKFE"
 *      4     1  format version: 1
 *      5     1  flags: 0 (anything else is a format this version does not know)
 *      6     8  expiry as epoch milliseconds, 0 = never
 *     14     4  key length k, in bytes
 *     18     4  value length v, in bytes
 *     22     4  CRC32C of bytes 0 to 21, the key and the value
 *     26     k  the key ({@link FileLayout#keyBytes(String)})
 *   26+k     v  the value
 * </pre>
 *
 * <p>
 * The key is stored so that a file that does not belong to its name (a foreign file, a
 * file copied under another name, a hash collision) is detected. A file whose size is not
 * exactly {@code 26 + k + v} is truncated or has trailing bytes. Entry files are written
 * once and never changed (only their modification time is), so a reader never meets a
 * half-written one unless the disk or another program damaged it.
 */
final class EntryFile {

	static final int HEADER_SIZE = 26;

	static final int MAGIC = ('C' << 24) | ('K' << 16) | ('F' << 8) | 'E';

	static final byte VERSION = 1;

	private static final int CHECKED_HEADER_SIZE = 22;

	private EntryFile() {
	}

	/**
	 * Returns the buffers that make up an entry file, ready for a gathering write.
	 * @param key the key's bytes
	 * @param value the value
	 * @param expiresAt the expiry in epoch milliseconds, 0 for none
	 * @return the header, the key and the value
	 */
	static ByteBuffer[] encode(byte[] key, byte[] value, long expiresAt) {
		ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE);
		header.putInt(MAGIC).put(VERSION).put((byte) 0).putLong(expiresAt).putInt(key.length).putInt(value.length);
		CRC32C crc = new CRC32C();
		crc.update(header.array(), 0, CHECKED_HEADER_SIZE);
		crc.update(key);
		crc.update(value);
		header.putInt((int) crc.getValue()).flip();
		return new ByteBuffer[] { header, ByteBuffer.wrap(key), ByteBuffer.wrap(value) };
	}

	/**
	 * Returns the size of the file {@link #encode} describes.
	 * @param key the key's bytes
	 * @param value the value
	 * @return the size in bytes
	 */
	static long size(byte[] key, byte[] value) {
		return (long) HEADER_SIZE + key.length + value.length;
	}

	/**
	 * Reads an entry file.
	 * @param path the file
	 * @param expectedKey the key the file must hold, or {@code null} to accept any key
	 * (the caller then checks it)
	 * @param withValue whether to read the value and check the checksum; without it, only
	 * the header, the key and the file's size are checked
	 * @return the entry, or {@code null} when there is no file
	 * @throws CorruptEntryException when the file is not a valid entry (for the expected
	 * key)
	 * @throws IOException when the file cannot be read
	 */
	static @Nullable Entry read(Path path, byte @Nullable [] expectedKey, boolean withValue)
			throws IOException, CorruptEntryException {
		FileChannel channel;
		try {
			channel = FileChannel.open(path, StandardOpenOption.READ);
		}
		catch (NoSuchFileException ex) {
			return null;
		}
		try (channel) {
			long size = channel.size();
			if (size < HEADER_SIZE) {
				throw new CorruptEntryException("truncated: " + size + " bytes, shorter than the header");
			}
			ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE);
			readFully(channel, header);
			header.flip();
			int magic = header.getInt();
			if (magic != MAGIC) {
				throw new CorruptEntryException("not a cachekit entry (magic " + Integer.toHexString(magic) + ")");
			}
			byte version = header.get();
			byte flags = header.get();
			if (version != VERSION || flags != 0) {
				throw new CorruptEntryException("unknown format version " + version + " with flags " + flags);
			}
			long expiresAt = header.getLong();
			int keyLength = header.getInt();
			int valueLength = header.getInt();
			int checksum = header.getInt();
			if (keyLength < 0 || valueLength < 0 || (long) HEADER_SIZE + keyLength + valueLength != size) {
				throw new CorruptEntryException("lengths (key " + keyLength + ", value " + valueLength
						+ ") do not match the file's size of " + size + " bytes: truncated or extended");
			}
			if (expectedKey != null && expectedKey.length != keyLength) {
				throw new CorruptEntryException("holds another key (" + keyLength + " bytes)");
			}
			byte[] key = new byte[keyLength];
			readFully(channel, ByteBuffer.wrap(key));
			if (expectedKey != null && !Arrays.equals(expectedKey, key)) {
				throw new CorruptEntryException("holds another key");
			}
			if (!withValue) {
				return new Entry(expiresAt, key, null, size);
			}
			byte[] value = new byte[valueLength];
			readFully(channel, ByteBuffer.wrap(value));
			CRC32C crc = new CRC32C();
			crc.update(header.array(), 0, CHECKED_HEADER_SIZE);
			crc.update(key);
			crc.update(value);
			if ((int) crc.getValue() != checksum) {
				throw new CorruptEntryException("checksum mismatch");
			}
			return new Entry(expiresAt, key, value, size);
		}
	}

	private static void readFully(FileChannel channel, ByteBuffer buffer) throws IOException, CorruptEntryException {
		while (buffer.hasRemaining()) {
			if (channel.read(buffer) < 0) {
				throw new CorruptEntryException("short read: the file ended early");
			}
		}
	}

	/**
	 * A valid entry file's content.
	 *
	 * @param expiresAt the expiry in epoch milliseconds, 0 for none
	 * @param key the key's bytes
	 * @param value the value, or {@code null} when it was not read
	 * @param size the file's size in bytes
	 */
	@SuppressWarnings("ArrayRecordComponent") // carries bytes, never compared
	record Entry(long expiresAt, byte[] key, byte @Nullable [] value, long size) {

		boolean isLiveAt(long nowMillis) {
			return this.expiresAt == 0 || nowMillis < this.expiresAt;
		}

	}

	/**
	 * A file is not a valid entry: truncated, damaged, foreign, or of an unknown format.
	 */
	static final class CorruptEntryException extends Exception {

		private static final long serialVersionUID = 1L;

		CorruptEntryException(String message) {
			super(message, null, false, false);
		}

	}

}
