package io.cachekit.codec;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;

import io.cachekit.codec.fixture.LineItem;
import io.cachekit.codec.fixture.Order;
import io.cachekit.codec.fixture.Point;
import io.cachekit.codec.fixture.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * LZ4 compression of large payloads in the envelope, and the limits that refuse
 * decompression bombs.
 */
class MessagePackCodecCompressionTests {

	private static final String KEY = MessagePackCodecEnvelopeTests.KEY;

	private static final Instant EXPIRY = Instant.parse("2030-01-02T03:04:05.678Z");

	private static final int THRESHOLD = 256;

	private static final int BODY = MessagePackCodec.HEADER_LENGTH;

	private final MessagePackCodec codec = MessagePackCodec.builder()
		.trustedPackages("io.cachekit.codec.fixture")
		.compression(THRESHOLD)
		.build();

	private final MessagePackCodec plain = MessagePackCodec.builder()
		.trustedPackages("io.cachekit.codec.fixture")
		.build();

	static Stream<Object> values() {
		return Stream.concat(MessagePackCodecTests.jdkValues(), Stream.of(new Point(1, 2), List.of("a", 1L),
				Map.of("k", new BigDecimal("1.10")), Optional.of("x"), order(1), new byte[] { 1, 2, 3 }));
	}

	@ParameterizedTest
	@MethodSource("values")
	void valueAtTheThresholdIsWrittenUncompressedAndRoundTrips(Object value) {
		byte[] uncompressed = this.plain.encode(value, EXPIRY, KEY);
		MessagePackCodec atThreshold = MessagePackCodec.builder()
			.trustedPackages("io.cachekit.codec.fixture")
			.compression(payloadLength(uncompressed))
			.build();
		byte[] bytes = atThreshold.encode(value, EXPIRY, KEY);
		assertThat(bytes).isEqualTo(uncompressed);
		assertThat(bytes[4] & MessagePackCodec.FLAG_COMPRESSED).isZero();
		assertThat(atThreshold.decode(bytes, KEY).value()).isEqualTo(value);
	}

	@ParameterizedTest
	@MethodSource("values")
	void valueAboveTheThresholdIsCompressedSmallerAndRoundTripsToItsClass(Object value) {
		List<Object> large = new ArrayList<>(Collections.nCopies(512, value));
		byte[] uncompressed = this.plain.encode(large, EXPIRY, KEY);
		byte[] bytes = this.codec.encode(large, EXPIRY, KEY);
		assertThat(payloadLength(uncompressed)).isGreaterThan(THRESHOLD);
		assertThat(bytes[4] & MessagePackCodec.FLAG_COMPRESSED).isEqualTo(MessagePackCodec.FLAG_COMPRESSED);
		assertThat(bytes.length).isLessThan(uncompressed.length);
		assertThat(ByteBuffer.wrap(bytes, BODY, 4).getInt()).isEqualTo(payloadLength(uncompressed));
		CachedValue read = this.codec.decode(bytes, KEY);
		assertThat(read.expiresAt()).isEqualTo(EXPIRY);
		assertThat(read.value()).isInstanceOf(ArrayList.class);
		assertThat((List<?>) read.value()).hasSize(512).allSatisfy((element) -> {
			assertThat(element).isEqualTo(value);
			if (!(value instanceof Collection<?>) && !(value instanceof Map<?, ?>)) {
				assertThat(element).hasSameClassAs(value);
			}
		});
		List<?> readByPlain = (List<?>) this.plain.decode(bytes, KEY).value();
		assertThat(readByPlain).hasSize(512).allSatisfy((element) -> assertThat(element).isEqualTo(value));
	}

	@Test
	void nullIsNeverCompressed() {
		MessagePackCodec everything = MessagePackCodec.builder().compression(0).build();
		byte[] bytes = everything.encode(null, EXPIRY, KEY);
		assertThat(bytes[4]).isEqualTo((byte) MessagePackCodec.FLAG_NULL);
		assertThat(everything.decode(bytes, KEY).value()).isNull();
	}

	@Test
	void payloadThatCompressionWouldNotShortenIsWrittenUncompressed() {
		byte[] random = new byte[4096];
		new Random(7).nextBytes(random);
		byte[] bytes = this.codec.encode(random, null, KEY);
		assertThat(bytes[4] & MessagePackCodec.FLAG_COMPRESSED).isZero();
		assertThat(bytes).isEqualTo(this.plain.encode(random, null, KEY));
		assertThat((byte[]) this.codec.decode(bytes, KEY).value()).isEqualTo(random);
	}

