package io.cachekit.codec;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.cachekit.codec.fixture.Point;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The tag block of {@link MessagePackCodec}'s envelope: the versions of an entry's tags,
 * read back with the value, covered by the checks and the cipher, and refused when
 * malformed.
 */
class MessagePackCodecTagsTests {

	private static final String KEY = "books:7:isbn-1";

	private static final Instant EXPIRY = Instant.parse("2030-01-02T03:04:05.678Z");

	private static final Map<String, Long> TAGS = tags("user:42", 1_764_000_000_000L, "tenant:é", 7L);

	private final MessagePackCodec plain = MessagePackCodec.builder()
		.trustedPackages("io.cachekit.codec.fixture")
		.build();

	private final MessagePackCodec compressing = MessagePackCodec.builder()
		.trustedPackages("io.cachekit.codec.fixture")
		.compression(16)
		.build();

	private final MessagePackCodec encrypting = MessagePackCodec.builder()
		.trustedPackages("io.cachekit.codec.fixture")
		.encryption("books", EncryptionKey.of(EncryptionKeyTests.bytes(32, 1)), List.of())
		.build();

	@Test
	void tagsComeBackWithTheValueWhateverTheEnvelopeCarries() {
		for (MessagePackCodec codec : List.of(this.plain, this.compressing, this.encrypting)) {
			for (Object value : Arrays.asList("a title", new Point(3, 4), "long ".repeat(100), null)) {
				byte[] bytes = codec.encode(value, EXPIRY, TAGS, KEY);
				CachedValue read = codec.decode(bytes, KEY);
				assertThat(read).as("%s, %s", codec, value).isEqualTo(new CachedValue(value, EXPIRY, TAGS));
				assertThat(read.tags()).containsExactlyInAnyOrderEntriesOf(TAGS);
			}
		}
	}

	@Test
	void anEntryWithoutTagsIsWrittenAsBeforeTagsExisted() {
		for (MessagePackCodec codec : List.of(this.plain, this.compressing)) {
			for (Object value : Arrays.asList("a title", new Point(3, 4), "long ".repeat(100), null)) {
				assertThat(codec.encode(value, EXPIRY, Map.of(), KEY)).isEqualTo(codec.encode(value, EXPIRY, KEY));
			}
		}
		assertThat(this.plain.decode(this.plain.encode("a title", EXPIRY, KEY), KEY).tags()).isEmpty();
	}

	@Test
	void theTagBlockFollowsTheHeaderAndIsFlagged() {
		byte[] bytes = this.plain.encode("x", EXPIRY, tags("ab", 258L), KEY);
		assertThat(bytes[4] & 0xFF).isEqualTo(MessagePackCodec.FLAG_TAGGED);
		assertThat(Arrays.copyOfRange(bytes, 13, 13 + 1 + 1 + 2 + 8)).containsExactly(1, 2, 'a', 'b', 0, 0, 0, 0, 0, 0,
				1, 2);
	}

	@Test
	void everyFlippedBitOfTheTagBlockIsRefused() {
		byte[] entry = this.plain.encode("x", EXPIRY, TAGS, KEY);
		int blockEnd = 13 + 1 + (1 + 7 + 8) + (1 + "tenant:é".getBytes(StandardCharsets.UTF_8).length + 8);
		for (int bit = 13 * 8; bit < blockEnd * 8; bit++) {
			byte[] flipped = entry.clone();
			flipped[bit / 8] ^= (byte) (1 << (bit % 8));
			assertThat(refusal(this.plain, flipped)).as("bit %d", bit).isEqualTo(CodecException.Kind.CORRUPT);
		}
	}

	@Test
	void aTagChangedByOneWhoRecomputedTheChecksDoesNotDecryptTheEntry() {
		byte[] bytes = this.encrypting.encode("a title", EXPIRY, tags("user:42", 5L), KEY);
		bytes[13 + 1 + 1 + 7 + 7] = 6;
		EnvelopeChecks.seal(bytes, KEY);
		assertThat(refusal(this.encrypting, bytes)).isEqualTo(CodecException.Kind.UNDECRYPTABLE);
	}

