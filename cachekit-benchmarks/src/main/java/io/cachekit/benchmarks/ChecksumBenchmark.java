package io.cachekit.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

import io.cachekit.codec.MessagePackCodec;
import net.jpountz.xxhash.StreamingXXHash64;
import net.jpountz.xxhash.XXHash64;
import net.jpountz.xxhash.XXHashFactory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The integrity check of the value envelope: the JDK's {@code CRC32C} (a CPU instruction
 * on x86-64 and AArch64) against xxHash64 from {@code lz4-java}, in its JNI and its pure
 * Java form, over an entry of each size followed by its L2 key, as the envelope's two
 * checks need (one value over the entry, one continued over the key).
 *
 * <p>
 * {@code encodeBook} and {@code decodeBook} put the figures in proportion: a whole encode
 * or decode of {@link Book} through {@link MessagePackCodec}, checks included. Scores are
 * nanoseconds per operation, lower is better.
 *
 * <pre>
 * ./mvnw -B -q -pl cachekit-benchmarks -am package -DskipTests &amp;&amp; java -jar cachekit-benchmarks/target/benchmarks.jar ChecksumBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
public class ChecksumBenchmark {

	private static final String KEY = "books:1733097600000:9780000000042";

	private static final XXHash64 XXH64_NATIVE = XXHashFactory.fastestInstance().hash64();

	private static final XXHashFactory JAVA = XXHashFactory.fastestJavaInstance();

	private final MessagePackCodec bookCodec = MessagePackCodec.builder()
		.trustedPackages("io.cachekit.benchmarks")
		.build();

	private final Book book = Book.numbered(42);

	private byte[] encodedBook = new byte[0];

	@Setup
	public void setUp() {
		this.encodedBook = this.bookCodec.encode(this.book, null, KEY);
	}

	@Benchmark
	public long crc32c(Entry entry) {
		CRC32C crc = new CRC32C();
		crc.update(entry.bytes, 0, entry.bytes.length);
		long entryCheck = crc.getValue();
		crc.update(entry.key, 0, entry.key.length);
		return entryCheck ^ crc.getValue();
	}

	@Benchmark
	public long xxHash64Native(Entry entry) {
		long entryCheck = XXH64_NATIVE.hash(entry.bytes, 0, entry.bytes.length, 0);
		return entryCheck ^ XXH64_NATIVE.hash(entry.key, 0, entry.key.length, entryCheck);
	}

	@Benchmark
	public long xxHash64Java(Entry entry) {
		StreamingXXHash64 hash = JAVA.newStreamingHash64(0);
		hash.update(entry.bytes, 0, entry.bytes.length);
		long entryCheck = hash.getValue();
		hash.update(entry.key, 0, entry.key.length);
		return entryCheck ^ hash.getValue();
	}

	@Benchmark
	public byte[] encodeBook() {
		return this.bookCodec.encode(this.book, null, KEY);
	}

	@Benchmark
	public Object decodeBook() {
		return this.bookCodec.decode(this.encodedBook, KEY);
	}

	/**
	 * Random bytes standing for an entry's header and payload, and an L2 key as UTF-16
	 * code units.
	 */
	@State(Scope.Thread)
	public static class Entry {

		/** Bytes of header and payload the check covers. */
		@Param({ "64", "512", "4096", "65536" })
		int size;

		byte[] bytes = new byte[0];

		final byte[] key = KEY.getBytes(StandardCharsets.UTF_16BE);

		@Setup
		public void setUp() {
			this.bytes = new byte[this.size];
			ThreadLocalRandom.current().nextBytes(this.bytes);
		}

	}

}