	@Test
	void payloadLongerThanTheMaxDecompressedSizeIsWrittenUncompressed() {
		MessagePackCodec small = MessagePackCodec.builder().compression(16).maxDecompressedSize(1000).build();
		String fits = "a".repeat(900);
		String over = "a".repeat(1100);
		assertThat(small.encode(fits, null, KEY)[4] & MessagePackCodec.FLAG_COMPRESSED).isNotZero();
		byte[] bytes = small.encode(over, null, KEY);
		assertThat(bytes[4] & MessagePackCodec.FLAG_COMPRESSED).isZero();
		assertThat(small.decode(bytes, KEY).value()).isEqualTo(over);
	}

	@Test
	void ratioOfRealEntriesStaysWithinTheBound() {
		MessagePackCodec large = MessagePackCodec.builder().compression(0).build();
		double highest = 0;
		for (int size : new int[] { 1024, 65_536, 1 << 20, MessagePackCodec.DEFAULT_MAX_DECOMPRESSED_SIZE - 16 }) {
			byte[] bytes = large.encode(new byte[size], null, KEY);
			int block = bytes.length - BODY - PayloadCompression.LENGTH_PREFIX - EnvelopeChecks.LENGTH;
			double ratio = (double) ByteBuffer.wrap(bytes, BODY, 4).getInt() / block;
			highest = Math.max(highest, ratio);
			assertThat((byte[]) large.decode(bytes, KEY).value()).hasSize(size);
		}
		System.out.println("[figure] highest LZ4 ratio of a real entry (zeros, up to 16 MiB): "
				+ String.format("%.1f", highest) + ":1, bound " + PayloadCompression.MAX_RATIO + ":1");
		assertThat(highest).isLessThan(PayloadCompression.MAX_RATIO);
	}

	@Test
	void codecWithoutCompressionReadsCompressedEntries() {
		Order order = order(3);
		byte[] bytes = this.codec.encode(List.of(order, order, order), null, KEY);
		assertThat(bytes[4] & MessagePackCodec.FLAG_COMPRESSED).isNotZero();
		assertThat(MessagePackCodec.builder()
			.trustedPackages("io.cachekit.codec.fixture")
			.build()
			.decode(bytes, KEY)
			.value()).isEqualTo(List.of(order, order, order));
	}

	@Test
	void statedLengthBeyondTheMaxDecompressedSizeIsCorruptBeforeAnythingIsAllocated() {
		byte[] bytes = compressedEntry();
		for (int stated : new int[] { MessagePackCodec.DEFAULT_MAX_DECOMPRESSED_SIZE + 1, Integer.MAX_VALUE, -1 }) {
			byte[] forged = withStatedLength(bytes, stated);
			assertCorrupt(forged).withMessageContaining("more than the max decompressed size");
		}
		MessagePackCodec small = MessagePackCodec.builder().compression(16).maxDecompressedSize(1000).build();
		byte[] real = small.encode("a".repeat(900), null, KEY);
		assertThat(small.decode(real, KEY).value()).isEqualTo("a".repeat(900));
		assertThatExceptionOfType(CodecException.class)
			.isThrownBy(() -> small.decode(withStatedLength(real, 1001), KEY))
			.withMessageContaining("1001 uncompressed bytes, more than the max decompressed size 1000");
	}

	@Test
	void statedLengthBeyondTheRatioLz4CanProduceIsCorrupt() {
		byte[] bytes = compressedEntry();
		int block = bytes.length - BODY - PayloadCompression.LENGTH_PREFIX - EnvelopeChecks.LENGTH;
		assertCorrupt(withStatedLength(bytes, PayloadCompression.MAX_RATIO * block + 1))
			.withMessageContaining("a ratio beyond 255:1");
		// Within the ratio, the block itself tells the lie.
		assertCorrupt(withStatedLength(bytes, PayloadCompression.MAX_RATIO * block))
			.withMessageContaining("not the stated");
	}

	@Test
	void statedLengthThatDiffersFromTheBlockIsCorrupt() {
		byte[] bytes = compressedEntry();
		int real = ByteBuffer.wrap(bytes, BODY, 4).getInt();
		assertCorrupt(withStatedLength(bytes, real + 1)).withMessageContaining("inflates to " + real);
		assertCorrupt(withStatedLength(bytes, real - 1)).withMessageContaining("malformed");
		assertCorrupt(withStatedLength(bytes, 0)).withMessageContaining("length of 0");
	}

	@Test
	void truncatedBlockIsCorrupt() {
		byte[] bytes = compressedEntry();
		int end = bytes.length - EnvelopeChecks.LENGTH;
		for (int cut = 1; cut < end - BODY; cut++) {
			byte[] truncated = Arrays.copyOf(bytes, bytes.length - cut);
			System.arraycopy(bytes, end, truncated, end - cut, EnvelopeChecks.LENGTH);
			EnvelopeChecks.seal(truncated, KEY);
			assertCorrupt(truncated);
		}
	}

	@Test
	void flippedBitInTheBlockIsCaughtByTheEntryCheck() {
		byte[] bytes = compressedEntry();
		for (int bit = BODY * 8; bit < (bytes.length - EnvelopeChecks.LENGTH) * 8; bit++) {
			byte[] flipped = bytes.clone();
			flipped[bit / 8] ^= (byte) (1 << (bit % 8));
			assertCorrupt(flipped).withMessageContaining("entry check");
		}
	}

