package io.cachekit.backend.file;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several {@link FileBackend}s on one directory, in this JVM and in a second process,
 * working on the same keys at the same time: nothing written is lost, no read sees a
 * half-written value, and add-if-absent and increment stay atomic.
 */
class FileBackendConcurrencyIntegrationTests {

	private static final int THREADS_PER_BACKEND = 4;

	@TempDir
	Path directory;

	@TempDir
	Path barrier;

	@Test
	void twoBackendsWritingTheSameKeysLoseNothingAndNeverReadAHalfWrittenValue() throws Exception {
		try (FileBackend first = backend(); FileBackend second = backend()) {
			List<Callable<List<String>>> tasks = new ArrayList<>();
			for (FileBackend backend : List.of(first, second)) {
				for (int t = 0; t < THREADS_PER_BACKEND; t++) {
					String writer = ((backend == first) ? "first" : "second") + "-" + t;
					tasks.add(() -> mixedWork(backend, writer, 150));
				}
			}
			List<String> problems = runAll(tasks).stream().flatMap(List::stream).toList();
			assertThat(problems).as("values that were not whole").isEmpty();
			for (FileBackend reader : List.of(first, second)) {
				for (int t = 0; t < THREADS_PER_BACKEND; t++) {
					for (String writer : List.of("first-" + t, "second-" + t)) {
						for (int i = 0; i < 150; i++) {
							String key = writer + ":" + i;
							byte[] value = reader.get(key);
							assertThat(value).as("%s read through %s", key, reader).isNotNull();
							assertThat(FileBackendWorker.check(key, value)).isNull();
						}
					}
				}
				for (int shared = 0; shared < 16; shared++) {
					String key = "shared:" + shared;
					byte[] value = reader.get(key);
					assertThat(value).as(key).isNotNull();
					assertThat(FileBackendWorker.check(key, value)).isNull();
				}
			}
		}
	}

	@Test
	void concurrentDeletesOfOneEntryReportItRemovedExactlyOnce() throws Exception {
		try (FileBackend first = backend(); FileBackend second = backend()) {
			for (int round = 0; round < 50; round++) {
				String key = "deleted:" + round;
				first.set(key, FileBackendWorker.payload(key, "test", round, 10), null);
				List<Callable<Integer>> deletes = new ArrayList<>();
				for (FileBackend backend : List.of(first, second, first, second)) {
					deletes.add(() -> backend.delete(key) ? 1 : 0);
				}
				assertThat(runAll(deletes).stream().mapToInt(Integer::intValue).sum()).as("round %d", round)
					.isEqualTo(1);
			}
		}
	}

	@Test
	void secondProcessWritingTheSameKeysLosesNothingAndNeitherSideReadsAHalfWrittenValue() throws Exception {
		try (FileBackend backend = backend()) {
			Worker worker = Worker.start(this.directory, this.barrier, "child", "write", 300);
			List<String> problems = new ArrayList<>();
			worker.go();
			problems.addAll(parallel(4, (t) -> mixedWork(backend, "parent-" + t, 150)));
			List<String> output = worker.await();
			assertThat(output).as("the child read only whole values").noneMatch((line) -> line.startsWith("BAD"));
			assertThat(problems).as("the parent read only whole values").isEmpty();
			for (int i = 0; i < 300; i++) {
				String key = "child:" + i;
				assertThat(FileBackendWorker.check(key, backend.get(key))).isNull();
				assertThat(backend.get(key)).as(key).isNotNull();
			}
		}
	}

	@Test
	void incrementsFromTwoProcessesAndManyThreadsAreAllCounted() throws Exception {
		try (FileBackend backend = backend()) {
			Worker worker = Worker.start(this.directory, this.barrier, "child", "increment", 400);
			worker.go();
			parallel(4, (t) -> {
				for (int i = 0; i < 100; i++) {
					backend.increment("counter", 1, 0, null);
				}
				return List.of();
			});
			worker.await();
			assertThat(backend.increment("counter", 0, 0, null)).isEqualTo(400 + 4 * 100 - 1);
		}
	}

