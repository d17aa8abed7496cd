package io.cachekit.backend.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import io.cachekit.backend.AddIfAbsent;
import io.cachekit.backend.Backend;
import io.cachekit.backend.BackendContract;
import io.cachekit.backend.BackendErrorType;
import io.cachekit.backend.BackendException;
import io.cachekit.backend.BackendHealth;
import io.cachekit.backend.Increment;
import io.cachekit.backend.ValueSizeLimitContract;
import io.cachekit.codec.MessagePackCodec;
import io.cachekit.test.Await;
import io.cachekit.test.ManualTime;
import io.cachekit.tier.Tier;
import io.cachekit.tier.TieredCache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link FileBackend} on a real directory: the backend contract, and what is particular
 * to files (layout on disk, restarts, unusable directories, health, the sweep thread).
 */
class FileBackendIntegrationTests extends BackendContract implements ValueSizeLimitContract {

	@TempDir
	static Path directory;

	@Override
	protected Backend createBackend() {
		return FileBackend.create(config().build());
	}

	@Override
	protected String expectedBackendType() {
		return "file";
	}

	@Override
	protected Set<Class<?>> expectedCapabilities() {
		return Set.of(AddIfAbsent.class, Increment.class);
	}

	@Override
	public Backend backendWithMaxValueSize(int bytes) {
		return FileBackend.create(config().maxValueSize(bytes).build());
	}

	private static FileBackendConfig.Builder config() {
		return FileBackendConfig.builder().directory(directory);
	}

	@Test
	void entriesSurviveARestart() {
		backend().set(key("k"), bytes("kept"), null);
		((FileBackend) backend()).close();
		try (FileBackend restarted = FileBackend.create(config().build())) {
			assertThat(restarted.get(key("k"))).isEqualTo(bytes("kept"));
		}
	}

	@Test
	void keysNeverAppearInFileNames() throws IOException {
		String traversal = key("../../../../etc/passwd");
		backend().set(traversal, bytes("v"), null);
		Path entry = ((FileBackend) backend()).entryPath(traversal);
		assertThat(entry).startsWith(directory).exists();
		assertThat(entry.getFileName().toString()).matches("[0-9a-f]{64}\\.entry");
		try (Stream<Path> files = Files.walk(directory)) {
			assertThat(files.map(Path::toString)).noneMatch((name) -> name.contains("passwd"));
		}
	}

	@Test
	void writesLeaveNoTemporaryFilesBehind() throws IOException {
		for (int i = 0; i < 20; i++) {
			backend().set(key("k" + (i % 5)), bytes("v" + i), null);
		}
		backend().delete(key("k0"));
		((AddIfAbsent) backend()).addIfAbsent(key("k1"), bytes("no"), null);
		((AddIfAbsent) backend()).addIfAbsent(key("new"), bytes("yes"), null);
		((Increment) backend()).increment(key("n"), 1, 0, null);
		try (Stream<Path> files = Files.walk(directory)) {
			assertThat(files.map((file) -> file.getFileName().toString())).noneMatch((name) -> name.endsWith(".tmp"));
		}
	}

	@Test
	void fsyncedWritesRoundTrip() {
		try (FileBackend synced = FileBackend.create(config().fsync(true).build())) {
			synced.set(key("k"), bytes("v"), null);
			assertThat(synced.addIfAbsent(key("added"), bytes("a"), null)).isTrue();
			assertThat(synced.increment(key("n"), 1, 7, null)).isEqualTo(7);
			assertThat(synced.increment(key("n"), 1, 7, null)).isEqualTo(8);
			assertThat(synced.get(key("k"))).isEqualTo(bytes("v"));
			assertThat(synced.get(key("added"))).isEqualTo(bytes("a"));
		}
	}

	@Test
	void healthReportsTheDirectoryCountsAndFreeSpace() {
		backend().set(key("k"), bytes("v"), null);
		BackendHealth health = backend().health();
		assertThat(health.healthy()).isTrue();
		assertThat(health.details()).containsEntry("directory", directory.toString())
			.containsKeys("entries", "total_bytes", "free_bytes");
		assertThat((Long) health.detail("free_bytes")).isPositive();
		assertThat((Long) health.detail("entries")).isPositive();
	}

	@Test
	void healthProbeLeavesNothingBehind() throws IOException {
		Path empty = Files.createDirectories(directory.resolve(key("health").replace(':', '_')));
		try (FileBackend backend = FileBackend.create(FileBackendConfig.builder().directory(empty).build())) {
			assertThat(backend.health().healthy()).isTrue();
		}
		try (Stream<Path> files = Files.walk(empty)) {
			assertThat(files.filter(Files::isRegularFile).map((file) -> file.getFileName().toString()))
				.as("nothing but the lock file, which the sweep may have created")
				.allMatch(FileLayout.LOCK_FILE::equals);
		}
	}

	@Test
	void directoryUnderARegularFileFailsWritesAsPermanentAndIsUnhealthy() throws IOException {
		Path file = Files.writeString(directory.resolve(key("plain-file").replace(':', '_')), "not a directory");
		try (FileBackend unusable = FileBackend
			.create(FileBackendConfig.builder().directory(file.resolve("cache")).build())) {
			assertPermanentOnEveryWrite(unusable);
			BackendHealth health = unusable.health();
			assertThat(health.healthy()).isFalse();
			assertThat(health.backendType()).isEqualTo("file");
			assertThat(String.valueOf(health.detail("error"))).contains("PERMANENT");
			assertThat(health.details()).containsEntry("directory", file.resolve("cache").toString());
		}
	}

