package io.cachekit.backend.file;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

import io.cachekit.test.ManualTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The caps of a {@link FileBackend}, enforced by its sweep: least recently used entries
 * go first, down to nine tenths of each cap.
 */
class FileBackendEvictionTests {

	private final ManualTime clock = new ManualTime();

	@TempDir
	Path directory;

	private FileBackend backend(FileBackendConfig.Builder config) {
		return FileBackend.create(config.directory(this.directory).clock(this.clock).build(), false);
	}

	@Test
	void entryCountIsAtMostTheCapAfterASweep() throws Exception {
		try (FileBackend backend = backend(FileBackendConfig.builder().maxEntries(10))) {
			for (int i = 0; i < 25; i++) {
				backend.set("k" + i, bytes("v" + i), null);
			}
			SweepResult result = backend.sweep();
			assertThat(result).isNotNull();
			assertThat(result.evicted()).isEqualTo(16);
			assertThat(result.entries()).isEqualTo(9);
			assertThat(entryFiles()).isEqualTo(9);
		}
	}

	@Test
	void totalBytesAreAtMostTheCapAfterASweep() throws Exception {
		try (FileBackend backend = backend(FileBackendConfig.builder().maxTotalBytes(10_000).maxValueSize(1_000))) {
			for (int i = 0; i < 30; i++) {
				backend.set("k" + i, new byte[900], null);
			}
			assertThat(entryBytes()).isGreaterThan(10_000);
			SweepResult result = backend.sweep();
			assertThat(result).isNotNull();
			assertThat(result.bytes()).isLessThanOrEqualTo(9_000).isEqualTo(entryBytes());
			assertThat(entryBytes()).isLessThanOrEqualTo(10_000);
		}
	}

	@Test
	void leastRecentlyUsedEntriesGoFirst() throws Exception {
		try (FileBackend backend = backend(FileBackendConfig.builder().maxEntries(10))) {
			for (int i = 0; i < 10; i++) {
				this.clock.advance(Duration.ofSeconds(1));
				backend.set("k" + i, bytes("v" + i), null);
			}
			this.clock.advance(Duration.ofSeconds(1));
			assertThat(backend.get("k0")).isEqualTo(bytes("v0"));
			this.clock.advance(Duration.ofSeconds(1));
			backend.set("k10", bytes("v10"), null);
			SweepResult result = backend.sweep();
			assertThat(result).isNotNull();
			assertThat(result.evicted()).isEqualTo(2);
			assertThat(backend.get("k1")).isNull();
			assertThat(backend.get("k2")).isNull();
			assertThat(backend.get("k0")).as("read recently, so kept").isEqualTo(bytes("v0"));
			for (int i = 3; i <= 10; i++) {
				assertThat(backend.get("k" + i)).as("k%d", i).isEqualTo(bytes("v" + i));
			}
		}
	}

	@Test
	void rewrittenEntryCountsAsRecentlyUsed() throws Exception {
		try (FileBackend backend = backend(FileBackendConfig.builder().maxEntries(3))) {
			for (int i = 0; i < 3; i++) {
				this.clock.advance(Duration.ofSeconds(1));
				backend.set("k" + i, bytes("v"), null);
			}
			this.clock.advance(Duration.ofSeconds(1));
			backend.set("k0", bytes("again"), null);
			this.clock.advance(Duration.ofSeconds(1));
			backend.set("k3", bytes("v"), null);
			backend.sweep();
			assertThat(backend.exists("k1")).isFalse();
			assertThat(backend.exists("k0")).isTrue();
			assertThat(backend.exists("k3")).isTrue();
		}
	}

	@Test
	void storeUnderItsCapsLosesNothingToASweep() throws Exception {
		try (FileBackend backend = backend(FileBackendConfig.builder().maxEntries(10))) {
			for (int i = 0; i < 10; i++) {
				backend.set("k" + i, bytes("v"), null);
			}
			SweepResult result = backend.sweep();
			assertThat(result).isNotNull();
			assertThat(result.evicted()).isZero();
			assertThat(entryFiles()).isEqualTo(10);
		}
	}

	@Test
	void sweepRemovesAbandonedTemporaryFilesButNotFreshOnes() throws Exception {
		try (FileBackend backend = backend(FileBackendConfig.builder())) {
			backend.set("k", bytes("v"), null);
			Path entry = backend.entryPath("k");
			String hash = entry.getFileName().toString().substring(0, 64);
			Path abandoned = Files.write(entry.resolveSibling(hash + ".00000000000000aa.tmp"), bytes("half"));
			Path fresh = Files.write(entry.resolveSibling(hash + ".00000000000000bb.tmp"), bytes("half"));
			long now = this.clock.millis();
			Files.setLastModifiedTime(abandoned, FileTime.fromMillis(now - Duration.ofMinutes(11).toMillis()));
			Files.setLastModifiedTime(fresh, FileTime.fromMillis(now - Duration.ofMinutes(1).toMillis()));
			SweepResult result = backend.sweep();
			assertThat(result).isNotNull();
			assertThat(result.abandoned()).isEqualTo(1);
			assertThat(abandoned).doesNotExist();
			assertThat(fresh).exists();
			assertThat(entry).exists();
		}
	}

	@Test
	void healthCountsWhatTheSweepFound() throws Exception {
		try (FileBackend writer = backend(FileBackendConfig.builder())) {
			for (int i = 0; i < 5; i++) {
				writer.set("k" + i, new byte[100], null);
			}
		}
		try (FileBackend backend = backend(FileBackendConfig.builder())) {
			backend.sweep();
			assertThat(backend.health().details()).containsEntry("entries", 5L)
				.containsEntry("total_bytes", entryBytes());
		}
	}

	@Test
	void sweepIsSkippedWhileAnotherSweepOfTheDirectoryRuns() throws Exception {
		try (FileBackend backend = backend(FileBackendConfig.builder())) {
			backend.set("k", bytes("v"), null);
			CountDownLatch sweeping = new CountDownLatch(1);
			CountDownLatch done = new CountDownLatch(1);
			DirectoryLocks locks = DirectoryLocks.acquire(new FileLayout(this.directory));
			Thread other = new Thread(() -> {
				try {
					locks.trySweepLock(() -> {
						sweeping.countDown();
						await(done);
						return null;
					});
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			});
			other.start();
			try {
				sweeping.await();
				assertThat(backend.sweep()).isNull();
			}
			finally {
				done.countDown();
				other.join();
				locks.release();
			}
			assertThat(backend.sweep()).isNotNull();
		}
	}

	private static void await(CountDownLatch latch) throws IOException {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new InterruptedIOException();
		}
	}

	private long entryFiles() throws IOException {
		try (Stream<Path> files = Files.walk(this.directory)) {
			return files.filter((file) -> file.getFileName().toString().endsWith(".entry")).count();
		}
	}

	private long entryBytes() throws IOException {
		try (Stream<Path> files = Files.walk(this.directory)) {
			return files.filter((file) -> file.getFileName().toString().endsWith(".entry")).mapToLong((file) -> {
				try {
					return Files.size(file);
				}
				catch (IOException ex) {
					throw new IllegalStateException(ex);
				}
			}).sum();
		}
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