	@Test
	void aMalformedTagBlockIsCorrupt() {
		assertThat(refusal(this.plain, block(0))).as("no tag").isEqualTo(CodecException.Kind.CORRUPT);
		assertThat(refusal(this.plain, block(1, 0))).as("empty tag").isEqualTo(CodecException.Kind.CORRUPT);
		assertThat(refusal(this.plain, block(1, 3, 'a', 'b'))).as("truncated").isEqualTo(CodecException.Kind.CORRUPT);
		assertThat(refusal(this.plain, block(1, 1, 0xC3, 0, 0, 0, 0, 0, 0, 0, 1))).as("not UTF-8")
			.isEqualTo(CodecException.Kind.CORRUPT);
		assertThat(refusal(this.plain, block(1, 1, 'a', 0x80, 0, 0, 0, 0, 0, 0, 1))).as("negative version")
			.isEqualTo(CodecException.Kind.CORRUPT);
		assertThat(refusal(this.plain, block(2, 1, 'a', 0, 0, 0, 0, 0, 0, 0, 1, 1, 'a', 0, 0, 0, 0, 0, 0, 0, 2)))
			.as("a tag twice")
			.isEqualTo(CodecException.Kind.CORRUPT);
		assertThat(refusal(this.plain, block(1, 1, 'a', 0, 0, 0, 0, 0, 0, 0, 1)))
			.as("a well-formed block with a null value's marker missing")
			.isEqualTo(CodecException.Kind.CORRUPT);
	}

	@Test
	void aWellFormedBlockMadeByHandIsRead() {
		byte[] bytes = block(1, 1, 'a', 0, 0, 0, 0, 0, 0, 0, 9);
		bytes[4] |= MessagePackCodec.FLAG_NULL;
		EnvelopeChecks.seal(bytes, KEY);
		assertThat(this.plain.decode(bytes, KEY)).isEqualTo(new CachedValue(null, null, Map.of("a", 9L)));
	}

	@Test
	void tagsBeyondWhatTheEnvelopeHoldsAreRefusedWhenWriting() {
		Map<String, Long> many = new LinkedHashMap<>();
		for (int i = 0; i < 256; i++) {
			many.put("t" + i, 1L);
		}
		assertThatIllegalArgumentException().isThrownBy(() -> this.plain.encode("x", null, many, KEY))
			.withMessageContaining("255");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.plain.encode("x", null, Map.of("é".repeat(128), 1L), KEY))
			.withMessageContaining("256");
		assertThatIllegalArgumentException().isThrownBy(() -> this.plain.encode("x", null, Map.of("", 1L), KEY));
		assertThatIllegalArgumentException().isThrownBy(() -> this.plain.encode("x", null, Map.of("a", -1L), KEY))
			.withMessageContaining("-1");
		assertThat(this.plain
			.decode(this.plain.encode("x", null,
					many.entrySet()
						.stream()
						.limit(255)
						.collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)),
					KEY), KEY)
			.tags()).hasSize(255);
	}

	@Test
	void aCodecThatDoesNotRecordTagsRefusesThemAndEncodesAnEntryWithout() {
		ValueCodec own = new ValueCodec() {

			@Override
			public byte[] encode(@Nullable Object value, @Nullable Instant expiresAt, String key) {
				return new byte[] { 1 };
			}

			@Override
			public CachedValue decode(byte[] bytes, String key) {
				return new CachedValue(null, null);
			}

		};
		assertThat(own.encode("x", null, Map.of(), KEY)).containsExactly(1);
		assertThatExceptionOfType(CodecException.class).isThrownBy(() -> own.encode("x", null, TAGS, KEY))
			.satisfies((ex) -> assertThat(ex.getKind()).isEqualTo(CodecException.Kind.UNSERIALIZABLE))
			.withMessageContaining("does not record them");
	}

	/**
	 * An envelope flagged tagged, with no payload, whose tag block is the given bytes.
	 */
	private static byte[] block(int... block) {
		byte[] bytes = new byte[13 + block.length + EnvelopeChecks.LENGTH];
		bytes[0] = 'C';
		bytes[1] = 'K';
		bytes[2] = MessagePackCodec.FORMAT_VERSION;
		bytes[3] = MessagePackCodec.CODEC_ID;
		bytes[4] = (byte) MessagePackCodec.FLAG_TAGGED;
		for (int i = 0; i < block.length; i++) {
			bytes[13 + i] = (byte) block[i];
		}
		EnvelopeChecks.seal(bytes, KEY);
		return bytes;
	}

	private static CodecException.Kind refusal(MessagePackCodec codec, byte[] bytes) {
		try {
			CachedValue value = codec.decode(bytes, KEY);
			throw new AssertionError("decoded " + value);
		}
		catch (CodecException ex) {
			return ex.getKind();
		}
	}

	private static Map<String, Long> tags(Object... pairs) {
		Map<String, Long> tags = new LinkedHashMap<>();
		for (int i = 0; i < pairs.length; i += 2) {
			tags.put((String) pairs[i], ((Number) pairs[i + 1]).longValue());
		}
		return tags;
	}

}
