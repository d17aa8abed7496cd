package io.cachekit.backend.file;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import io.cachekit.backend.Durations;
import org.jspecify.annotations.Nullable;

/**
 * Locks shared by every thread and process that uses one cache directory: 256 key locks,
 * striped by the first byte of the key's hash, for the operations that read an entry and
 * then write or remove it; and one sweep lock, so that one process at a time sweeps.
 *
 * <p>
 * Each lock is one byte of {@code cachekit.lock} locked with
 * {@link FileChannel#tryLock(long, long, boolean)}, together with a {@link ReentrantLock}
 * for the threads of this JVM (file locks belong to the whole process). The operating
 * system drops a process's file locks when it dies, so a crash never leaves a lock
 * behind. {@code tryLock} is polled rather than {@code lock} called, because an interrupt
 * during a blocking {@code lock} closes the channel, and closing any channel to a file
 * releases every lock the process holds on it. For the same reason the backends of one
 * JVM on one directory share one instance and one channel, which is closed when the last
 * of them releases it.
 *
 * <p>
 * File locks are advisory and need a local file system; on NFS they depend on the
 * server's lock manager.
 */
final class DirectoryLocks {

	static final int STRIPES = 256;

	private static final long SWEEP_POSITION = STRIPES;

	private static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

	private static final Map<Path, DirectoryLocks> shared = new HashMap<>();

	private final Path key;

	private final FileLayout layout;

	private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];

	private final ReentrantLock sweep = new ReentrantLock();

	private @Nullable FileChannel channel;

	private int users;

	private DirectoryLocks(Path key, FileLayout layout) {
		this.key = key;
		this.layout = layout;
		for (int i = 0; i < STRIPES; i++) {
			this.stripes[i] = new ReentrantLock();
		}
	}

	/**
	 * Returns the locks of a directory, shared with every other user of it in this JVM.
	 * Each call must be matched by one {@link #release()}.
	 * @param layout the directory's layout
	 * @return the locks
	 */
	static DirectoryLocks acquire(FileLayout layout) {
		Path key = identity(layout.directory());
		synchronized (shared) {
			DirectoryLocks locks = shared.computeIfAbsent(key, (path) -> new DirectoryLocks(path, layout));
			locks.users++;
			return locks;
		}
	}

	/**
	 * Opens the lock file now, creating it when missing, which also shows whether the
	 * directory can be written.
	 * @throws IOException when it cannot be opened; a
	 * {@code FileLayout.UnusableDirectoryException} that says why when the directory
	 * cannot be used
	 */
	void open() throws IOException {
		channel();
	}

	/**
	 * Gives up one user's share; the last one closes the lock file.
	 */
	void release() {
		// Closed while no new instance for the directory can be made: closing a channel
		// would also release the locks a newer channel to the same file holds.
		synchronized (shared) {
			if (--this.users > 0) {
				return;
			}
			shared.remove(this.key);
			closeChannel();
		}
	}

	private synchronized void closeChannel() {
		FileChannel open = this.channel;
		this.channel = null;
		if (open != null) {
			try {
				open.close();
			}
			catch (IOException ex) {
				// Closing releases the locks either way.
			}
		}
	}

	/**
	 * Runs an action while holding the lock of the key whose hash is given, across
	 * threads and processes.
	 * @param <T> the result type
	 * @param hash the key's hash
	 * @param timeoutNanos how long to wait for the lock
	 * @param action what to do under the lock
	 * @return the action's result
	 * @throws LockTimeoutException when the lock was not obtained in time
	 * @throws InterruptedIOException when the thread was interrupted while waiting
	 * @throws IOException when the lock file cannot be used, or the action failed
	 */
	<T extends @Nullable Object> T withKeyLock(String hash, long timeoutNanos, IoAction<T> action) throws IOException {
		int stripe = Integer.parseInt(hash, 0, 2, 16);
		long deadline = System.nanoTime() + timeoutNanos;
		ReentrantLock local = this.stripes[stripe];
		try {
			if (!local.tryLock(timeoutNanos, TimeUnit.NANOSECONDS)) {
				throw new LockTimeoutException(this.layout.directory(), timeoutNanos);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new InterruptedIOException("interrupted while waiting for a key lock");
		}
		try {
			FileLock lock = lockByte(stripe, deadline, timeoutNanos);
			try {
				return action.run();
			}
			finally {
				lock.release();
			}
		}
		finally {
			local.unlock();
		}
	}

	/**
	 * Runs an action while holding the sweep lock, unless another thread or process holds
	 * it.
	 * @param <T> the result type
	 * @param action what to do under the lock
	 * @return the action's result, or {@code null} when the lock was taken
	 * @throws IOException when the lock file cannot be used, or the action failed
	 */
	<T> @Nullable T trySweepLock(IoAction<T> action) throws IOException {
		if (!this.sweep.tryLock()) {
			return null;
		}
		try {
			FileLock lock = tryLockByte(SWEEP_POSITION);
			if (lock == null) {
				return null;
			}
			try {
				return action.run();
			}
			finally {
				lock.release();
			}
		}
		finally {
			this.sweep.unlock();
		}
	}

	private FileLock lockByte(long position, long deadline, long timeoutNanos) throws IOException {
		long backoff = TimeUnit.MICROSECONDS.toNanos(50);
		while (true) {
			FileLock lock = tryLockByte(position);
			if (lock != null) {
				return lock;
			}
			if (System.nanoTime() - deadline > 0) {
				throw new LockTimeoutException(this.layout.directory(), timeoutNanos);
			}
			LockSupport.parkNanos(backoff);
			if (Thread.currentThread().isInterrupted()) {
				throw new InterruptedIOException("interrupted while waiting for a key lock");
			}
			backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
		}
	}

	private @Nullable FileLock tryLockByte(long position) throws IOException {
		try {
			return channel().tryLock(position, 1, false);
		}
		catch (OverlappingFileLockException ex) {
			// Held in this JVM through another path to the same directory (a symbolic
			// link); wait for it like for another process.
			return null;
		}
	}

	private synchronized FileChannel channel() throws IOException {
		FileChannel open = this.channel;
		if (open == null || !open.isOpen()) {
			open = openLockFile();
			this.channel = open;
		}
		return open;
	}

	private FileChannel openLockFile() throws IOException {
		Path file = this.layout.lockFile();
		try {
			try {
				return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
						StandardOpenOption.WRITE);
			}
			catch (NoSuchFileException ex) {
				this.layout.createDirectory();
				return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
						StandardOpenOption.WRITE);
			}
		}
		catch (FileSystemException ex) {
			// Not a directory, not writable, a read-only file system: say which.
			throw this.layout.unusable(ex);
		}
	}

	private static Path identity(Path directory) {
		try {
			return directory.toRealPath();
		}
		catch (IOException | RuntimeException ex) {
			return directory.toAbsolutePath().normalize();
		}
	}

	/**
	 * Work done under a lock.
	 *
	 * @param <T> the result type
	 */
	@FunctionalInterface
	interface IoAction<T extends @Nullable Object> {

		T run() throws IOException;

	}

	/**
	 * A lock was not obtained within its timeout: another thread or process held it.
	 */
	static final class LockTimeoutException extends IOException {

		private static final long serialVersionUID = 1L;

		LockTimeoutException(Path directory, long timeoutNanos) {
			super("a lock of " + directory.resolve(FileLayout.LOCK_FILE) + " was held by another thread or process for "
					+ Durations.format(Duration.ofNanos(timeoutNanos)));
		}

	}

}
