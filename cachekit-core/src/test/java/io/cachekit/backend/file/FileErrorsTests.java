package io.cachekit.backend.file;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.ReadOnlyFileSystemException;

import io.cachekit.backend.BackendErrorType;
import io.cachekit.backend.BackendException;
import io.cachekit.backend.BackendOperation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Classification of file system failures. A full disk or a quota cannot be produced on
 * demand in a test, so the exceptions the JDK throws for them are built here.
 */
class FileErrorsTests {

	@AfterEach
	void clearInterrupt() {
		Thread.interrupted();
	}

	@Test
	void fullDiskAndQuotaArePermanent() {
		// Files.createFile, FileChannel.open and friends: a FileSystemException whose
		// reason is strerror(ENOSPC).
		assertThat(type(new FileSystemException("/cache/ab/x.tmp", null, "No space left on device")))
			.isEqualTo(BackendErrorType.PERMANENT);
		// FileChannel.write: a plain IOException with the same text.
		assertThat(type(new IOException("No space left on device"))).isEqualTo(BackendErrorType.PERMANENT);
		assertThat(type(new FileSystemException("/cache/ab/x.tmp", null, "Disk quota exceeded")))
			.isEqualTo(BackendErrorType.PERMANENT);
		assertThat(type(new IOException("File too large"))).isEqualTo(BackendErrorType.PERMANENT);
	}

	@Test
	void readOnlyAndForbiddenDirectoriesArePermanent() {
		assertThat(type(new AccessDeniedException("/cache/ab"))).isEqualTo(BackendErrorType.PERMANENT);
		assertThat(type(new FileSystemException("/cache/ab", null, "Read-only file system")))
			.isEqualTo(BackendErrorType.PERMANENT);
		assertThat(type(new ReadOnlyFileSystemException())).isEqualTo(BackendErrorType.PERMANENT);
		assertThat(type(new FileSystemException("/sys/cache", null, "Operation not permitted")))
			.isEqualTo(BackendErrorType.PERMANENT);
	}

	@Test
	void pathsThatAreNotDirectoriesArePermanent() {
		assertThat(type(new FileSystemException("/etc/hosts/cache/ab", null, "Not a directory")))
			.isEqualTo(BackendErrorType.PERMANENT);
		assertThat(type(new NotDirectoryException("/etc/hosts"))).isEqualTo(BackendErrorType.PERMANENT);
		assertThat(type(new FileLayout(Path.of("/proc/cache")).unusable(new NoSuchFileException("/proc/cache"))))
			.isEqualTo(BackendErrorType.PERMANENT);
	}

	@Test
	void fileSystemsWithoutAtomicRenameOrHardLinksArePermanent() {
		assertThat(type(new AtomicMoveNotSupportedException("a", "b", "cross-device")))
			.isEqualTo(BackendErrorType.PERMANENT);
		assertThat(type(new UnsupportedOperationException("links"))).isEqualTo(BackendErrorType.PERMANENT);
	}

	@Test
	void otherIoFailuresAreTransient() {
		assertThat(type(new IOException("Input/output error"))).isEqualTo(BackendErrorType.TRANSIENT);
		assertThat(type(new FileSystemException("/cache/ab/x", null, "Too many open files")))
			.isEqualTo(BackendErrorType.TRANSIENT);
		assertThat(type(new NoSuchFileException("/cache/ab/x.tmp"))).isEqualTo(BackendErrorType.TRANSIENT);
		assertThat(type(new UncheckedIOException(new IOException("Stale file handle"))))
			.isEqualTo(BackendErrorType.TRANSIENT);
	}

	@Test
	void aFileNameThatLooksLikeAReasonDoesNotMakeItPermanent() {
		assertThat(type(new NoSuchFileException("/cache/No space left on device")))
			.isEqualTo(BackendErrorType.TRANSIENT);
	}

	@Test
	void interruptionsAreTransientAndKeepTheInterruptFlag() {
		assertThat(type(new ClosedByInterruptException())).isEqualTo(BackendErrorType.TRANSIENT);
		BackendException ex = FileErrors.classify(BackendOperation.INCREMENT, "k",
				new InterruptedIOException("waiting"));
		assertThat(ex.getErrorType()).isEqualTo(BackendErrorType.TRANSIENT);
		assertThat(Thread.currentThread().isInterrupted()).isTrue();
	}

	@Test
	void lockHeldTooLongIsATimeout() {
		assertThat(type(new DirectoryLocks.LockTimeoutException(Path.of("/cache"), 5_000_000_000L)))
			.isEqualTo(BackendErrorType.TIMEOUT);
		assertThat(new DirectoryLocks.LockTimeoutException(Path.of("/cache"), 5_000_000_000L))
			.hasMessage("a lock of /cache/cachekit.lock was held by another thread or process for 5s");
	}

	@Test
	void anythingElseIsUnknown() {
		assertThat(type(new IllegalStateException("surprise"))).isEqualTo(BackendErrorType.UNKNOWN);
	}

	@Test
	void classifiedExceptionKeepsTheCauseOperationAndKey() {
		FileSystemException cause = new FileSystemException("/cache/ab/x.tmp", null, "No space left on device");
		BackendException ex = FileErrors.classify(BackendOperation.SET, "user:1", cause);
		assertThat(ex.getCause()).isSameAs(cause);
		assertThat(ex.getOperation()).isEqualTo(BackendOperation.SET);
		assertThat(ex.getKey()).isEqualTo("user:1");
		assertThat(ex).hasMessageContaining("SET")
			.hasMessageContaining("PERMANENT")
			.hasMessageContaining("user:1")
			.hasMessageContaining("No space left on device");
	}

	@Test
	void messagesGiveTheReasonAndTheFileWithoutExceptionNames() {
		assertThat(FileErrors.describe(new AccessDeniedException("/cache/ab/x.tmp")))
			.isEqualTo("Permission denied: /cache/ab/x.tmp");
		assertThat(FileErrors.describe(new NoSuchFileException("/cache/ab/x.entry", "/cache/ab/y.tmp", null)))
			.isEqualTo("No such file or directory: /cache/ab/x.entry -> /cache/ab/y.tmp");
		assertThat(FileErrors.describe(new FileSystemException("/cache", null, "Read-only file system")))
			.isEqualTo("Read-only file system: /cache");
		assertThat(FileErrors.describe(new ReadOnlyFileSystemException())).isEqualTo("Read-only file system");
		assertThat(FileErrors.describe(new IOException())).isEqualTo("failed with IOException");
	}

	@Test
	void refusedWritesAreToldFromOtherFailures() {
		assertThat(FileErrors.isNotWritable(new AccessDeniedException("/cache"))).isTrue();
		assertThat(FileErrors.isNotWritable(new FileSystemException("/cache", null, "Operation not permitted")))
			.isTrue();
		assertThat(FileErrors.isNotWritable(new FileSystemException("/cache", null, "Read-only file system"))).isTrue();
		assertThat(FileErrors.isNotWritable(new FileSystemException("/cache", null, "No space left on device")))
			.isFalse();
		assertThat(FileErrors.isNotWritable(new NoSuchFileException("/cache"))).isFalse();
	}

	@Test
	void backendExceptionPassesThroughUnchanged() {
		BackendException original = new BackendException(BackendErrorType.PERMANENT, BackendOperation.GET, "k", "no",
				null);
		assertThat(FileErrors.classify(BackendOperation.SET, "other", original)).isSameAs(original);
	}

	private static BackendErrorType type(Throwable failure) {
		return FileErrors.classify(BackendOperation.SET, "k", failure).getErrorType();
	}

}