	/**
	 * Permission bits do not stop root, which the tests may run as; procfs refuses to
	 * create anything for every user, so it stands in for a read-only directory.
	 */
	@Test
	void directoryWhereNothingCanBeCreatedFailsWritesAsPermanentAndReadsMiss() {
		try (FileBackend readOnly = FileBackend
			.create(FileBackendConfig.builder().directory(Path.of("/proc/cachekit")).build())) {
			assertPermanentOnEveryWrite(readOnly);
			assertThat(readOnly.get(key("k"))).isNull();
			assertThat(readOnly.exists(key("k"))).isFalse();
			assertThat(readOnly.delete(key("k"))).isFalse();
			BackendHealth health = readOnly.health();
			assertThat(health.healthy()).isFalse();
			assertThat(String.valueOf(health.detail("error")))
				.contains("cannot create the cache directory /proc/cachekit");
		}
	}

	@Test
	void tieredCacheOverAnUnwritableDirectoryStillAnswersAndCountsTheFailures() throws Exception {
		try (FileBackend readOnly = FileBackend
			.create(FileBackendConfig.builder().directory(Path.of("/proc/cachekit")).build())) {
			TieredCache cache = TieredCache.builder("books")
				.backend(readOnly)
				.codec(MessagePackCodec.withDefaults())
				.build();
			assertThat(cache.<String>get("isbn-1", () -> "Dune")).isEqualTo("Dune");
			cache.put("isbn-2", "Emma");
			assertThat(cache.<String>get("isbn-3", () -> "Ulysses")).isEqualTo("Ulysses");
			assertThat(cache.statistics(Tier.L2).errorCount(BackendErrorType.PERMANENT)).isPositive();
		}
	}

	@Test
	void backgroundSweepRemovesExpiredEntriesAndEnforcesTheCaps() {
		Path own = directory.resolve(key("sweep").replace(':', '_'));
		ManualTime clock = new ManualTime();
		FileBackendConfig config = FileBackendConfig.builder()
			.directory(own)
			.maxEntries(20)
			.sweepInterval(Duration.ofMillis(50))
			.clock(clock)
			.build();
		try (FileBackend backend = FileBackend.create(config)) {
			backend.set("short", bytes("v"), Duration.ofSeconds(1));
			for (int i = 0; i < 40; i++) {
				clock.advance(Duration.ofMillis(10));
				backend.set("k" + i, bytes("v"), null);
			}
			clock.advance(Duration.ofSeconds(2));
			assertThat(Await.until(() -> entryFiles(own) <= 20 && !Files.exists(backend.entryPath("short")))).isTrue();
			assertThat(backend.get("k39")).isEqualTo(bytes("v"));
			assertThat(backend.get("k0")).isNull();
		}
	}

	@Test
	void closeStopsTheSweepThread() throws InterruptedException {
		Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
		FileBackend backend = FileBackend.create(config().build());
		Set<Thread> started = new HashSet<>(Thread.getAllStackTraces().keySet());
		started.removeAll(before);
		assertThat(started).extracting(Thread::getName).contains("cachekit-file-sweep");
		assertThat(started).allMatch(Thread::isDaemon);
		backend.close();
		for (Thread thread : started) {
			thread.join(5000);
		}
		assertThat(started).filteredOn((thread) -> thread.getName().equals("cachekit-file-sweep"))
			.filteredOn(Thread::isAlive)
			.isEmpty();
	}

	@Test
	void operationsAfterCloseFailAsPermanent() {
		FileBackend closed = FileBackend.create(config().build());
		closed.close();
		closed.close();
		assertThatExceptionOfType(BackendException.class).isThrownBy(() -> closed.get("k"))
			.satisfies((ex) -> assertThat(ex.getErrorType()).isEqualTo(BackendErrorType.PERMANENT))
			.withMessageContaining("closed");
		assertThat(closed.health().healthy()).isFalse();
	}

	@Test
	void foreignFilesInTheDirectoryAreLeftAlone() throws IOException {
		Path own = Files.createDirectories(directory.resolve(key("foreign").replace(':', '_')));
		Path notes = Files.writeString(own.resolve("notes.txt"), "mine");
		Path shardLike = Files.createDirectories(own.resolve("ab"));
		Path other = Files.writeString(shardLike.resolve("photo.jpg"), "mine too");
		try (FileBackend backend = FileBackend.create(FileBackendConfig.builder().directory(own).maxEntries(1).build(),
				false)) {
			backend.set("a", bytes("1"), null);
			backend.set("b", bytes("2"), null);
			backend.sweep();
		}
		assertThat(notes).exists();
		assertThat(other).exists();
	}

	private static void assertPermanentOnEveryWrite(FileBackend backend) {
		List<Runnable> writes = List.of(() -> backend.set("k", bytes("v"), null),
				() -> backend.addIfAbsent("k", bytes("v"), null), () -> backend.increment("k", 1, 0, null));
		for (Runnable write : writes) {
			assertThatExceptionOfType(BackendException.class).isThrownBy(write::run)
				.satisfies((ex) -> assertThat(ex.getErrorType()).isEqualTo(BackendErrorType.PERMANENT));
		}
	}

	static long entryFiles(Path directory) {
		if (!Files.isDirectory(directory)) {
			return 0;
		}
		try (Stream<Path> files = Files.walk(directory)) {
			return files.filter((file) -> file.getFileName().toString().endsWith(".entry")).count();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