	@Test
	void addIfAbsentRacedByTwoProcessesHasExactlyOneWinnerPerKey() throws Exception {
		int keys = 300;
		try (FileBackend backend = backend()) {
			Worker worker = Worker.start(this.directory, this.barrier, "child", "add", keys);
			worker.go();
			List<String> parentWins = Collections.synchronizedList(new ArrayList<>());
			parallel(2, (t) -> {
				for (int i = 0; i < keys; i++) {
					if (backend.addIfAbsent("race:" + i, FileBackendWorker.payload("race:" + i, "parent-" + t, i, 16),
							null)) {
						parentWins.add(String.valueOf(i));
					}
				}
				return List.of();
			});
			List<String> childWins = worker.await()
				.stream()
				.filter((line) -> line.startsWith("WON "))
				.map((line) -> line.substring(4))
				.toList();
			List<String> allWins = new ArrayList<>(parentWins);
			allWins.addAll(childWins);
			assertThat(allWins).as("one winner per key").hasSize(keys).doesNotHaveDuplicates();
			for (String i : childWins) {
				assertThat(FileBackendWorker.writerOf(backend.get("race:" + i))).isEqualTo("child");
			}
			for (String i : parentWins) {
				assertThat(FileBackendWorker.writerOf(backend.get("race:" + i))).startsWith("parent-");
			}
		}
	}

	private FileBackend backend() {
		return FileBackend.create(FileBackendConfig.builder().directory(this.directory).build());
	}

	/**
	 * Writes this writer's own keys and random shared keys with self-checking values,
	 * reading shared keys in between.
	 * @return the problems found in values read
	 */
	private static List<String> mixedWork(FileBackend backend, String writer, int count) {
		List<String> problems = new ArrayList<>();
		ThreadLocalRandom random = ThreadLocalRandom.current();
		for (int i = 0; i < count; i++) {
			String own = writer + ":" + i;
			backend.set(own, FileBackendWorker.payload(own, writer, i, random.nextInt(4096)), null);
			String shared = "shared:" + random.nextInt(16);
			backend.set(shared, FileBackendWorker.payload(shared, writer, i, random.nextInt(256 * 1024)), null);
			for (int r = 0; r < 2; r++) {
				String read = "shared:" + random.nextInt(16);
				String problem = FileBackendWorker.check(read, backend.get(read));
				if (problem != null) {
					problems.add(problem);
				}
			}
		}
		return problems;
	}

	private static List<String> parallel(int threads, ThreadTask task) throws Exception {
		List<Callable<List<String>>> tasks = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			int thread = t;
			tasks.add(() -> task.run(thread));
		}
		return runAll(tasks).stream().flatMap(List::stream).toList();
	}

	/**
	 * Runs every task on its own thread, all released at once.
	 */
	private static <T> List<T> runAll(List<Callable<T>> tasks) throws Exception {
		ExecutorService executor = Executors.newFixedThreadPool(tasks.size());
		CountDownLatch start = new CountDownLatch(1);
		try {
			List<Future<T>> futures = new ArrayList<>();
			for (Callable<T> task : tasks) {
				futures.add(executor.submit(() -> {
					start.await();
					return task.call();
				}));
			}
			start.countDown();
			List<T> results = new ArrayList<>();
			for (Future<T> future : futures) {
				results.add(future.get(120, TimeUnit.SECONDS));
			}
			return results;
		}
		finally {
			executor.shutdownNow();
		}
	}

	@FunctionalInterface
	private interface ThreadTask {

		List<String> run(int thread) throws Exception;

	}

	/**
	 * A {@link FileBackendWorker} in its own JVM, started on this test's classpath.
	 */
	private static final class Worker {

		private final Process process;

		private final Path barrier;

		private final List<String> output = Collections.synchronizedList(new ArrayList<>());

		private final Thread reader;

		private Worker(Process process, Path barrier, String name) throws Exception {
			this.process = process;
			this.barrier = barrier;
			this.reader = new Thread(() -> {
				try (BufferedReader lines = new BufferedReader(
						new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
					lines.lines().forEach(this.output::add);
				}
				catch (IOException ex) {
					this.output.add("READ FAILED " + ex);
				}
			});
			this.reader.start();
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
			while (!Files.exists(barrier.resolve("ready-" + name))) {
				if (!process.isAlive() || System.nanoTime() > deadline) {
					this.reader.join(5000);
					throw new IllegalStateException("worker did not get ready: " + this.output);
				}
				Thread.sleep(10);
			}
		}

		static Worker start(Path directory, Path barrier, String name, String command, int count) throws Exception {
			String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
			Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
					FileBackendWorker.class.getName(), directory.toString(), barrier.toString(), name, command,
					String.valueOf(count))
				.redirectErrorStream(true)
				.start();
			return new Worker(process, barrier, name);
		}

		void go() throws IOException {
			Files.createFile(this.barrier.resolve("go"));
		}

		List<String> await() throws Exception {
			if (!this.process.waitFor(120, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
				throw new IllegalStateException("worker did not finish: " + this.output);
			}
			this.reader.join(5000);
			List<String> lines = new ArrayList<>(this.output);
			assertThat(this.process.exitValue()).as("worker exit status, output: %s", lines).isZero();
			assertThat(lines).as("worker output").contains("DONE child");
			return lines;
		}

	}

}
