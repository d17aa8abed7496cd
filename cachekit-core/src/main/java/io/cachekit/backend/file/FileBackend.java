package io.cachekit.backend.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.cachekit.backend.AddIfAbsent;
import io.cachekit.backend.Backend;
import io.cachekit.backend.BackendErrorType;
import io.cachekit.backend.BackendException;
import io.cachekit.backend.BackendHealth;
import io.cachekit.backend.BackendOperation;
import io.cachekit.backend.Checks;
import io.cachekit.backend.Increment;
import io.cachekit.backend.file.EntryFile.CorruptEntryException;
import io.cachekit.backend.file.EntryFile.Entry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Backend} that keeps its entries as files in a local directory: they survive
 * restarts, and every process on the machine that uses the same directory shares them.
 *
 * <p>
 * <b>Files.</b> One file per entry, named after the SHA-256 of the key, so any key works
 * and none can reach outside the directory. The file holds a header (format version,
 * expiry, lengths, CRC32C checksum), the key and the value. A file that is truncated,
 * damaged, foreign, of an unknown format or holds another key is a miss and is removed.
 * Files in the directory that the backend did not write are left alone.
 *
 * <p>
 * <b>Writes</b> go to a temporary file next to the entry's file, which is then renamed
 * over it in one atomic step: a reader sees the old entry or the new one, never part of
 * one, in this process or any other. With {@link FileBackendConfig#fsync()} the data is
 * forced to the disk before the rename, and the directory after it.
 *
 * <p>
 * <b>Expiry.</b> A positive TTL counts in milliseconds (less than one counts as one);
 * {@code null}, zero or negative means no expiry. An expired entry is a miss; the read
 * that finds it removes it, and so does the sweep.
 *
 * <p>
 * <b>Caps and eviction.</b> A sweep runs every {@link FileBackendConfig#sweepInterval()
 * sweep interval} on a daemon thread, and early when this backend's writes take the store
 * over a cap. It removes expired and damaged entries and temporary files abandoned for
 * ten minutes, then, when the store holds more than {@link FileBackendConfig#maxEntries()
 * maxEntries} entries or {@link FileBackendConfig#maxTotalBytes() maxTotalBytes} bytes,
 * removes the least recently used entries until it is at nine tenths of both (so a full
 * store is not swept on every write). Recency is the file's modification time: a write
 * sets it, and so does every hit, both from the configured clock. Between sweeps the
 * store can exceed a cap by what was written since. One process at a time sweeps a
 * directory. A value over {@link FileBackendConfig#maxValueSize() maxValueSize} fails as
 * {@code PERMANENT} before anything is written.
 *
 * <p>
 * <b>Across processes.</b> Every process using the directory sees one store:
 * <ul>
 * <li>{@code set} is atomic; of concurrent writers of one key, the last rename wins.</li>
 * <li>{@code delete} moves the file away atomically: of concurrent deleters, only the one
 * that removed a live entry gets {@code true}.</li>
 * <li>{@link AddIfAbsent} publishes with a hard link, which fails when the name exists:
 * of concurrent adders in all processes exactly one wins, and an add never overwrites a
 * {@code set} that landed first.</li>
 * <li>{@link Increment} reads and writes the counter under a file lock on the key: no
 * increment of any process is lost.</li>
 * </ul>
 * Not atomic: a {@code set} of a counter's key that lands while an increment runs may be
 * overwritten by it; a write that lands in the instant an expired, damaged or evicted
 * entry is being removed may be removed with it (a later miss, never a wrong value). This
 * needs a local file system with atomic rename, hard links and advisory file locks (Linux
 * and macOS file systems; not NFS).
 *
 * <p>
 * <b>Errors.</b> A full disk, a read-only file system, a directory that cannot be created
 * or written, or a path that is not a directory fails as {@code PERMANENT}; other I/O
 * failures as {@code TRANSIENT}; a key lock held by another process for five seconds as
 * {@code TIMEOUT}. Operations are not retried. A directory that cannot be created or
 * written does not stop {@link #create(FileBackendConfig)}: what is wrong with it (not
 * writable, a file, a file in its path) is logged once, writes fail as {@code PERMANENT},
 * reads miss (or fail the same way when the path runs through a regular file) and
 * {@link #health()} is down, until it can be; a sweep that works again logs that once
 * too.
 *
 * <p>
 * Thread-safe. {@link #close()} stops the sweep thread; operations after it fail as
 * {@code PERMANENT}.
 */
public final class FileBackend implements Backend, AddIfAbsent, Increment, AutoCloseable {

	/** The {@link #backendType()} of this backend: {@value}. */
	public static final String BACKEND_TYPE = "file";

	/** Prefix of the key each backend's health check writes, reads and deletes. */
	static final String HEALTH_KEY_PREFIX = "cachekit:health:";

	/** How old an abandoned temporary file must be before the sweep removes it. */
	static final Duration STALE_TEMP_AGE = Duration.ofMinutes(10);

	private static final long LOCK_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);

	/**
	 * A read that finds a stale entry waits this long for its lock, else leaves it to the
	 * sweep.
	 */
	private static final long REMOVAL_LOCK_TIMEOUT_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

	private static final long MIN_SWEEP_SPACING_NANOS = TimeUnit.SECONDS.toNanos(1);

	private static final Duration HEALTH_PROBE_TTL = Duration.ofMinutes(1);

	private static final Logger logger = LoggerFactory.getLogger(FileBackend.class);

	private final FileBackendConfig config;

	private final FileLayout layout;

	private final Clock clock;

	private final DirectoryLocks locks;

	private final @Nullable ScheduledExecutorService sweeper;

	private final AtomicBoolean sweepRequested = new AtomicBoolean();

	private volatile long lastSweepNanos = System.nanoTime() - MIN_SWEEP_SPACING_NANOS;

	private volatile long sweptEntries;

	private volatile long sweptBytes;

	private final AtomicLong writtenEntries = new AtomicLong();

	private final AtomicLong writtenBytes = new AtomicLong();

	private final AtomicBoolean damageReported = new AtomicBoolean();

	private final DirectoryStatus status;

	private final String healthKey = HEALTH_KEY_PREFIX + UUID.randomUUID();

	private volatile boolean closed;

	private FileBackend(FileBackendConfig config, boolean sweepInBackground) {
		this.config = config;
		this.layout = new FileLayout(config.directory());
		this.clock = config.clock();
		this.locks = DirectoryLocks.acquire(this.layout);
		this.status = new DirectoryStatus(config.directory(), logger);
		try {
			this.layout.createDirectory();
			this.locks.open();
		}
		catch (IOException ex) {
			this.status.failed(describe(ex));
		}
		this.sweeper = sweepInBackground ? Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "cachekit-file-sweep");
			thread.setDaemon(true);
			return thread;
		}) : null;
	}

	/**
	 * Creates a backend on the configured directory, creating the directory when missing,
	 * and starts its sweep thread, whose first sweep runs at once.
	 * <p>
	 * A directory that cannot be created or written is logged, not thrown: writes then
	 * fail as {@code PERMANENT} and {@link #health()} reports it, until it can be.
	 * @param config the configuration
	 * @return the backend; close it when done
	 */
	public static FileBackend create(FileBackendConfig config) {
		return create(config, true);
	}

	/**
	 * Creates a backend, optionally without the sweep thread, for tests that call
	 * {@link #sweep()} themselves.
	 * @param config the configuration
	 * @param sweepInBackground whether to start the sweep thread
	 * @return the backend
	 */
	@SuppressWarnings("FutureReturnValueIgnored") // sweepQuietly() logs its own failures
	static FileBackend create(FileBackendConfig config, boolean sweepInBackground) {
		Objects.requireNonNull(config, "config must not be null");
		FileBackend backend = new FileBackend(config, sweepInBackground);
		if (backend.sweeper != null) {
			long interval = config.sweepInterval().toMillis();
			backend.sweeper.scheduleWithFixedDelay(backend::sweepQuietly, 0, interval, TimeUnit.MILLISECONDS);
		}
		return backend;
	}

	/**
	 * {@inheritDoc}
	 * @return {@value #BACKEND_TYPE}
	 */
	@Override
	public String backendType() {
		return BACKEND_TYPE;
	}

	/**
	 * Returns the configuration this backend was created with.
	 * @return the configuration
	 */
	public FileBackendConfig config() {
		return this.config;
	}

	@Override
	public byte @Nullable [] get(String key) {
		Target target = target(BackendOperation.GET, key);
		Entry entry = readLive(BackendOperation.GET, key, target, true);
		if (entry == null) {
			return null;
		}
		touch(target.path(), now());
		return entry.value();
	}

	/**
	 * Reads a key's entry if it is live; an expired or damaged file is removed.
	 * @param operation the operation reading
	 * @param key the caller's key
	 * @param target the key's file
	 * @param withValue whether to read (and check) the value, or the header only
	 * @return the live entry, or {@code null}
	 * @throws BackendException when the file cannot be read
	 */
	private @Nullable Entry readLive(BackendOperation operation, String key, Target target, boolean withValue) {
		try {
			Entry entry = EntryFile.read(target.path(), target.keyBytes(), withValue);
			if (entry == null) {
				return null;
			}
			if (!entry.isLiveAt(now())) {
				removeStale(target);
				return null;
			}
			return entry;
		}
		catch (CorruptEntryException ex) {
			reportDamage(target.path(), ex);
			removeStale(target);
			return null;
		}
		catch (IOException | RuntimeException ex) {
			throw FileErrors.classify(operation, key, ex);
		}
	}

	@Override
	public void set(String key, byte[] value, @Nullable Duration ttl) {
		Target target = target(BackendOperation.SET, key);
		Checks.valueSize(BackendOperation.SET, key, value, this.config.maxValueSize(), "max value size");
		long now = now();
		try {
			publish(target, value, expiresAt(ttl, now), now, true);
		}
		catch (IOException | RuntimeException ex) {
			throw FileErrors.classify(BackendOperation.SET, key, ex);
		}
		written(EntryFile.size(target.keyBytes(), value));
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * The file is first renamed to a temporary name, which only one of several concurrent
	 * deleters in any process can do, then read and removed: {@code true} means this call
	 * removed an entry that was live.
	 */
	@Override
	public boolean delete(String key) {
		Target target = target(BackendOperation.DELETE, key);
		Path moved = this.layout.newTemp(target.hash());
		try {
			Files.move(target.path(), moved, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (NoSuchFileException ex) {
			return false;
		}
		catch (IOException | RuntimeException ex) {
			throw FileErrors.classify(BackendOperation.DELETE, key, ex);
		}
		try {
			Entry entry = EntryFile.read(moved, target.keyBytes(), false);
			if (entry == null) {
				return false;
			}
			removed(entry.size());
			return entry.isLiveAt(now());
		}
		catch (CorruptEntryException ex) {
			return false;
		}
		catch (IOException ex) {
			// It was removed; whether it was live cannot be told.
			return true;
		}
		finally {
			deleteQuietly(moved);
		}
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * Checks the header, the key and the expiry, not the value's checksum, so it does not
	 * read the value.
	 */
	@Override
	public boolean exists(String key) {
		Target target = target(BackendOperation.EXISTS, key);
		return readLive(BackendOperation.EXISTS, key, target, false) != null;
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * Atomic across every process using the directory: runs under the key's file lock,
	 * removes an expired or damaged entry, and publishes the new file with a hard link,
	 * which fails when a {@code set} got there first. Needs a file system with hard
	 * links; without them this fails as {@code PERMANENT}.
	 */
	@Override
	public boolean addIfAbsent(String key, byte[] value, @Nullable Duration ttl) {
		Target target = target(BackendOperation.ADD_IF_ABSENT, key);
		Checks.valueSize(BackendOperation.ADD_IF_ABSENT, key, value, this.config.maxValueSize(), "max value size");
		boolean added;
		try {
			added = this.locks.withKeyLock(target.hash(), LOCK_TIMEOUT_NANOS, () -> {
				long now = now();
				return clearUnlessLive(target, now) && publish(target, value, expiresAt(ttl, now), now, false);
			});
		}
		catch (IOException | RuntimeException ex) {
			throw FileErrors.classify(BackendOperation.ADD_IF_ABSENT, key, ex);
		}
		if (added) {
			written(EntryFile.size(target.keyBytes(), value));
		}
		return added;
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * Atomic across every process using the directory: the counter is read and rewritten
	 * under the key's file lock. An expired or damaged counter is created anew. A counter
	 * that would pass {@link Long#MAX_VALUE} fails as {@code PERMANENT}.
	 */
	@Override
	public long increment(String key, long delta, long initialValue, @Nullable Duration ttl) {
		Target target = target(BackendOperation.INCREMENT, key);
		Checks.incrementArguments(delta, initialValue);
		try {
			return this.locks.withKeyLock(target.hash(), LOCK_TIMEOUT_NANOS, () -> {
				long now = now();
				Entry entry = readQuietly(target);
				if (entry == null || !entry.isLiveAt(now)) {
					byte[] digits = digits(initialValue);
					publish(target, digits, expiresAt(ttl, now), now, true);
					written(EntryFile.size(target.keyBytes(), digits));
					return initialValue;
				}
				long current = parseCounter(Objects.requireNonNull(entry.value()));
				if (current < 0) {
					throw new BackendException(BackendErrorType.PERMANENT, BackendOperation.INCREMENT, key,
							"the entry holds a value that is not a counter (decimal digits); delete it first", null);
				}
				if (delta == 0) {
					touch(target.path(), now);
					return current;
				}
				long next = current + delta;
				if (next < 0) {
					throw new BackendException(BackendErrorType.PERMANENT, BackendOperation.INCREMENT, key,
							"the counter " + current + " would pass " + Long.MAX_VALUE + " by adding " + delta, null);
				}
				publish(target, digits(next), entry.expiresAt(), now, true);
				return next;
			});
		}
		catch (IOException | RuntimeException ex) {
			throw FileErrors.classify(BackendOperation.INCREMENT, key, ex);
		}
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * Writes, reads back and deletes a probe entry of its own. Details:
	 * {@code directory}; {@code entries} and {@code total_bytes}, as counted by the last
	 * sweep plus this backend's writes since (an approximation); {@code free_bytes}, the
	 * space left for this process on the directory's file system.
	 */
	@Override
	public BackendHealth health() {
		long start = System.nanoTime();
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("directory", this.layout.directory().toString());
		details.put("entries", Math.max(0, this.sweptEntries + this.writtenEntries.get()));
		details.put("total_bytes", Math.max(0, this.sweptBytes + this.writtenBytes.get()));
		try {
			details.put("free_bytes", Files.getFileStore(this.layout.directory()).getUsableSpace());
		}
		catch (IOException | RuntimeException ex) {
			// No directory yet: the probe below reports why.
		}
		try {
			Checks.open(this.closed, BackendOperation.HEALTH, null);
			byte[] probe = Long.toString(System.currentTimeMillis()).getBytes(StandardCharsets.US_ASCII);
			set(this.healthKey, probe, HEALTH_PROBE_TTL);
			byte[] read = get(this.healthKey);
			delete(this.healthKey);
			long latency = elapsedMillis(start);
			if (!Arrays.equals(probe, read)) {
				return BackendHealth.down(backendType(), latency,
						new IllegalStateException("health probe read back a different value than it wrote"), details);
			}
			return BackendHealth.up(backendType(), latency, details);
		}
		catch (RuntimeException ex) {
			return BackendHealth.down(backendType(), elapsedMillis(start), ex, details);
		}
	}

	/**
	 * Stops the sweep thread, waiting up to five seconds for a sweep in progress, and
	 * releases the directory's lock file. Operations after this fail as
	 * {@code PERMANENT}. Idempotent.
	 */
	@Override
	public void close() {
		synchronized (this) {
			if (this.closed) {
				return;
			}
			this.closed = true;
		}
		ScheduledExecutorService sweeper = this.sweeper;
		if (sweeper != null) {
			sweeper.shutdownNow();
			try {
				sweeper.awaitTermination(5, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		this.locks.release();
	}

	@Override
	public String toString() {
		return "FileBackend[" + this.layout.directory() + "]";
	}

	/**
	 * Sweeps the directory once: removes expired and damaged entries and abandoned
	 * temporary files, then enforces the caps. Does nothing when another thread or
	 * process is sweeping the directory.
	 * @return what the sweep did, or {@code null} when it did not run
	 * @throws IOException when the directory cannot be listed
	 */
	@Nullable SweepResult sweep() throws IOException {
		if (this.closed) {
			return null;
		}
		try {
			SweepResult result = this.locks.trySweepLock(this::sweepLocked);
			if (result != null) {
				this.sweptEntries = result.entries();
				this.sweptBytes = result.bytes();
			}
			return result;
		}
		finally {
			this.lastSweepNanos = System.nanoTime();
		}
	}

	/**
	 * Returns the file of a key's entry, whether it exists or not.
	 * @param key the key
	 * @return the path
	 */
	Path entryPath(String key) {
		return this.layout.entry(FileLayout.hash(FileLayout.keyBytes(key)));
	}

	/**
	 * Converts a TTL to an expiry: whole milliseconds rounded up, 0 for none, capped at
	 * {@link Long#MAX_VALUE}.
	 * @param ttl the TTL, or {@code null}
	 * @param nowMillis the current time in epoch milliseconds
	 * @return the expiry in epoch milliseconds, or 0
	 */
	static long expiresAt(@Nullable Duration ttl, long nowMillis) {
		if (ttl == null || ttl.isZero() || ttl.isNegative()) {
			return 0;
		}
		long millis;
		try {
			millis = ttl.toMillis();
			if (ttl.toNanosPart() % 1_000_000 != 0) {
				millis = Math.addExact(millis, 1);
			}
			return Math.max(1, Math.addExact(nowMillis, millis));
		}
		catch (ArithmeticException ex) {
			return Long.MAX_VALUE;
		}
	}

	private SweepResult sweepLocked() throws IOException {
		this.writtenEntries.set(0);
		this.writtenBytes.set(0);
		long now = now();
		long staleTempBefore = now - STALE_TEMP_AGE.toMillis();
		List<Candidate> live = new ArrayList<>();
		int expired = 0;
		int damaged = 0;
		int temps = 0;
		for (Path shard : list(this.layout.directory())) {
			String shardName = shard.getFileName().toString();
			if (!FileLayout.isShardName(shardName) || !Files.isDirectory(shard, LinkOption.NOFOLLOW_LINKS)) {
				continue;
			}
			for (Path file : list(shard)) {
				String name = file.getFileName().toString();
				String hash = FileLayout.entryHash(shardName, name);
				try {
					if (hash != null) {
						switch (inspect(file, hash, now, live)) {
							case EXPIRED -> expired++;
							case DAMAGED -> damaged++;
							default -> {
							}
						}
					}
					else if (FileLayout.isTempName(name) && lastModified(file) < staleTempBefore
							&& Files.deleteIfExists(file)) {
						temps++;
					}
				}
				catch (NoSuchFileException ex) {
					// Removed by another thread or process meanwhile.
				}
				catch (IOException | RuntimeException ex) {
					logger.debug("sweep skipped {}: {}", file, ex.toString());
				}
			}
		}
		return evict(live, expired, damaged, temps);
	}

	private SweepResult evict(List<Candidate> live, int expired, int damaged, int temps) {
		long count = live.size();
		long total = live.stream().mapToLong(Candidate::size).sum();
		int evicted = 0;
		if (count > this.config.maxEntries() || total > this.config.maxTotalBytes()) {
			long countTarget = lowWater(this.config.maxEntries());
			long bytesTarget = lowWater(this.config.maxTotalBytes());
			live.sort(Comparator.comparingLong(Candidate::lastUsed).thenComparing(Candidate::path));
			for (Candidate candidate : live) {
				if (count <= countTarget && total <= bytesTarget) {
					break;
				}
				try {
					if (removeIfUnused(candidate)) {
						count--;
						total -= candidate.size();
						evicted++;
					}
				}
				catch (IOException | RuntimeException ex) {
					logger.debug("sweep could not evict {}: {}", candidate.path(), ex.toString());
				}
			}
		}
		return new SweepResult(expired, damaged, evicted, temps, count, total);
	}

	private Inspection inspect(Path file, String hash, long now, List<Candidate> live) throws IOException {
		BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
		Inspection inspection;
		try {
			Entry entry = EntryFile.read(file, null, false);
			if (entry == null) {
				return Inspection.GONE;
			}
			inspection = !hash.equals(FileLayout.hash(entry.key())) ? Inspection.DAMAGED
					: entry.isLiveAt(now) ? Inspection.LIVE : Inspection.EXPIRED;
		}
		catch (CorruptEntryException ex) {
			reportDamage(file, ex);
			inspection = Inspection.DAMAGED;
		}
		if (inspection == Inspection.LIVE) {
			live.add(new Candidate(file, hash, attributes.size(), attributes.lastModifiedTime().toMillis()));
			return inspection;
		}
		boolean removed = this.locks.withKeyLock(hash, LOCK_TIMEOUT_NANOS,
				() -> isStale(file, hash, false) && Files.deleteIfExists(file));
		return removed ? inspection : Inspection.GONE;
	}

	/**
	 * Evicts an entry unless it was written or read since the sweep listed it.
	 */
	private boolean removeIfUnused(Candidate candidate) throws IOException {
		return this.locks.withKeyLock(candidate.hash(), LOCK_TIMEOUT_NANOS, () -> {
			BasicFileAttributes attributes;
			try {
				attributes = Files.readAttributes(candidate.path(), BasicFileAttributes.class);
			}
			catch (NoSuchFileException ex) {
				return true;
			}
			if (attributes.lastModifiedTime().toMillis() != candidate.lastUsed()) {
				return false;
			}
			Files.deleteIfExists(candidate.path());
			return true;
		});
	}

	/**
	 * Removes an entry a read found expired or damaged, after checking again under the
	 * key's lock that it still is. Best effort: left to the sweep when the lock is busy.
	 */
	private void removeStale(Target target) {
		try {
			boolean deleted = this.locks.withKeyLock(target.hash(), REMOVAL_LOCK_TIMEOUT_NANOS,
					() -> isStale(target.path(), target.hash(), true) && Files.deleteIfExists(target.path()));
			if (deleted) {
				removed(0);
			}
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("could not remove the stale entry {}: {}", target.path(), ex.toString());
		}
	}

	private boolean isStale(Path path, String hash, boolean withValue) throws IOException {
		try {
			Entry entry = EntryFile.read(path, null, withValue);
			return entry != null && (!hash.equals(FileLayout.hash(entry.key())) || !entry.isLiveAt(now()));
		}
		catch (CorruptEntryException ex) {
			return true;
		}
	}

	/**
	 * Under the key's lock: removes an expired or damaged entry.
	 * @return {@code true} when the key now holds no live entry
	 */
	private boolean clearUnlessLive(Target target, long now) throws IOException {
		Entry entry;
		try {
			entry = EntryFile.read(target.path(), target.keyBytes(), true);
		}
		catch (CorruptEntryException ex) {
			reportDamage(target.path(), ex);
			Files.deleteIfExists(target.path());
			return true;
		}
		if (entry == null) {
			return true;
		}
		if (entry.isLiveAt(now)) {
			return false;
		}
		Files.deleteIfExists(target.path());
		return true;
	}

	private @Nullable Entry readQuietly(Target target) throws IOException {
		try {
			return EntryFile.read(target.path(), target.keyBytes(), true);
		}
		catch (CorruptEntryException ex) {
			reportDamage(target.path(), ex);
			return null;
		}
	}

	/**
	 * Writes an entry to a temporary file and moves it into place.
	 * @param replace whether to replace an existing file (rename), or to leave it (hard
	 * link, which fails when the name exists)
	 * @return {@code false} when {@code replace} is off and the entry's file existed
	 */
	private boolean publish(Target target, byte[] value, long expiresAt, long now, boolean replace) throws IOException {
		Path temp = writeTemp(target, value, expiresAt, now);
		boolean moved = false;
		try {
			if (replace) {
				Files.move(temp, target.path(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
				moved = true;
			}
			else {
				try {
					Files.createLink(target.path(), temp);
				}
				catch (FileAlreadyExistsException ex) {
					return false;
				}
			}
			Path directory = target.path().getParent();
			if (this.config.fsync() && directory != null) {
				syncDirectory(directory);
			}
			return true;
		}
		finally {
			if (!moved) {
				deleteQuietly(temp);
			}
		}
	}

	private Path writeTemp(Target target, byte[] value, long expiresAt, long now) throws IOException {
		ByteBuffer[] buffers = EntryFile.encode(target.keyBytes(), value, expiresAt);
		Path temp = this.layout.newTemp(target.hash());
		FileChannel channel = createFile(temp, target.hash());
		boolean written = false;
		try {
			try (channel) {
				long remaining = EntryFile.size(target.keyBytes(), value);
				while (remaining > 0) {
					remaining -= channel.write(buffers);
				}
				if (this.config.fsync()) {
					channel.force(false);
				}
			}
			Files.setLastModifiedTime(temp, FileTime.fromMillis(now));
			written = true;
			return temp;
		}
		finally {
			if (!written) {
				deleteQuietly(temp);
			}
		}
	}

	/**
	 * Makes a rename in a directory durable. Not every platform can open a directory
	 * (Windows cannot); there the rename is as durable as the file system makes it.
	 */
	private static void syncDirectory(Path directory) throws IOException {
		FileChannel channel;
		try {
			channel = FileChannel.open(directory, StandardOpenOption.READ);
		}
		catch (IOException | UnsupportedOperationException ex) {
			return;
		}
		try (channel) {
			channel.force(true);
		}
	}

	private FileChannel createFile(Path temp, String hash) throws IOException {
		try {
			try {
				return FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
			}
			catch (NoSuchFileException ex) {
				// First entry of its subdirectory, or the directory was removed under us.
				this.layout.createShard(hash);
				return FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
			}
		}
		catch (FileSystemException ex) {
			if (FileErrors.isNotWritable(ex) || !Files.isDirectory(this.layout.directory())) {
				throw this.layout.unusable(ex);
			}
			throw ex;
		}
	}

	private void written(long size) {
		long entries = this.writtenEntries.incrementAndGet();
		long bytes = this.writtenBytes.addAndGet(size);
		if (this.sweptEntries + entries > this.config.maxEntries()
				|| this.sweptBytes + bytes > this.config.maxTotalBytes()) {
			requestSweep();
		}
	}

	private void removed(long size) {
		this.writtenEntries.decrementAndGet();
		this.writtenBytes.addAndGet(-size);
	}

	@SuppressWarnings("FutureReturnValueIgnored") // sweepQuietly() logs its own failures
	private void requestSweep() {
		ScheduledExecutorService sweeper = this.sweeper;
		if (sweeper == null || this.closed || !this.sweepRequested.compareAndSet(false, true)) {
			return;
		}
		long delay = Math.max(0, this.lastSweepNanos + MIN_SWEEP_SPACING_NANOS - System.nanoTime());
		try {
			sweeper.schedule(() -> {
				this.sweepRequested.set(false);
				sweepQuietly();
			}, delay, TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			this.sweepRequested.set(false);
		}
	}

	/**
	 * Sweeps, and logs a failure when the sweep starts failing and again when it works
	 * again, not on every sweep in between.
	 */
	void sweepQuietly() {
		try {
			SweepResult result = sweep();
			if (result != null) {
				this.status.worked();
				logger.debug("swept {}: {}", this.layout.directory(), result);
			}
		}
		catch (IOException | RuntimeException ex) {
			this.status.failed(describe(ex));
		}
	}

	private String describe(Exception ex) {
		if (ex instanceof FileLayout.UnusableDirectoryException) {
			return ex.getMessage() + "; nothing is cached in it until then";
		}
		return "the sweep of the cache directory " + this.layout.directory() + " failed (" + FileErrors.describe(ex)
				+ ")";
	}

	private Target target(BackendOperation operation, @Nullable String key) {
		String checked = Checks.key(key);
		Checks.open(this.closed, operation, checked);
		byte[] keyBytes = FileLayout.keyBytes(checked);
		String hash = FileLayout.hash(keyBytes);
		return new Target(keyBytes, hash, this.layout.entry(hash));
	}

	private void reportDamage(Path file, CorruptEntryException ex) {
		if (this.damageReported.compareAndSet(false, true)) {
			logger.warn("removing a damaged or foreign entry file {} ({}); further ones are logged at DEBUG", file,
					ex.getMessage());
		}
		else {
			logger.debug("removing a damaged or foreign entry file {} ({})", file, ex.getMessage());
		}
	}

	private long now() {
		return this.clock.millis();
	}

	private static void touch(Path path, long now) {
		try {
			Files.setLastModifiedTime(path, FileTime.fromMillis(now));
		}
		catch (IOException | RuntimeException ex) {
			// Recency only: a read-only or vanished file is still a hit.
		}
	}

	private static long lastModified(Path file) throws IOException {
		return Files.getLastModifiedTime(file).toMillis();
	}

	private static List<Path> list(Path directory) throws IOException {
		List<Path> paths = new ArrayList<>();
		try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
			stream.forEach(paths::add);
		}
		catch (NoSuchFileException | NotDirectoryException ex) {
			// Nothing written yet, or removed meanwhile.
		}
		return paths;
	}

	private static void deleteQuietly(Path path) {
		try {
			Files.deleteIfExists(path);
		}
		catch (IOException | RuntimeException ex) {
			// Left for the sweep, which removes abandoned temporary files.
		}
	}

	private static long lowWater(long cap) {
		return cap - cap / 10;
	}

	private static byte[] digits(long value) {
		return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
	}

	/**
	 * Parses a counter: one to nineteen ASCII digits.
	 * @return the value, or -1 when the bytes are not a counter
	 */
	static long parseCounter(byte[] value) {
		if (value.length == 0 || value.length > 19) {
			return -1;
		}
		long result = 0;
		for (byte b : value) {
			if (b < '0' || b > '9') {
				return -1;
			}
			result = result * 10 + (b - '0');
			if (result < 0) {
				return -1;
			}
		}
		return result;
	}

	private static long elapsedMillis(long startNanos) {
		return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
	}

	/**
	 * A key's bytes, their hash and its entry's file.
	 */
	@SuppressWarnings("ArrayRecordComponent") // carries bytes, never compared
	private record Target(byte[] keyBytes, String hash, Path path) {

	}

	/**
	 * A live entry the sweep may evict.
	 */
	private record Candidate(Path path, String hash, long size, long lastUsed) {

	}

	private enum Inspection {

		LIVE, EXPIRED, DAMAGED, GONE

	}

}
