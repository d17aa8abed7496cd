package io.cachekit.benchmarks;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import com.github.luben.zstd.Zstd;
import io.cachekit.codec.MessagePackCodec;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
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
 * LZ4 against Zstandard on cachekit's own envelope payloads: the MessagePack bytes that
 * {@link MessagePackCodec} writes between the header and the checks.
 *
 * <p>
 * {@code compress} and {@code decompress} run one algorithm over one payload, allocating
 * the output as the codec does:
 * <ul>
 * <li>{@code LZ4_JAVA}: {@code at.yawk.lz4:lz4-java}'s safe Java instance, the one
 * cachekit uses (no JNI, no {@code Unsafe});</li>
 * <li>{@code LZ4_JNI}: the same library's JNI binding to the C LZ4;</li>
 * <li>{@code ZSTD_1}, {@code ZSTD_3}: {@code com.github.luben:zstd-jni} at levels 1 and 3
 * (its default), native only.</li>
 * </ul>
 * {@code encode} and {@code decode} are a whole round of the codec without and with
 * compression ({@code threshold}: {@code off}, or {@code 0} to compress every payload),
 * checks included, to set the compression time beside the rest.
 *
 * <p>
 * Payloads ({@code value}): {@code book512}, a list of two {@link Book} records (about
 * 512 bytes), and {@code catalog10k}, a {@link Catalog} of nested records, lists, maps,
 * {@code BigDecimal} and {@code Instant} (about 10 KB). Each trial prints the payload's
 * size and its compressed size for the algorithm as a line starting with {@code [size]}.
 * Scores are nanoseconds per operation, lower is better.
 *
 * <pre>
 * ./mvnw -B -q -pl cachekit-benchmarks -am package -DskipTests &amp;&amp; java -jar cachekit-benchmarks/target/benchmarks.jar CompressionBenchmark
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
public class CompressionBenchmark {

	static final String KEY = "catalog:1733097600000:page-1";

	private static final int HEADER_LENGTH = 13;

	private static final int CHECKS_LENGTH = 8;

	/**
	 * Returns the value a payload name stands for.
	 * @param name {@code book512} or {@code catalog10k}
	 * @return the value
	 */
	static Object value(String name) {
		return BenchmarkValues.value(name);
	}

	static MessagePackCodec codec(String threshold) {
		MessagePackCodec.Builder builder = MessagePackCodec.builder().trustedPackages("io.cachekit.benchmarks");
		if (!"off".equals(threshold)) {
			builder.compression(Integer.parseInt(threshold));
		}
		return builder.build();
	}

	/**
	 * The MessagePack payload of a value's envelope, without header and checks.
	 * @param value the value
	 * @return the payload
	 */
	static byte[] payload(Object value) {
		byte[] envelope = codec("off").encode(value, null, KEY);
		return Arrays.copyOfRange(envelope, HEADER_LENGTH, envelope.length - CHECKS_LENGTH);
	}

	@Benchmark
	public byte[] compress(Algorithms state) {
		return state.algorithm.compress(state.payload);
	}

	@Benchmark
	public byte[] decompress(Algorithms state) {
		return state.algorithm.decompress(state.compressed, state.payload.length);
	}

	@Benchmark
	public byte[] encode(Codecs state) {
		return state.codec.encode(state.cached, null, KEY);
	}

	@Benchmark
	public Object decode(Codecs state) {
		return state.codec.decode(state.envelope, KEY);
	}

	/**
	 * The compression algorithms measured.
	 */
	public enum Algorithm {

		/** lz4-java's safe Java instance, which cachekit uses. */
		LZ4_JAVA(LZ4Factory.safeInstance()),

		/** lz4-java's JNI binding. */
		LZ4_JNI(LZ4Factory.nativeInstance()),

		/** zstd-jni at level 1. */
		ZSTD_1(1),

		/** zstd-jni at level 3, its default. */
		ZSTD_3(3);

		private final LZ4Compressor lz4Compressor;

		private final LZ4SafeDecompressor lz4Decompressor;

		private final int zstdLevel;

		Algorithm(LZ4Factory factory) {
			this.lz4Compressor = factory.fastCompressor();
			this.lz4Decompressor = factory.safeDecompressor();
			this.zstdLevel = 0;
		}

		Algorithm(int zstdLevel) {
			this.lz4Compressor = LZ4Factory.safeInstance().fastCompressor();
			this.lz4Decompressor = LZ4Factory.safeInstance().safeDecompressor();
			this.zstdLevel = zstdLevel;
		}

		byte[] compress(byte[] payload) {
			if (this.zstdLevel > 0) {
				return Zstd.compress(payload, this.zstdLevel);
			}
			return this.lz4Compressor.compress(payload);
		}

		byte[] decompress(byte[] compressed, int length) {
			if (this.zstdLevel > 0) {
				return Zstd.decompress(compressed, length);
			}
			byte[] payload = new byte[length];
			this.lz4Decompressor.decompress(compressed, 0, compressed.length, payload, 0, length);
			return payload;
		}

	}

	/**
	 * One payload and one algorithm; prints the sizes.
	 */
	@State(Scope.Thread)
	public static class Algorithms {

		/** The value whose payload is compressed. */
		@Param({ "book512", "catalog10k" })
		String value = "book512";

		/** The algorithm. */
		@Param({ "LZ4_JAVA", "LZ4_JNI", "ZSTD_1", "ZSTD_3" })
		Algorithm algorithm = Algorithm.LZ4_JAVA;

		byte[] payload = new byte[0];

		byte[] compressed = new byte[0];

		@Setup
		public void setUp() {
			this.payload = payload(value(this.value));
			this.compressed = this.algorithm.compress(this.payload);
			if (!Arrays.equals(this.algorithm.decompress(this.compressed, this.payload.length), this.payload)) {
				throw new IllegalStateException(this.algorithm + " did not round-trip " + this.value);
			}
			System.out.println(String.format(Locale.ROOT,
					"[size] %s %s: payload %d bytes, compressed %d bytes (%.1f%%)", this.value, this.algorithm,
					this.payload.length, this.compressed.length, 100.0 * this.compressed.length / this.payload.length));
		}

	}

	/**
	 * One value through the codec, with or without compression.
	 */
	@State(Scope.Thread)
	public static class Codecs {

		/** The value. */
		@Param({ "book512", "catalog10k" })
		String value = "book512";

		/** The codec's compression threshold in bytes, or {@code off}. */
		@Param({ "off", "0" })
		String threshold = "off";

		MessagePackCodec codec = codec("off");

		Object cached = "";

		byte[] envelope = new byte[0];

		@Setup
		public void setUp() {
			this.codec = codec(this.threshold);
			this.cached = CompressionBenchmark.value(this.value);
			this.envelope = this.codec.encode(this.cached, null, KEY);
			if (!this.cached.equals(this.codec.decode(this.envelope, KEY).value())) {
				throw new IllegalStateException("The codec did not round-trip " + this.value);
			}
			System.out.println(String.format(Locale.ROOT, "[size] %s envelope, compression %s: %d bytes", this.value,
					this.threshold, this.envelope.length));
		}

	}

}
