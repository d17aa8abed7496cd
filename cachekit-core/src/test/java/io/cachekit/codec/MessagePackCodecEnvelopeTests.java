package io.cachekit.codec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import io.cachekit.codec.fixture.Point;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.fail;

/**
 * The envelope {@link MessagePackCodec} writes, and what it does with bytes that are not
 * one of its envelopes.
 */
class MessagePackCodecEnvelopeTests {

	private static final Instant EXPIRY = Instant.parse("2030-01-02T03:04:05.678Z");

	private final MessagePackCodec codec = MessagePackCodec.builder()
		.trustedPackages("io.cachekit.codec.fixture")
		.build();

	@Test
	void headerHoldsMagicVersionCodecIdFlagsAndExpiry() {
		byte[] bytes = this.codec.encode("x", EXPIRY);
		assertThat(Arrays.copyOf(bytes, 5)).containsExactly('C', 'K', 1, 1, 0);
		assertThat(ByteBuffer.wrap(bytes, 5, 8).getLong()).isEqualTo(EXPIRY.toEpochMilli());
		assertThat(bytes.length).isGreaterThan(13);
	}

	@Test
	void nullIsAMarkerFlagWithNoPayload() {
		byte[] bytes = this.codec.encode(null, null);
		assertThat(bytes).containsExactly('C', 'K', 1, 1, 4, 0, 0, 0, 0, 0, 0, 0, 0);
		assertThat(this.codec.decode(bytes)).isEqualTo(new CachedValue(null, null));
	}

	@Test
	void nullExpiryIsWrittenAsZeroAndReadAsNever() {
		byte[] bytes = this.codec.encode("x", null);
		assertThat(ByteBuffer.wrap(bytes, 5, 8).getLong()).isZero();
		assertThat(this.codec.decode(bytes).expiresAt()).isNull();
	}

	@Test
	void expiryRoundTripsToTheMillisecond() {
		Instant expiry = Instant.parse("2029-12-31T23:59:59.999999999Z");
		assertThat(this.codec.decode(this.codec.encode(1L, expiry)).expiresAt())
			.isEqualTo(Instant.parse("2029-12-31T23:59:59.999Z"));
	}

	@Test
	void expiryWithinTheFirstMillisecondAfterTheEpochIsNotReadAsNever() {
		assertThat(this.codec.decode(this.codec.encode(1L, Instant.EPOCH.plusNanos(1))).expiresAt())
			.isEqualTo(Instant.ofEpochMilli(1));
	}

	@Test
	void expiryBeyondTheRangeOfEpochMillisecondsIsKeptAsTheLatestOne() {
		assertThat(this.codec.decode(this.codec.encode(1L, Instant.MAX)).expiresAt())
			.isEqualTo(Instant.ofEpochMilli(Long.MAX_VALUE));
	}

