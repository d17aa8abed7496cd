package io.cachekit.backend.file;

import java.io.IOError;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

import io.cachekit.backend.Checks;
import io.cachekit.backend.Durations;
import org.jspecify.annotations.Nullable;

/**
 * Immutable settings of a {@link FileBackend}.
 *
 * <p>
 * Built with {@link #builder()}. Every setter checks its value at once and throws
 * {@link IllegalArgumentException} with a message that names the setting and says what is
 * allowed; {@link Builder#build()} fails the same way when no directory was given or the
 * settings contradict each other.
 *
 * <pre>{@code
 * FileBackendConfig config = FileBackendConfig.builder()
 *     .directory(FileBackendConfig.defaultDirectory())
 *     .maxTotalBytes(512L * 1024 * 1024)
 *     .build();
 * }</pre>
 */
public final class FileBackendConfig {

	/** The default cap on the size of all entry files together: 256 MiB. */
	public static final long DEFAULT_MAX_TOTAL_BYTES = 256L * 1024 * 1024;

	/** The default cap on the number of entries. */
	public static final int DEFAULT_MAX_ENTRIES = 100_000;

	/** The default largest value that is stored: 16 MiB. */
	public static final int DEFAULT_MAX_VALUE_SIZE = 16 * 1024 * 1024;

	/** The largest {@code maxValueSize} that can be set: 1 GiB. */
	public static final int MAX_VALUE_SIZE_LIMIT = 1 << 30;

	/** The default time between two sweeps. */
	public static final Duration DEFAULT_SWEEP_INTERVAL = Duration.ofMinutes(1);

	private final Path directory;

	private final long maxTotalBytes;

	private final int maxEntries;

	private final int maxValueSize;

	private final Duration sweepInterval;

	private final boolean fsync;

	private final Clock clock;

	private FileBackendConfig(Builder builder, Path directory) {
		this.directory = directory;
		this.maxTotalBytes = builder.maxTotalBytes;
		this.maxEntries = builder.maxEntries;
		this.maxValueSize = builder.maxValueSize;
		this.sweepInterval = builder.sweepInterval;
		this.fsync = builder.fsync;
		this.clock = builder.clock;
	}

	/**
	 * Returns the directory a store uses when the application names none:
	 * {@code cachekit} under the JVM's temporary directory ({@code java.io.tmpdir}). It
	 * is shared by every process of the machine that uses the default, and many systems
	 * empty the temporary directory at boot, which a cache survives.
	 * @return the default directory, absolute
	 */
	public static Path defaultDirectory() {
		return Path.of(System.getProperty("java.io.tmpdir"), "cachekit").toAbsolutePath().normalize();
	}

	/**
	 * Starts a configuration with every default and no directory.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Starts a builder that holds this configuration's values.
	 * @return a new builder
	 */
	public Builder toBuilder() {
		Builder builder = new Builder();
		builder.directory = this.directory;
		builder.maxTotalBytes = this.maxTotalBytes;
		builder.maxEntries = this.maxEntries;
		builder.maxValueSize = this.maxValueSize;
		builder.sweepInterval = this.sweepInterval;
		builder.fsync = this.fsync;
		builder.clock = this.clock;
		return builder;
	}

	/**
	 * Returns the directory that holds the entries; created when missing.
	 * @return the directory, absolute and normalized
	 */
	public Path directory() {
		return this.directory;
	}

	/**
	 * Returns the cap on the size of all entry files together (headers, keys and values,
	 * not disk blocks), enforced by the sweep.
	 * @return the cap in bytes
	 */
	public long maxTotalBytes() {
		return this.maxTotalBytes;
	}

	/**
	 * Returns the cap on the number of entries, enforced by the sweep.
	 * @return the cap
	 */
	public int maxEntries() {
		return this.maxEntries;
	}

	/**
	 * Returns the largest value that is stored; a larger one fails as {@code PERMANENT}
	 * before anything is written.
	 * @return the limit in bytes
	 */
	public int maxValueSize() {
		return this.maxValueSize;
	}

	/**
	 * Returns the time between two sweeps of the directory.
	 * @return the sweep interval
	 */
	public Duration sweepInterval() {
		return this.sweepInterval;
	}

	/**
	 * Returns whether every write is forced to the disk before it becomes visible.
	 * @return {@code true} when writes are synced
	 */
	public boolean fsync() {
		return this.fsync;
	}

	/**
	 * Returns the clock that expiry and recency are measured with.
	 * @return the clock
	 */
	public Clock clock() {
		return this.clock;
	}

	@Override
	public String toString() {
		return "FileBackendConfig[directory=" + this.directory + ", maxTotalBytes=" + this.maxTotalBytes
				+ ", maxEntries=" + this.maxEntries + ", maxValueSize=" + this.maxValueSize + ", sweepInterval="
				+ Durations.format(this.sweepInterval) + ", fsync=" + this.fsync + "]";
	}

	/**
	 * Builds a {@link FileBackendConfig}. Not thread-safe.
	 */
	public static final class Builder {

		private @Nullable Path directory;

		private long maxTotalBytes = DEFAULT_MAX_TOTAL_BYTES;

		private int maxEntries = DEFAULT_MAX_ENTRIES;

