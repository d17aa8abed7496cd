package io.cachekit.backend.file;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import ch.qos.logback.classic.Level;
import io.cachekit.backend.BackendErrorType;
import io.cachekit.backend.BackendException;
import io.cachekit.backend.BackendHealth;
import io.cachekit.backend.CapturedLogs;
import io.cachekit.test.ManualTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What {@link FileBackend} says and logs when its directory cannot be used.
 */
class FileBackendDirectoryTests {

	/**
	 * An existing directory that cannot be written, also by root: sysfs lets nobody
	 * create files in it (permission denied, operation not permitted, or a read-only
	 * mount).
	 */
	private static final Path UNWRITABLE = Path.of("/sys/kernel");

	@TempDir
	Path temp;

	private final ManualTime time = new ManualTime();

	@Test
	void existingDirectoryThatCannotBeWrittenIsReportedAsNotWritableNotAsUncreatable() {
		try (FileBackend backend = create(UNWRITABLE)) {
			assertThatExceptionOfType(BackendException.class).isThrownBy(() -> backend.set("k", new byte[1], null))
				.satisfies((ex) -> assertThat(ex.getErrorType()).isEqualTo(BackendErrorType.PERMANENT))
				.withMessageContaining("the cache directory " + UNWRITABLE + " exists but is not writable (");
			String error = String.valueOf(backend.health().detail("error"));
			assertThat(error)
				.startsWith("health check failed (PERMANENT): the cache directory " + UNWRITABLE
						+ " exists but is not writable (")
				.containsAnyOf("Permission denied", "Operation not permitted", "Read-only file system")
				.doesNotContain("cannot create");
			assertReadable(error);
		}
	}

	@Test
	void directoryThroughARegularFileNamesTheFile() throws IOException {
		Path file = Files.writeString(this.temp.resolve("plain"), "not a directory");
		try (FileBackend backend = create(file.resolve("cache"))) {
			BackendHealth health = backend.health();
			assertThat(health.healthy()).isFalse();
			String error = String.valueOf(health.detail("error"));
			assertThat(error).isEqualTo(
					"health check failed (PERMANENT): cannot create the cache directory " + file.resolve("cache") + ": "
							+ file + " is a file, not a directory; choose a writable " + "directory on a local disk");
			assertReadable(error);
		}
	}

	@Test
	void aFileWhereTheDirectoryShouldBeIsReportedAsSuch() throws IOException {
		Path file = Files.writeString(this.temp.resolve("cache"), "not a directory");
		try (FileBackend backend = create(file)) {
			assertThat(String.valueOf(backend.health().detail("error")))
				.contains("the cache directory " + file + " is a file, not a directory");
		}
	}

	@Test
	void refusedWritesInAnExistingDirectorySayItIsNotWritable() throws IOException {
		FileLayout layout = new FileLayout(Files.createDirectories(this.temp.resolve("cache")));
		assertThat(layout.unusable(new AccessDeniedException(this.temp + "/cache/ab")))
			.hasMessage("the cache directory " + this.temp.resolve("cache")
					+ " exists but is not writable (Permission denied); choose a writable directory on a local disk");
		assertThat(layout.unusable(new FileSystemException(this.temp + "/cache/ab", null, "Read-only file system")))
			.hasMessageContaining("exists but is not writable (Read-only file system)");
		assertThat(layout.unusable(new FileSystemException(this.temp + "/cache/ab", null, "No space left on device")))
			.hasMessageContaining("cannot be written (No space left on device)");
	}

	@Test
	void anUnusableDirectoryIsLoggedOnceUntilItWorksAgainThenOnceMore() throws IOException {
		Path directory = Files.writeString(this.temp.resolve("cache"), "not a directory");
		try (CapturedLogs logs = CapturedLogs.of(FileBackend.class.getName());
				FileBackend backend = create(directory)) {
			for (int i = 0; i < 3; i++) {
				this.time.advance(Duration.ofMinutes(1));
				backend.sweepQuietly();
			}
			assertThat(logs.messages(Level.WARN)).singleElement()
				.asString()
				.contains("the cache directory " + directory + " is a file, not a directory");
			assertThat(logs.messages(Level.INFO)).isEmpty();
			Files.delete(directory);
			Files.createDirectory(directory);
			for (int i = 0; i < 3; i++) {
				this.time.advance(Duration.ofMinutes(1));
				backend.sweepQuietly();
			}
			assertThat(logs.messages(Level.WARN)).hasSize(1);
			assertThat(logs.messages(Level.INFO)).containsExactly("the cache directory " + directory + " works again");
			assertThat(logs.stackTracesAboveDebug()).isEmpty();
		}
	}

	private FileBackend create(Path directory) {
		return FileBackend.create(FileBackendConfig.builder().directory(directory).clock(this.time).build(), false);
	}

	private static void assertReadable(String error) {
		assertThat(error).doesNotContain("$").doesNotContainPattern("[A-Za-z]+(Exception|Error)\\b");
	}

}
