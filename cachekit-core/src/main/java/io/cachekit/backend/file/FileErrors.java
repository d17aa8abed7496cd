package io.cachekit.backend.file;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileLockInterruptionException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.ReadOnlyFileSystemException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Map;

import io.cachekit.backend.BackendErrorType;
import io.cachekit.backend.BackendException;
import io.cachekit.backend.BackendOperation;
import org.jspecify.annotations.Nullable;

/**
 * The one place where file system failures become {@link BackendException}s.
 *
 * <p>
 * {@code PERMANENT}: what stays broken until someone acts — a full disk or quota, a
 * read-only file system, a directory the process may not write to, a path that is not a
 * directory, a cache directory that cannot be created, a file system without atomic
 * renames or hard links. {@code TIMEOUT}: a key lock held by another process for too
 * long. {@code TRANSIENT}: every other I/O failure (interrupted I/O, too many open files,
 * a file removed by another process mid-operation, I/O errors), since the next call may
 * well succeed. Anything that is not an I/O failure is {@code UNKNOWN}.
 *
 * <p>
 * The JDK reports most of these as a plain {@link FileSystemException} or
 * {@link IOException} with the operating system's message, so the message is matched too.
 */
final class FileErrors {

	private static final List<String> PERMANENT_REASONS = List.of("no space left on device", "disk quota exceeded",
			"read-only file system", "permission denied", "operation not permitted", "not a directory",
			"is a directory", "file too large", "operation not supported");

	/** The operating system's words for failures the JDK reports without a reason. */
	private static final Map<Class<? extends Throwable>, String> REASONS = reasons();

	private static final List<String> NOT_WRITABLE_REASONS = List.of("permission denied", "operation not permitted",
			"read-only file system");

	private FileErrors() {
	}

	private static Map<Class<? extends Throwable>, String> reasons() {
		Map<Class<? extends Throwable>, String> reasons = new LinkedHashMap<>();
		reasons.put(AccessDeniedException.class, "Permission denied");
		reasons.put(ReadOnlyFileSystemException.class, "Read-only file system");
		reasons.put(NoSuchFileException.class, "No such file or directory");
		reasons.put(NotDirectoryException.class, "Not a directory");
		reasons.put(FileAlreadyExistsException.class, "File exists");
		reasons.put(FileSystemException.class, "file system error");
		return Collections.unmodifiableMap(reasons);
	}

	/**
	 * Classifies a failure of a file operation.
	 * @param operation the operation that failed
	 * @param key the caller's key, or {@code null}
	 * @param failure what was thrown
	 * @return the classified exception; {@code failure} itself when it already is one
	 */
	static BackendException classify(BackendOperation operation, @Nullable String key, Throwable failure) {
		Throwable cause = (failure instanceof UncheckedIOException unchecked)
				? Objects.requireNonNullElse(unchecked.getCause(), failure) : failure;
		if (cause instanceof BackendException backendException) {
			return backendException;
		}
		if (isInterruption(cause)) {
			Thread.currentThread().interrupt();
		}
		return new BackendException(typeOf(cause), operation, key, describe(cause), cause);
	}

	static BackendErrorType typeOf(Throwable cause) {
		if (cause instanceof DirectoryLocks.LockTimeoutException) {
			return BackendErrorType.TIMEOUT;
		}
		if (isInterruption(cause)) {
			return BackendErrorType.TRANSIENT;
		}
		if (cause instanceof FileLayout.UnusableDirectoryException || cause instanceof AccessDeniedException
				|| cause instanceof ReadOnlyFileSystemException || cause instanceof NotDirectoryException
				|| cause instanceof AtomicMoveNotSupportedException || cause instanceof UnsupportedOperationException
				|| cause instanceof SecurityException) {
			return BackendErrorType.PERMANENT;
		}
		if (cause instanceof IOException) {
			return mentionsPermanentReason(cause) ? BackendErrorType.PERMANENT : BackendErrorType.TRANSIENT;
		}
		return BackendErrorType.UNKNOWN;
	}

	private static boolean isInterruption(Throwable cause) {
		return cause instanceof InterruptedIOException || cause instanceof ClosedByInterruptException
				|| cause instanceof FileLockInterruptionException || cause instanceof InterruptedException;
	}

	private static boolean mentionsPermanentReason(Throwable cause) {
		// A FileSystemException's message also holds the file's name: only its reason
		// counts.
		String text = (cause instanceof FileSystemException fileSystem) ? fileSystem.getReason() : cause.getMessage();
		if (text == null) {
			return false;
		}
		String lower = text.toLowerCase(Locale.ROOT);
		return PERMANENT_REASONS.stream().anyMatch(lower::contains);
	}

	/**
	 * Tells whether a failure means the file system refuses writes: permission denied,
	 * operation not permitted, or a read-only file system.
	 * @param cause the failure
	 * @return {@code true} when writing was refused
	 */
	static boolean isNotWritable(Throwable cause) {
		if (cause instanceof AccessDeniedException || cause instanceof ReadOnlyFileSystemException) {
			return true;
		}
		String reason = reasonOf(cause).toLowerCase(Locale.ROOT);
		return NOT_WRITABLE_REASONS.stream().anyMatch(reason::contains);
	}

	/**
	 * Returns the operating system's reason for a failure, without the file's name, as
	 * words: {@code Permission denied}, {@code Read-only file system},
	 * {@code No space left on device}.
	 * @param cause the failure
	 * @return the reason
	 */
	static String reasonOf(Throwable cause) {
		String reason = (cause instanceof FileSystemException fileSystem) ? fileSystem.getReason() : null;
		if (reason != null) {
			return reason;
		}
		for (Map.Entry<Class<? extends Throwable>, String> known : REASONS.entrySet()) {
			if (known.getKey().isInstance(cause)) {
				return known.getValue();
			}
		}
		String message = cause.getMessage();
		return (message != null && !message.isBlank()) ? message : "failed with " + cause.getClass().getSimpleName();
	}

	/**
	 * Describes a failure for a message, without exception class names: the reason, then
	 * the file it concerns.
	 * @param cause the failure
	 * @return the description
	 */
	static String describe(Throwable cause) {
		String file = (cause instanceof FileSystemException fileSystem) ? fileSystem.getFile() : null;
		if (file != null) {
			String other = ((FileSystemException) cause).getOtherFile();
			return reasonOf(cause) + ": " + file + ((other != null) ? " -> " + other : "");
		}
		return reasonOf(cause);
	}

}