		private int maxValueSize = DEFAULT_MAX_VALUE_SIZE;

		private Duration sweepInterval = DEFAULT_SWEEP_INTERVAL;

		private boolean fsync;

		private Clock clock = Clock.systemUTC();

		private Builder() {
		}

		/**
		 * Sets the directory that holds the entries. It is created when missing. Every
		 * process that uses the same directory shares the same entries; it should be on a
		 * local disk (file locks and atomic renames are unreliable on network file
		 * systems). Files in it that cachekit did not write are left alone.
		 * {@link FileBackendConfig#defaultDirectory()} is the usual choice.
		 * @param directory a path; a relative one is resolved against the working
		 * directory now
		 * @return this builder
		 * @throws IllegalArgumentException when empty or not a valid path
		 */
		public Builder directory(Path directory) {
			Objects.requireNonNull(directory, "directory must not be null");
			if (directory.toString().isEmpty()) {
				throw new IllegalArgumentException("directory must not be empty; for example use "
						+ "FileBackendConfig.defaultDirectory() (" + defaultDirectory() + ")");
			}
			try {
				this.directory = directory.toAbsolutePath().normalize();
			}
			catch (InvalidPathException | IOError ex) {
				throw new IllegalArgumentException(
						"directory '" + directory + "' is not a valid path: " + ex.getMessage(), ex);
			}
			return this;
		}

		/**
		 * Sets the cap on the size of all entry files together. When a sweep finds the
		 * store over it, the least recently used entries are removed until the store is
		 * at nine tenths of it.
		 * @param maxTotalBytes bytes, at least 1
		 * @return this builder
		 * @throws IllegalArgumentException when less than 1
		 */
		public Builder maxTotalBytes(long maxTotalBytes) {
			this.maxTotalBytes = Checks.bytesBetween("max total size", maxTotalBytes, 1, Long.MAX_VALUE);
			return this;
		}

		/**
		 * Sets the cap on the number of entries. When a sweep finds the store over it,
		 * the least recently used entries are removed until the store is at nine tenths
		 * of it.
		 * @param maxEntries at least 1
		 * @return this builder
		 * @throws IllegalArgumentException when less than 1
		 */
		public Builder maxEntries(int maxEntries) {
			this.maxEntries = Checks.between("max entries", maxEntries, 1, Integer.MAX_VALUE);
			return this;
		}

		/**
		 * Sets the largest value that is stored. A larger value fails with
		 * {@code PERMANENT} before anything is written. Must not be over
		 * {@link #maxTotalBytes(long)}.
		 * @param maxValueSize bytes, from 1 to
		 * {@value FileBackendConfig#MAX_VALUE_SIZE_LIMIT}
		 * @return this builder
		 * @throws IllegalArgumentException when out of range
		 */
		public Builder maxValueSize(int maxValueSize) {
			Checks.bytesBetween("max value size", maxValueSize, 1, MAX_VALUE_SIZE_LIMIT);
			this.maxValueSize = maxValueSize;
			return this;
		}

		/**
		 * Sets the time between two sweeps. A sweep removes expired, damaged and
		 * abandoned files and enforces the caps; one process at a time sweeps a
		 * directory. A sweep also starts early when this backend's writes take the store
		 * over a cap.
		 * @param sweepInterval a positive duration of at least one millisecond
		 * @return this builder
		 * @throws IllegalArgumentException when not positive
		 */
		public Builder sweepInterval(Duration sweepInterval) {
			this.sweepInterval = Checks.positive("sweep interval", sweepInterval);
			return this;
		}

		/**
		 * Sets whether every write is forced to the disk ({@code fdatasync}) before it is
		 * renamed into place, and the rename after. Off by default: without it, an entry
		 * written just before a power loss or kernel crash may be lost or come back
		 * damaged, which the backend detects (checksum, lengths) and treats as a miss. A
		 * process crash loses nothing either way. Turn it on only when a lost entry is
		 * expensive; it makes writes much slower.
		 * @param fsync whether to sync writes
		 * @return this builder
		 */
		public Builder fsync(boolean fsync) {
			this.fsync = fsync;
			return this;
		}

		/**
		 * Sets the clock that expiry and recency are measured with. Processes that share
		 * a directory must use the same time (the default is the system clock in UTC).
		 * @param clock the clock
		 * @return this builder
		 */
		public Builder clock(Clock clock) {
			this.clock = Objects.requireNonNull(clock, "clock must not be null");
			return this;
		}

		/**
		 * Creates the configuration.
		 * @return the configuration
		 * @throws IllegalArgumentException when no directory was set, or
		 * {@code maxValueSize} is over {@code maxTotalBytes}
		 */
		public FileBackendConfig build() {
			Path directory = this.directory;
			if (directory == null) {
				throw new IllegalArgumentException("directory must be set; for example use "
						+ "FileBackendConfig.defaultDirectory() (" + defaultDirectory() + ")");
			}
			if (this.maxValueSize > this.maxTotalBytes) {
				throw new IllegalArgumentException("max value size (" + this.maxValueSize
						+ " bytes) must not be over the max total size (" + this.maxTotalBytes + " bytes)");
			}
			return new FileBackendConfig(this, directory);
		}

	}

}
