package io.cachekit.backend.file;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32;

import org.jspecify.annotations.Nullable;

/**
 * A second process for {@link FileBackendConcurrencyIntegrationTests}: opens a
 * {@link FileBackend} on the same directory and works on the same keys as the test.
 *
 * <p>
 * Arguments: directory, barrier directory, worker name, command, count. It creates
 * {@code ready-<name>} in the barrier directory, waits for {@code go} there, runs the
 * command and prints one result line per finding. Exit status 0 when every value it read
 * was whole.
 */
final class FileBackendWorker {

	private FileBackendWorker() {
	}

	public static void main(String[] args) throws Exception {
		Path directory = Path.of(args[0]);
		Path barrier = Path.of(args[1]);
		String name = args[2];
		String command = args[3];
		int count = Integer.parseInt(args[4]);
		int bad = 0;
		try (FileBackend backend = FileBackend.create(FileBackendConfig.builder().directory(directory).build())) {
			Files.createFile(barrier.resolve("ready-" + name));
			long deadline = System.nanoTime() + 30_000_000_000L;
			while (!Files.exists(barrier.resolve("go")) && System.nanoTime() < deadline) {
				Thread.sleep(1);
			}
			switch (command) {
				case "write" -> bad = write(backend, name, count);
				case "increment" -> {
					for (int i = 0; i < count; i++) {
						backend.increment("counter", 1, 0, null);
					}
				}
				case "add" -> {
					for (int i = 0; i < count; i++) {
						if (backend.addIfAbsent("race:" + i, payload("race:" + i, name, i, 16), null)) {
							System.out.println("WON " + i);
						}
					}
				}
				default -> throw new IllegalArgumentException("unknown command " + command);
			}
		}
		System.out.println("DONE " + name);
		System.exit((bad == 0) ? 0 : 1);
	}

	/**
	 * Writes unique keys {@code <name>:<i>} and, in between, shared keys, and reads
	 * shared keys back checking each value.
	 * @return the number of values read that were not whole
	 */
	static int write(FileBackend backend, String name, int count) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		int bad = 0;
		for (int i = 0; i < count; i++) {
			String own = name + ":" + i;
			backend.set(own, payload(own, name, i, random.nextInt(4096)), null);
			String shared = "shared:" + random.nextInt(16);
			backend.set(shared, payload(shared, name, i, random.nextInt(256 * 1024)), null);
			String read = "shared:" + random.nextInt(16);
			String problem = check(read, backend.get(read));
			if (problem != null) {
				System.out.println("BAD " + problem);
				bad++;
			}
		}
		return bad;
	}

	/**
	 * Builds a value that proves its own integrity: the key, the writer and a sequence
	 * number, random filler, and a CRC32 of all that.
	 */
	static byte[] payload(String key, String writer, int sequence, int filler) {
		byte[] head = (key + "|" + writer + "|" + sequence + "|").getBytes(StandardCharsets.UTF_8);
		byte[] value = new byte[head.length + filler + 8];
		System.arraycopy(head, 0, value, 0, head.length);
		byte[] random = new byte[filler];
		ThreadLocalRandom.current().nextBytes(random);
		System.arraycopy(random, 0, value, head.length, filler);
		CRC32 crc = new CRC32();
		crc.update(value, 0, value.length - 8);
		ByteBuffer.wrap(value).putLong(value.length - 8, crc.getValue());
		return value;
	}

	/**
	 * Checks a value read for a key.
	 * @return what is wrong with it, or {@code null} when it is whole or absent
	 */
	static @Nullable String check(String key, byte @Nullable [] value) {
		if (value == null) {
			return null;
		}
		if (value.length < 8) {
			return key + ": only " + value.length + " bytes";
		}
		CRC32 crc = new CRC32();
		crc.update(value, 0, value.length - 8);
		if (ByteBuffer.wrap(value).getLong(value.length - 8) != crc.getValue()) {
			return key + ": checksum mismatch in " + value.length + " bytes";
		}
		byte[] prefix = (key + "|").getBytes(StandardCharsets.UTF_8);
		if (value.length < prefix.length || !Arrays.equals(prefix, Arrays.copyOf(value, prefix.length))) {
			return key + ": holds another key's value";
		}
		return null;
	}

	/**
	 * Returns the writer named in a whole value.
	 */
	static String writerOf(byte[] value) {
		return new String(value, StandardCharsets.UTF_8).split("\\|", 3)[1];
	}

}