	@Test
	void flippedBitInTheBlockWithTheChecksRecomputedNeverThrowsAnythingButCodecException() {
		Order order = order(5);
		List<Order> value = List.of(order, order, order, order);
		byte[] bytes = this.codec.encode(value, null, KEY);
		int refusedByDecompressor = 0;
		int refusedAfter = 0;
		int readAsAValue = 0;
		int positions = 0;
		for (int bit = BODY * 8; bit < (bytes.length - EnvelopeChecks.LENGTH) * 8; bit++) {
			byte[] flipped = bytes.clone();
			flipped[bit / 8] ^= (byte) (1 << (bit % 8));
			EnvelopeChecks.seal(flipped, KEY);
			positions++;
			try {
				this.codec.decode(flipped, KEY);
				readAsAValue++;
			}
			catch (CodecException ex) {
				if (ex.getMessage().contains("compressed")) {
					refusedByDecompressor++;
				}
				else {
					refusedAfter++;
				}
			}
		}
		System.out.println("[figure] flipped bit in an LZ4 block with valid checks (" + positions
				+ " positions): refused by the length and block checks " + refusedByDecompressor
				+ ", refused by the payload checks " + refusedAfter + ", read as another value " + readAsAValue);
		assertThat(refusedByDecompressor).isPositive();
		assertThat(refusedByDecompressor + refusedAfter + readAsAValue).isEqualTo(positions);
	}

	@Test
	void nullFlaggedCompressedIsCorrupt() {
		byte[] bytes = this.codec.encode(null, null, KEY);
		bytes[4] |= MessagePackCodec.FLAG_COMPRESSED;
		EnvelopeChecks.seal(bytes, KEY);
		assertCorrupt(bytes).withMessageContaining("null value is flagged compressed");
	}

	@Test
	void bodyTooShortForItsLengthIsCorrupt() {
		for (int length = 0; length <= PayloadCompression.LENGTH_PREFIX; length++) {
			byte[] bytes = MessagePackCodecEnvelopeTests.sealed(Arrays
				.copyOf(MessagePackCodecEnvelopeTests.header(MessagePackCodec.FLAG_COMPRESSED), BODY + length));
			assertCorrupt(bytes).withMessageContaining("truncated");
		}
	}

	@Test
	void negativeThresholdIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> MessagePackCodec.builder().compression(-1))
			.withMessage("threshold must be at least 0 bytes, was -1");
	}

	@Test
	void maxDecompressedSizeBelowOneByteIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> MessagePackCodec.builder().maxDecompressedSize(0))
			.withMessage("maxDecompressedSize must be at least 1 byte, was 0");
	}

	@Test
	void thresholdNotBelowTheMaxDecompressedSizeIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> MessagePackCodec.builder().compression(1000).maxDecompressedSize(1000).build())
			.withMessageStartingWith("threshold (1000 bytes) must be less than maxDecompressedSize (1000 bytes)");
	}

	private byte[] compressedEntry() {
		Order order = order(2);
		byte[] bytes = this.codec.encode(List.of(order, order, order, order), EXPIRY, KEY);
		assertThat(bytes[4] & MessagePackCodec.FLAG_COMPRESSED).isNotZero();
		return bytes;
	}

	private static byte[] withStatedLength(byte[] bytes, int stated) {
		byte[] forged = bytes.clone();
		ByteBuffer.wrap(forged, BODY, 4).putInt(stated);
		EnvelopeChecks.seal(forged, KEY);
		return forged;
	}

	private static int payloadLength(byte[] envelope) {
		return envelope.length - BODY - EnvelopeChecks.LENGTH;
	}

	private org.assertj.core.api.ThrowableAssertAlternative<CodecException> assertCorrupt(byte[] bytes) {
		return assertThatExceptionOfType(CodecException.class).isThrownBy(() -> this.codec.decode(bytes, KEY))
			.satisfies((ex) -> assertThat(ex.getKind()).isEqualTo(CodecException.Kind.CORRUPT));
	}

	static Order order(int index) {
		Map<String, BigDecimal> discounts = new LinkedHashMap<>();
		discounts.put("promo", new BigDecimal("0.10"));
		return new Order(new UUID(index, index), "customer " + index,
				List.of(new LineItem("sku-" + index, index, new BigDecimal("19.90")),
						new LineItem("sku-x", 2, new BigDecimal("5.00"))),
				discounts, EnumSet.of(Status.NEW, Status.PAID), Status.SHIPPED, Optional.of("leave at door"),
				LocalDate.of(2024, 5, index % 28 + 1), Instant.parse("2024-05-06T10:15:30.001Z"), new Point(index, 6));
	}

}