	@Test
	void expiryAtOrBeforeTheEpochIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.codec.encode("x", Instant.EPOCH))
			.withMessageContaining("expiresAt");
		assertThatIllegalArgumentException().isThrownBy(() -> this.codec.encode("x", Instant.ofEpochSecond(-5)))
			.withMessageContaining("expiresAt");
	}

	@Test
	void emptyBytesAreCorrupt() {
		assertDecodeFails(new byte[0], CodecException.Kind.CORRUPT);
	}

	@Test
	void bytesWithoutTheMagicAreCorrupt() {
		assertDecodeFails(new byte[] { 'C' }, CodecException.Kind.CORRUPT);
		assertDecodeFails(new byte[] { 'X', 'K', 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xc0 },
				CodecException.Kind.CORRUPT);
		assertDecodeFails(new byte[] { 'c', 'k', 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xc0 },
				CodecException.Kind.CORRUPT);
	}

	@Test
	void truncatedHeaderIsCorrupt() {
		byte[] bytes = this.codec.encode("x", EXPIRY);
		for (int length = 0; length < 13; length++) {
			assertDecodeFails(Arrays.copyOf(bytes, length), CodecException.Kind.CORRUPT);
		}
	}

	@Test
	void headerWithoutPayloadIsCorrupt() {
		assertDecodeFails(header(0), CodecException.Kind.CORRUPT);
	}

	@Test
	void truncatedPayloadIsCorrupt() {
		byte[] bytes = this.codec.encode(List.of(new Point(1, 2), "a longer string value"), EXPIRY);
		for (int length = 13; length < bytes.length; length++) {
			assertDecodeFails(Arrays.copyOf(bytes, length), CodecException.Kind.CORRUPT);
		}
	}

	@Test
	void bytesAfterThePayloadAreCorrupt() {
		byte[] bytes = this.codec.encode("x", EXPIRY);
		byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
		assertDecodeFails(longer, CodecException.Kind.CORRUPT).withMessageContaining("after");
	}

	@Test
	void nullMarkerFollowedByAPayloadIsCorrupt() {
		byte[] bytes = Arrays.copyOf(header(4), 14);
		bytes[13] = (byte) 0xc0;
		assertDecodeFails(bytes, CodecException.Kind.CORRUPT);
	}

	@Test
	void otherFormatVersionIsUnknownFormat() {
		for (int version : new int[] { 0, 2, 255 }) {
			byte[] bytes = this.codec.encode("x", EXPIRY);
			bytes[2] = (byte) version;
			assertDecodeFails(bytes, CodecException.Kind.UNKNOWN_FORMAT).withMessageContaining("version " + version);
		}
	}

	@Test
	void otherFormatVersionIsUnknownFormatEvenWhenShorterThanThisVersionsHeader() {
		assertDecodeFails(new byte[] { 'C', 'K', 2 }, CodecException.Kind.UNKNOWN_FORMAT);
	}

	@Test
	void otherCodecIdIsUnknownFormat() {
		byte[] bytes = this.codec.encode("x", EXPIRY);
		bytes[3] = 2;
		assertDecodeFails(bytes, CodecException.Kind.UNKNOWN_FORMAT).withMessageContaining("codec id 2");
	}

	@Test
	void compressedFlagIsUnknownFormat() {
		byte[] bytes = this.codec.encode("x", EXPIRY);
		bytes[4] = 1;
		assertDecodeFails(bytes, CodecException.Kind.UNKNOWN_FORMAT).withMessageContaining("compressed");
	}

	@Test
	void encryptedFlagIsUnknownFormat() {
		byte[] bytes = this.codec.encode("x", EXPIRY);
		bytes[4] = 2;
		assertDecodeFails(bytes, CodecException.Kind.UNKNOWN_FORMAT).withMessageContaining("encrypted");
	}

	@Test
	void unknownFlagIsUnknownFormat() {
		for (int bit = 3; bit < 8; bit++) {
			byte[] bytes = this.codec.encode("x", EXPIRY);
			bytes[4] = (byte) (1 << bit);
			assertDecodeFails(bytes, CodecException.Kind.UNKNOWN_FORMAT).withMessageContaining("flags");
		}
	}

	@Test
	void javaSerializedStringIsCorrupt() throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		try (ObjectOutputStream objects = new ObjectOutputStream(out)) {
			objects.writeObject("hello");
		}
		assertDecodeFails(out.toByteArray(), CodecException.Kind.CORRUPT);
	}

	@Test
	void plainTextIsCorrupt() {
		assertDecodeFails("hello".getBytes(StandardCharsets.UTF_8), CodecException.Kind.CORRUPT);
		assertDecodeFails("CK is not an envelope".getBytes(StandardCharsets.UTF_8), CodecException.Kind.UNKNOWN_FORMAT);
	}

	@Test
	void payloadOfAnUnusedMessagePackFormatIsCorrupt() {
		assertDecodeFails(withPayload(new byte[] { (byte) 0xc1 }), CodecException.Kind.CORRUPT);
	}

	@Test
	void payloadWithAnExtensionTypeIsCorrupt() {
		assertDecodeFails(withPayload(new byte[] { (byte) 0xd4, 1, 0 }), CodecException.Kind.CORRUPT);
	}

	@Test
	void payloadClaimingAHugeBinaryIsCorruptWithoutAllocatingIt() {
		assertDecodeFails(withPayload(new byte[] { (byte) 0xc6, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1, 2 }),
				CodecException.Kind.CORRUPT)
			.withMessageContaining("truncated");
	}

	@Test
	void payloadClaimingAHugeArrayIsCorrupt() {
		assertDecodeFails(withPayload(new byte[] { (byte) 0xdd, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff }),
				CodecException.Kind.CORRUPT);
	}

	@Test
	void payloadNestedDeeperThanTheLimitIsCorruptWithoutOverflowingTheStack() {
		byte[] payload = new byte[100_001];
		Arrays.fill(payload, (byte) 0x91);
		payload[100_000] = (byte) 0xc0;
		assertDecodeFails(withPayload(payload), CodecException.Kind.CORRUPT).withMessageContaining("deeper");
	}

	@Test
	void messagePackWithoutTypeIdsIsCorrupt() throws IOException {
		MessageBufferPacker packer = MessagePack.newDefaultBufferPacker();
		packer.packMapHeader(1).packString("x").packInt(1);
		assertDecodeFails(withPayload(packer.toByteArray()), CodecException.Kind.CORRUPT);
	}

	@Test
	void randomBytesOnlyEverDecodeOrFailAsCodecException() {
		Random random = new Random(20240611);
		for (int i = 0; i < 2000; i++) {
			byte[] bytes = new byte[random.nextInt(64)];
			random.nextBytes(bytes);
			if (i % 2 == 0 && bytes.length >= 13) {
				System.arraycopy(header(0), 0, bytes, 0, 13);
			}
			assertDecodesOrFailsAsCodecException(bytes, "random bytes #" + i);
		}
	}

	@Test
	void truncatedAndMutatedEnvelopesOnlyEverDecodeOrFailAsCodecException() {
		Map<String, Object> value = new LinkedHashMap<>();
		value.put("point", new Point(1, 2));
		value.put("numbers", List.of(1L, 2.5, (short) 3));
		value.put("optional", Optional.of("x"));
		value.put("keys", Map.of(1L, "one"));
		List<byte[]> envelopes = new ArrayList<>(List.of(this.codec.encode(value, EXPIRY),
				this.codec.encode(List.of("a", new Point(3, 4)), null), this.codec.encode(null, EXPIRY)));
		Random random = new Random(611);
		for (byte[] envelope : envelopes) {
			for (int i = 0; i < 700; i++) {
				byte[] bytes = Arrays.copyOf(envelope, random.nextInt(envelope.length + 1));
				if (i % 2 == 1 && bytes.length > 0) {
					bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
				}
				assertDecodesOrFailsAsCodecException(bytes, "mutation #" + i);
			}
		}
	}

	private void assertDecodesOrFailsAsCodecException(byte[] bytes, String description) {
		try {
			this.codec.decode(bytes);
		}
		catch (CodecException ex) {
			assertThat(ex.getKind()).isNotNull();
		}
		catch (Throwable ex) {
			fail("Decoding %s %s threw %s", description, Arrays.toString(bytes), ex);
		}
	}

	private org.assertj.core.api.ThrowableAssertAlternative<CodecException> assertDecodeFails(byte[] bytes,
			CodecException.Kind kind) {
		return assertThatExceptionOfType(CodecException.class).isThrownBy(() -> this.codec.decode(bytes))
			.satisfies((ex) -> assertThat(ex.getKind()).isEqualTo(kind));
	}

	static byte[] header(int flags) {
		return new byte[] { 'C', 'K', 1, 1, (byte) flags, 0, 0, 0, 0, 0, 0, 0, 0 };
	}

	static byte[] withPayload(byte[] payload) {
		byte[] bytes = Arrays.copyOf(header(0), 13 + payload.length);
		System.arraycopy(payload, 0, bytes, 13, payload.length);
		return bytes;
	}

}
