package io.cachekit.backend.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

import org.jspecify.annotations.Nullable;

/**
 * Where things live in a cache directory.
 *
 * <pre>
 * &lt;directory&gt;/cachekit.lock                       file locks (see {@link DirectoryLocks})
 * &lt;directory&gt;/&lt;hh&gt;/&lt;64 hex digits&gt;.entry           one entry
 * &lt;directory&gt;/&lt;hh&gt;/&lt;64 hex&gt;.&lt;16 hex&gt;.tmp          a file being written, or being removed
 * </pre>
 *
 * <p>
 * The 64 hex digits are the SHA-256 of the key's bytes, {@code hh} their first two (256
 * subdirectories). Names are fixed-length hex, so no key can reach outside the directory
 * or make a name too long. A key's bytes are its UTF-8 encoding, except that an unpaired
 * surrogate is encoded like any other code point (generalized UTF-8, as WTF-8 does)
 * instead of becoming {@code '?'}: distinct strings always give distinct bytes.
 *
 * <p>
 * Files in the directory whose names do not follow this layout are never touched.
 */
final class FileLayout {

	static final String LOCK_FILE = "cachekit.lock";

	static final String ENTRY_SUFFIX = ".entry";

	static final String TEMP_SUFFIX = ".tmp";

	static final int HASH_LENGTH = 64;

	private static final HexFormat HEX = HexFormat.of();

	private final Path directory;

	FileLayout(Path directory) {
		this.directory = directory;
	}

	Path directory() {
		return this.directory;
	}

	Path lockFile() {
		return this.directory.resolve(LOCK_FILE);
	}

	Path shard(String hash) {
		return this.directory.resolve(hash.substring(0, 2));
	}

	Path entry(String hash) {
		return shard(hash).resolve(hash + ENTRY_SUFFIX);
	}

	/**
	 * Returns a new, unique name for a temporary file next to the entry's file.
	 * @param hash the entry's hash
	 * @return the path; nothing is created
	 */
	Path newTemp(String hash) {
		return shard(hash).resolve(hash + '.' + HEX.toHexDigits(ThreadLocalRandom.current().nextLong()) + TEMP_SUFFIX);
	}

	/**
	 * Creates the directory and the entry's subdirectory when missing.
	 * @param hash the entry's hash
	 * @throws UnusableDirectoryException when they cannot be created
	 */
	void createShard(String hash) throws UnusableDirectoryException {
		createDirectories(shard(hash));
	}

	/**
	 * Creates the cache directory when missing.
	 * @throws UnusableDirectoryException when it cannot be created
	 */
	void createDirectory() throws UnusableDirectoryException {
		createDirectories(this.directory);
	}

	private void createDirectories(Path path) throws UnusableDirectoryException {
		try {
			Files.createDirectories(path);
		}
		catch (IOException | RuntimeException ex) {
			throw unusable(ex);
		}
	}

	/**
	 * Says what is wrong with the cache directory, given the failure to create or write
	 * something in it: it exists but may not be written (permissions, a read-only file
	 * system), it is a file, a file stands where a parent directory should be, or it
	 * cannot be created for the reason the operating system gave.
	 * @param cause the failure
	 * @return the exception to throw
	 */
	UnusableDirectoryException unusable(Throwable cause) {
		String reason = FileErrors.reasonOf(cause);
		String problem;
		if (Files.isDirectory(this.directory)) {
			problem = FileErrors.isNotWritable(cause)
					? "the cache directory " + this.directory + " exists but is not writable (" + reason + ")"
					: "the cache directory " + this.directory + " cannot be written (" + reason + ")";
		}
		else if (Files.exists(this.directory)) {
			problem = "the cache directory " + this.directory + " is a file, not a directory";
		}
		else {
			Path file = nearestExisting(this.directory.getParent());
			problem = (file != null && !Files.isDirectory(file))
					? "cannot create the cache directory " + this.directory + ": " + file
							+ " is a file, not a directory"
					: "cannot create the cache directory " + this.directory + " (" + reason + ")";
		}
		return new UnusableDirectoryException(problem + "; choose a writable directory on a local disk", cause);
	}

	private static @Nullable Path nearestExisting(@Nullable Path path) {
		Path current = path;
		while (current != null && !Files.exists(current)) {
			current = current.getParent();
		}
		return current;
	}

	/**
	 * Encodes a key as generalized UTF-8: UTF-8 for every well-formed string, and an
	 * unpaired surrogate as the three bytes of its code point.
	 * @param key the key
	 * @return its bytes
	 */
	static byte[] keyBytes(String key) {
		byte[] out = new byte[key.length() * 3];
		int n = 0;
		for (int i = 0; i < key.length();) {
			int cp = key.codePointAt(i);
			i += Character.charCount(cp);
			if (cp < 0x80) {
				out[n++] = (byte) cp;
			}
			else if (cp < 0x800) {
				out[n++] = (byte) (0xC0 | (cp >> 6));
				out[n++] = (byte) (0x80 | (cp & 0x3F));
			}
			else if (cp < 0x10000) {
				out[n++] = (byte) (0xE0 | (cp >> 12));
				out[n++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
				out[n++] = (byte) (0x80 | (cp & 0x3F));
			}
			else {
				out[n++] = (byte) (0xF0 | (cp >> 18));
				out[n++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
				out[n++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
				out[n++] = (byte) (0x80 | (cp & 0x3F));
			}
		}
		return Arrays.copyOf(out, n);
	}

	/**
	 * Returns the lower-case hex SHA-256 of a key's bytes.
	 * @param keyBytes the bytes from {@link #keyBytes(String)}
	 * @return 64 hex digits
	 */
	static String hash(byte[] keyBytes) {
		try {
			return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(keyBytes));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("every Java platform has SHA-256", ex);
		}
	}

	static boolean isShardName(String name) {
		return name.length() == 2 && isHex(name, 0, 2);
	}

	/**
	 * Returns the hash an entry file's name holds.
	 * @param shardName the name of the subdirectory the file is in
	 * @param fileName the file's name
	 * @return the hash, or {@code null} when the name is not an entry's name in that
	 * subdirectory
	 */
	static @Nullable String entryHash(String shardName, String fileName) {
		if (fileName.length() != HASH_LENGTH + ENTRY_SUFFIX.length() || !fileName.endsWith(ENTRY_SUFFIX)
				|| !fileName.startsWith(shardName) || !isHex(fileName, 0, HASH_LENGTH)) {
			return null;
		}
		return fileName.substring(0, HASH_LENGTH);
	}

	static boolean isTempName(String fileName) {
		return fileName.length() == HASH_LENGTH + 1 + 16 + TEMP_SUFFIX.length() && fileName.endsWith(TEMP_SUFFIX)
				&& fileName.charAt(HASH_LENGTH) == '.' && isHex(fileName, 0, HASH_LENGTH)
				&& isHex(fileName, HASH_LENGTH + 1, HASH_LENGTH + 17);
	}

	private static boolean isHex(String text, int from, int to) {
		for (int i = from; i < to; i++) {
			char c = text.charAt(i);
			if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
				return false;
			}
		}
		return true;
	}

	/**
	 * The cache directory cannot be used: it cannot be created or written; the message
	 * says why.
	 */
	static final class UnusableDirectoryException extends IOException {

		private static final long serialVersionUID = 1L;

		UnusableDirectoryException(String message, Throwable cause) {
			super(message, cause);
		}

	}

}
