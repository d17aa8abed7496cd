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
import java.util.zip.CRC32C;

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

	static final String KEY = "books:7:isbn-1";

	private static final Instant EXPIRY = Instant.parse("2030-01-02T03:04:05.678Z");

	private final MessagePackCodec codec = MessagePackCodec.builder()
		.trustedPackages("io.cachekit.codec.fixture")
		.build();

	@Test
	void headerHoldsMagicVersionCodecIdFlagsAndExpiry() {
		byte[] bytes = this.codec.encode("x", EXPIRY, KEY);
		assertThat(Arrays.copyOf(bytes, 5)).containsExactly('C', 'K', 2, 1, 0);
		assertThat(ByteBuffer.wrap(bytes, 5, 8).getLong()).isEqualTo(EXPIRY.toEpochMilli());
		assertThat(bytes.length).isGreaterThan(13);
	}

	@Test
	void nullIsAMarkerFlagWithNoPayload() {
		byte[] bytes = this.codec.encode(null, null, KEY);
		assertThat(Arrays.copyOf(bytes, 13)).containsExactly('C', 'K', 2, 1, 4, 0, 0, 0, 0, 0, 0, 0, 0);
		assertThat(bytes).hasSize(13 + 8);
		assertThat(this.codec.decode(bytes, KEY)).isEqualTo(new CachedValue(null, null));
	}

	@Test
	void envelopeEndsWithACrc32cOfHeaderAndPayloadThenOneContinuedOverTheKey() {
		byte[] bytes = this.codec.encode(List.of("a", 1L), EXPIRY, KEY);
		int end = bytes.length - 8;
		CRC32C crc = new CRC32C();
		crc.update(bytes, 0, end);
		assertThat(ByteBuffer.wrap(bytes, end, 4).getInt()).isEqualTo((int) crc.getValue());
		crc.update(KEY.getBytes(StandardCharsets.UTF_16BE));
		assertThat(ByteBuffer.wrap(bytes, end + 4, 4).getInt()).isEqualTo((int) crc.getValue());
		System.out.println("[figure] envelope v2 integrity checks: " + EnvelopeChecks.LENGTH + " bytes per entry");
	}

	@Test
	void everyFlippedBitOfARealEntryIsRefusedNeverReadAsAValue() {
		Map<String, Object> map = new LinkedHashMap<>();
		map.put("point", new Point(1, 2));
		map.put("total", 12.5);
		List<byte[]> entries = List.of(this.codec.encode("a string value", EXPIRY, KEY),
				this.codec.encode(List.of("first", 2L, 3, new Point(4, 5)), EXPIRY, KEY),
				this.codec.encode(map, null, KEY), this.codec.encode(123456789L, EXPIRY, KEY),
				this.codec.encode(null, EXPIRY, KEY), this.codec.encode("tagged", EXPIRY, Map.of("user:42", 3L), KEY));
		Map<CodecException.Kind, Integer> kinds = new java.util.EnumMap<>(CodecException.Kind.class);
		int positions = 0;
		for (byte[] entry : entries) {
			for (int bit = 0; bit < entry.length * 8; bit++) {
				byte[] flipped = entry.clone();
				flipped[bit / 8] ^= (byte) (1 << (bit % 8));
				CodecException.Kind kind = decodeFailure(flipped, KEY, "bit " + bit);
				kinds.merge(kind, 1, Integer::sum);
				positions++;
				int index = bit / 8;
				if (index == 2) {
					assertThat(kind).as("bit %d (version)", bit).isEqualTo(CodecException.Kind.UNKNOWN_FORMAT);
				}
				else if (index >= entry.length - 4) {
					assertThat(kind).as("bit %d (key check)", bit).isEqualTo(CodecException.Kind.MISPLACED);
				}
				else {
					assertThat(kind).as("bit %d", bit).isEqualTo(CodecException.Kind.CORRUPT);
				}
			}
		}
		System.out.println("[figure] flipped bits of real entries read as a value: 0 of " + positions + " positions ("
				+ kinds + ")");
	}

	@Test
	void entryReadUnderAnotherKeyCacheOrGenerationIsMisplaced() {
		byte[] value = this.codec.encode(new Point(1, 2), EXPIRY, "books:7:isbn-1");
		byte[] cachedNull = this.codec.encode(null, null, "books:7:isbn-1");
		for (String other : List.of("books:7:isbn-2", "authors:7:isbn-1", "books:8:isbn-1", "books:7:isbn-1 ",
				"books:7:isbn-", "")) {
			assertThat(decodeFailure(value, other, other)).isEqualTo(CodecException.Kind.MISPLACED);
			assertThat(decodeFailure(cachedNull, other, other)).isEqualTo(CodecException.Kind.MISPLACED);
		}
		assertThat(this.codec.decode(value, "books:7:isbn-1").value()).isEqualTo(new Point(1, 2));
	}

	@Test
	void keysThatDifferOnlyInUnpairedSurrogatesAreDifferentKeys() {
		byte[] bytes = this.codec.encode("x", null, "books:1:\uD800");
		assertThat(decodeFailure(bytes, "books:1:\uDC00", "other surrogate")).isEqualTo(CodecException.Kind.MISPLACED);
		assertThat(this.codec.decode(bytes, "books:1:\uD800").value()).isEqualTo("x");
	}

	@Test
	void misplacedEntryMessageDoesNotNameTheKeys() {
		byte[] bytes = this.codec.encode("x", null, "books:1:secret-account-42");
		assertDecodeFails(bytes, "books:1:unrelated-7", CodecException.Kind.MISPLACED)
			.withMessageNotContaining("secret")
			.withMessageNotContaining("unrelated");
	}

	@Test
	void entryOfFormatVersion1IsUnknownFormat() {
		// Version 1: the same header, then the payload, and no checks.
		byte[] current = this.codec.encode("x", EXPIRY, KEY);
		byte[] payload = Arrays.copyOfRange(current, 13, current.length - 8);
		byte[] version1 = Arrays.copyOf(header(0), 13 + payload.length);
		version1[2] = 1;
		System.arraycopy(payload, 0, version1, 13, payload.length);
		assertDecodeFails(version1, CodecException.Kind.UNKNOWN_FORMAT).withMessageContaining("version 1");
		assertDecodeFails(new byte[] { 'C', 'K', 1, 1, 4, 0, 0, 0, 0, 0, 0, 0, 0 }, CodecException.Kind.UNKNOWN_FORMAT);
	}

	@Test
	void nullExpiryIsWrittenAsZeroAndReadAsNever() {
		byte[] bytes = this.codec.encode("x", null, KEY);
		assertThat(ByteBuffer.wrap(bytes, 5, 8).getLong()).isZero();
		assertThat(this.codec.decode(bytes, KEY).expiresAt()).isNull();
	}

	@Test
	void expiryRoundTripsToTheMillisecond() {
		Instant expiry = Instant.parse("2029-12-31T23:59:59.999999999Z");
		assertThat(this.codec.decode(this.codec.encode(1L, expiry, KEY), KEY).expiresAt())
			.isEqualTo(Instant.parse("2029-12-31T23:59:59.999Z"));
	}

	@Test
	void expiryWithinTheFirstMillisecondAfterTheEpochIsNotReadAsNever() {
		assertThat(this.codec.decode(this.codec.encode(1L, Instant.EPOCH.plusNanos(1), KEY), KEY).expiresAt())
			.isEqualTo(Instant.ofEpochMilli(1));
	}

	@Test
	void expiryBeyondTheRangeOfEpochMillisecondsIsKeptAsTheLatestOne() {
		assertThat(this.codec.decode(this.codec.encode(1L, Instant.MAX, KEY), KEY).expiresAt())
			.isEqualTo(Instant.ofEpochMilli(Long.MAX_VALUE));
	}

	@Test
	void expiryAtOrBeforeTheEpochIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.codec.encode("x", Instant.EPOCH, KEY))
			.withMessageContaining("expiresAt");
		assertThatIllegalArgumentException().isThrownBy(() -> this.codec.encode("x", Instant.ofEpochSecond(-5), KEY))
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
		byte[] bytes = this.codec.encode("x", EXPIRY, KEY);
		for (int length = 0; length < 13 + 8; length++) {
			assertDecodeFails(Arrays.copyOf(bytes, length), CodecException.Kind.CORRUPT);
		}
	}

	@Test
	void headerWithoutPayloadIsCorrupt() {
		assertDecodeFails(sealed(header(0)), CodecException.Kind.CORRUPT).withMessageContaining("truncated");
	}

	@Test
	void truncatedPayloadIsCorrupt() {
		byte[] bytes = this.codec.encode(List.of(new Point(1, 2), "a longer string value"), EXPIRY, KEY);
		for (int length = 13; length < bytes.length; length++) {
			assertDecodeFails(Arrays.copyOf(bytes, length), CodecException.Kind.CORRUPT);
		}
	}

	@Test
	void bytesAfterThePayloadAreCorrupt() {
		byte[] bytes = this.codec.encode("x", EXPIRY, KEY);
		byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
		assertDecodeFails(longer, CodecException.Kind.CORRUPT).withMessageContaining("check");
		assertDecodeFails(withPayload(new byte[] { (byte) 0xc0, (byte) 0xc0 }), CodecException.Kind.CORRUPT)
			.withMessageContaining("after");
	}

	@Test
	void nullMarkerFollowedByAPayloadIsCorrupt() {
		byte[] bytes = Arrays.copyOf(header(4), 14);
		bytes[13] = (byte) 0xc0;
		assertDecodeFails(sealed(bytes), CodecException.Kind.CORRUPT).withMessageContaining("payload bytes");
	}

	@Test
	void otherFormatVersionIsUnknownFormat() {
		for (int version : new int[] { 0, 1, 3, 255 }) {
			byte[] bytes = this.codec.encode("x", EXPIRY, KEY);
			bytes[2] = (byte) version;
			assertDecodeFails(bytes, CodecException.Kind.UNKNOWN_FORMAT).withMessageContaining("version " + version);
		}
	}

	@Test
	void otherFormatVersionIsUnknownFormatEvenWhenShorterThanThisVersionsHeader() {
		assertDecodeFails(new byte[] { 'C', 'K', 3 }, CodecException.Kind.UNKNOWN_FORMAT);
	}

	@Test
	void otherCodecIdIsUnknownFormat() {
		byte[] bytes = this.codec.encode("x", EXPIRY, KEY);
		bytes[3] = 2;
		EnvelopeChecks.seal(bytes, KEY);
		assertDecodeFails(bytes, CodecException.Kind.UNKNOWN_FORMAT).withMessageContaining("codec id 2");
	}

	@Test
	void compressedFlagOnAnUncompressedPayloadIsCorrupt() {
		byte[] bytes = this.codec.encode("x", EXPIRY, KEY);
		bytes[4] = 1;
		EnvelopeChecks.seal(bytes, KEY);
		assertDecodeFails(bytes, CodecException.Kind.CORRUPT).withMessageContaining("compressed body is truncated");
	}

	@Test
	void encryptedFlagIsUnknownFormat() {
		byte[] bytes = this.codec.encode("x", EXPIRY, KEY);
		bytes[4] = 2;
		EnvelopeChecks.seal(bytes, KEY);
		assertDecodeFails(bytes, CodecException.Kind.UNKNOWN_FORMAT).withMessageContaining("encrypted");
	}

	@Test
	void unknownFlagIsUnknownFormat() {
		for (int bit = 4; bit < 8; bit++) {
			byte[] bytes = this.codec.encode("x", EXPIRY, KEY);
			bytes[4] = (byte) (1 << bit);
			EnvelopeChecks.seal(bytes, KEY);
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
	void messagePackWithoutTypeIdsIsIncompatible() throws IOException {
		MessageBufferPacker packer = MessagePack.newDefaultBufferPacker();
		packer.packMapHeader(1).packString("x").packInt(1);
		assertDecodeFails(withPayload(packer.toByteArray()), CodecException.Kind.INCOMPATIBLE);
	}

	@Test
	void randomBytesOnlyEverDecodeOrFailAsCodecException() {
		Random random = new Random(20240611);
		for (int i = 0; i < 2000; i++) {
			byte[] bytes = new byte[random.nextInt(64)];
			random.nextBytes(bytes);
			if (i % 2 == 0 && bytes.length >= 13 + EnvelopeChecks.LENGTH) {
				// A header and random payload with valid checks, as someone who writes L2
				// could make: the payload reaches the parser.
				System.arraycopy(header(0), 0, bytes, 0, 13);
				EnvelopeChecks.seal(bytes, KEY);
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
		List<byte[]> envelopes = new ArrayList<>(List.of(this.codec.encode(value, EXPIRY, KEY),
				this.codec.encode(List.of("a", new Point(3, 4)), null, KEY), this.codec.encode(null, EXPIRY, KEY)));
		Random random = new Random(611);
		for (byte[] envelope : envelopes) {
			for (int i = 0; i < 700; i++) {
				byte[] bytes = Arrays.copyOf(envelope, random.nextInt(envelope.length + 1));
				if (i % 2 == 1 && bytes.length > 0) {
					bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
				}
				if (i % 4 >= 2 && bytes.length >= 13 + EnvelopeChecks.LENGTH) {
					// Checks computed anew, so that the damage reaches the parser.
					EnvelopeChecks.seal(bytes, KEY);
				}
				assertDecodesOrFailsAsCodecException(bytes, "mutation #" + i);
			}
		}
	}

	private void assertDecodesOrFailsAsCodecException(byte[] bytes, String description) {
		try {
			this.codec.decode(bytes, KEY);
		}
		catch (CodecException ex) {
			assertThat(ex.getKind()).isNotNull();
		}
		catch (Throwable ex) {
			fail("Decoding %s %s threw %s", description, Arrays.toString(bytes), ex);
		}
	}

	private CodecException.Kind decodeFailure(byte[] bytes, String key, String description) {
		try {
			CachedValue read = this.codec.decode(bytes, key);
			return fail("Decoding %s read %s", description, read);
		}
		catch (CodecException ex) {
			return ex.getKind();
		}
	}

	private org.assertj.core.api.ThrowableAssertAlternative<CodecException> assertDecodeFails(byte[] bytes,
			CodecException.Kind kind) {
		return assertDecodeFails(bytes, KEY, kind);
	}

	private org.assertj.core.api.ThrowableAssertAlternative<CodecException> assertDecodeFails(byte[] bytes, String key,
			CodecException.Kind kind) {
		return assertThatExceptionOfType(CodecException.class).isThrownBy(() -> this.codec.decode(bytes, key))
			.satisfies((ex) -> assertThat(ex.getKind()).isEqualTo(kind));
	}

	static byte[] header(int flags) {
		return new byte[] { 'C', 'K', 2, 1, (byte) flags, 0, 0, 0, 0, 0, 0, 0, 0 };
	}

	/**
	 * Returns an envelope with the given payload and valid checks for {@link #KEY}, as
	 * someone who writes L2 could make.
	 */
	static byte[] withPayload(byte[] payload) {
		byte[] bytes = Arrays.copyOf(header(0), 13 + payload.length);
		System.arraycopy(payload, 0, bytes, 13, payload.length);
		return sealed(bytes);
	}

	static byte[] sealed(byte[] headerAndPayload) {
		byte[] bytes = Arrays.copyOf(headerAndPayload, headerAndPayload.length + EnvelopeChecks.LENGTH);
		EnvelopeChecks.seal(bytes, KEY);
		return bytes;
	}

}
