package io.cachekit.codec;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.cachekit.codec.fixture.Point;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Encryption at rest in {@link MessagePackCodec}: AES-256-GCM with a key per cache, the
 * key id and nonce in the envelope, the L2 key in the associated data, rotation and no
 * downgrade.
 */
class MessagePackCodecEncryptionTests {

	private static final String KEY = "books:7:isbn-1";

	private static final Instant EXPIRY = Instant.parse("2030-01-02T03:04:05.678Z");

	private static final EncryptionKey OLD = EncryptionKey.of(EncryptionKeyTests.bytes(32, 1));

	private static final EncryptionKey NEW = EncryptionKey.of(EncryptionKeyTests.bytes(32, 2));

	private static final int PREFIX = MessagePackCodec.HEADER_LENGTH + PayloadEncryption.KEY_ID_LENGTH;

	private final MessagePackCodec books = codec("books", NEW);

	private final MessagePackCodec plain = MessagePackCodec.builder()
		.trustedPackages("io.cachekit.codec.fixture")
		.build();

	@Test
	void roundTripsValuesAndNull() {
		for (Object value : List.of("a title", 42L, new Point(3, 4), List.of("x", "y"))) {
			byte[] bytes = this.books.encode(value, EXPIRY, KEY);
			assertThat(this.books.decode(bytes, KEY)).isEqualTo(new CachedValue(value, EXPIRY));
		}
		byte[] nullMarker = this.books.encode(null, null, KEY);
		assertThat(this.books.decode(nullMarker, KEY)).isEqualTo(new CachedValue(null, null));
	}

	@Test
	void envelopeHasTheEncryptedFlagKeyIdNonceAndNoPlaintext() {
		byte[] bytes = this.books.encode("a secret title", EXPIRY, KEY);
		byte[] plainBytes = this.plain.encode("a secret title", EXPIRY, KEY);
		assertThat(Arrays.copyOf(bytes, 5)).containsExactly('C', 'K', 2, 1, 2);
		assertThat(ByteBuffer.wrap(bytes, 5, 8).getLong()).isEqualTo(EXPIRY.toEpochMilli());
		assertThat(ByteBuffer.wrap(bytes, 13, 4).getInt())
			.isEqualTo(PayloadEncryption.keyIds("books", List.of(NEW)).get(0));
		assertThat(new String(bytes, StandardCharsets.ISO_8859_1)).doesNotContain("secret");
		int overhead = bytes.length - plainBytes.length;
		System.out.println("[figure] encryption overhead per entry: " + overhead + " bytes");
		assertThat(overhead).isEqualTo(4 + 12 + 16);
	}

	@Test
	void keyIdIsDerivedFromTheConfiguredKeyWithItsOwnInfo() {
		byte[] info = "cachekit key id v2\0books".getBytes(StandardCharsets.US_ASCII);
		byte[] expected = Hkdf.derive("cachekit encryption at rest".getBytes(StandardCharsets.US_ASCII), NEW.material(),
				info, 4);
		assertThat(PayloadEncryption.keyIds("books", List.of(NEW)).get(0))
			.isEqualTo(ByteBuffer.wrap(expected).getInt());
	}

	@Test
	void nullIsEncryptedToo() {
		byte[] bytes = this.books.encode(null, null, KEY);
		assertThat(bytes[4]).isEqualTo((byte) (MessagePackCodec.FLAG_ENCRYPTED | MessagePackCodec.FLAG_NULL));
		assertThat(bytes).hasSize(13 + 4 + 12 + 16 + 8);
	}

	@Test
	void eachCacheHasItsOwnKey() {
		MessagePackCodec authors = codec("authors", NEW);
		List<Integer> ids = List.of(PayloadEncryption.keyIds("books", List.of(NEW)).get(0),
				PayloadEncryption.keyIds("authors", List.of(NEW)).get(0),
				PayloadEncryption.keyIds("books ", List.of(NEW)).get(0),
				PayloadEncryption.keyIds("books", List.of(OLD)).get(0));
		assertThat(new HashSet<>(ids)).hasSize(4);
		// Same L2 key, same key material, another cache: its key does not open the entry.
		byte[] bytes = this.books.encode("x", null, KEY);
		assertThatExceptionOfType(CodecException.class).isThrownBy(() -> authors.decode(bytes, KEY))
			.satisfies((ex) -> assertThat(ex.getKind()).isEqualTo(CodecException.Kind.UNDECRYPTABLE))
			.withMessageContaining("key id");
		// Even with the key id of the other cache written in, the tag fails.
		int authorsId = PayloadEncryption.keyIds("authors", List.of(NEW)).get(0);
		ByteBuffer.wrap(bytes, MessagePackCodec.HEADER_LENGTH, 4).putInt(authorsId);
		EnvelopeChecks.seal(bytes, KEY);
		assertUndecryptable(authors, bytes, KEY);
	}

	@Test
	void entryMovedToAnotherKeyIsMisplacedAndWithRecomputedChecksDoesNotDecrypt() {
		String otherKey = "books:7:isbn-2";
		byte[] bytes = this.books.encode("x", null, KEY);
		assertThatExceptionOfType(CodecException.class).isThrownBy(() -> this.books.decode(bytes, otherKey))
			.satisfies((ex) -> assertThat(ex.getKind()).isEqualTo(CodecException.Kind.MISPLACED));
		for (String moved : List.of(otherKey, "books:8:isbn-1", "authors:7:isbn-1")) {
			byte[] copy = bytes.clone();
			EnvelopeChecks.seal(copy, moved);
			assertUndecryptable(this.books, copy, moved);
		}
	}

	@Test
	void everyTamperedByteWithRecomputedChecksIsRefused() {
		byte[] original = this.books.encode(new Point(1, 2), EXPIRY, KEY);
		int end = original.length - EnvelopeChecks.LENGTH;
		int keyIdStart = MessagePackCodec.HEADER_LENGTH;
		int keyIdEnd = keyIdStart + PayloadEncryption.KEY_ID_LENGTH;
		int onTheTag = 0;
		int onTheKeyId = 0;
		int onTheFlag = 0;
		for (int position = 4; position < end; position++) {
			// Magic, version and codec id (bytes 0-3) are refused before decryption.
			for (int bit = 0; bit < 8; bit++) {
				byte[] tampered = original.clone();
				tampered[position] ^= (byte) (1 << bit);
				EnvelopeChecks.seal(tampered, KEY);
				CodecException refusal = assertThatExceptionOfType(CodecException.class)
					.isThrownBy(() -> this.books.decode(tampered, KEY))
					.actual();
				if (position == 4 && bit == 1) {
					// The encrypted flag cleared: refused as plaintext, never parsed.
					assertThat(refusal.getKind()).isEqualTo(CodecException.Kind.UNENCRYPTED);
					onTheFlag++;
				}
				else if (position == 4 && bit == 3) {
					// The tagged flag set: the key id and nonce are read as a tag block,
					// which is malformed, or else the tag does not match.
					assertThat(refusal.getKind()).isIn(CodecException.Kind.CORRUPT, CodecException.Kind.UNDECRYPTABLE);
					onTheFlag++;
				}
				else if (position >= keyIdStart && position < keyIdEnd) {
					// By construction: any other id is one this cache does not have.
					assertThat(refusal.getKind()).isEqualTo(CodecException.Kind.UNDECRYPTABLE);
					assertThat(refusal.getMessage()).contains("key id");
					onTheKeyId++;
				}
				else {
					assertThat(refusal.getKind()).as("byte %d bit %d", position, bit)
						.isEqualTo(CodecException.Kind.UNDECRYPTABLE);
					assertThat(refusal.getMessage()).contains("authentication tag does not match");
					onTheTag++;
				}
			}
		}
		System.out.println("[figure] tampered encrypted entry, checks recomputed: "
				+ (onTheTag + onTheKeyId + onTheFlag) + " single-bit changes refused: " + onTheTag + " by the tag, "
				+ onTheKeyId + " key-id changes as an unknown key id, " + onTheFlag
				+ " (encrypted flag, tagged flag) as plaintext or a malformed tag block");
	}

	@Test
	void flagsByteTamperedToPlaintextIsRefused() {
		byte[] bytes = this.books.encode("x", null, KEY);
		bytes[4] = 0;
		EnvelopeChecks.seal(bytes, KEY);
		assertThat(refusal(this.books, bytes, KEY)).isEqualTo(CodecException.Kind.UNENCRYPTED);
	}

	@Test
	void previousKeysStillDecryptAndTheNextWriteUsesTheCurrentKey() {
		MessagePackCodec before = codec("books", OLD);
		MessagePackCodec after = MessagePackCodec.builder()
			.trustedPackages("io.cachekit.codec.fixture")
			.encryption("books", NEW, List.of(OLD))
			.build();
		byte[] written = before.encode("x", EXPIRY, KEY);
		assertThat(after.decode(written, KEY)).isEqualTo(new CachedValue("x", EXPIRY));
		byte[] rewritten = after.encode("x", EXPIRY, KEY);
		assertThat(ByteBuffer.wrap(rewritten, 13, 4).getInt())
			.isEqualTo(PayloadEncryption.keyIds("books", List.of(NEW)).get(0))
			.isNotEqualTo(ByteBuffer.wrap(written, 13, 4).getInt());
		assertThat(this.books.decode(rewritten, KEY)).isEqualTo(new CachedValue("x", EXPIRY));
		assertUndecryptable(this.books, written, KEY);
	}

	@Test
	void plaintextEntriesAndNullMarkersAreRefusedByAnEncryptingCodec() {
		for (Object value : new Object[] { "x", null }) {
			byte[] bytes = this.plain.encode(value, null, KEY);
			assertThatExceptionOfType(CodecException.class).isThrownBy(() -> this.books.decode(bytes, KEY))
				.satisfies((ex) -> assertThat(ex.getKind()).isEqualTo(CodecException.Kind.UNENCRYPTED));
		}
	}

	@Test
	void encryptedEntriesAreAnUnknownFormatToACodecWithoutEncryption() {
		byte[] bytes = this.books.encode("x", null, KEY);
		assertThat(refusal(this.plain, bytes, KEY)).isEqualTo(CodecException.Kind.UNKNOWN_FORMAT);
	}

	@Test
	void truncatedCiphertextIsCorrupt() {
		byte[] bytes = this.books.encode(null, null, KEY);
		byte[] truncated = Arrays.copyOfRange(bytes, 0, bytes.length - 10);
		EnvelopeChecks.seal(truncated, KEY);
		assertThat(refusal(this.books, truncated, KEY)).isEqualTo(CodecException.Kind.CORRUPT);
	}

	@Test
	void noncesAreUniqueOverManyEncryptions() {
		int count = 200_000;
		Set<ByteBuffer> nonces = new HashSet<>(count * 2);
		for (int i = 0; i < count; i++) {
			byte[] bytes = this.books.encode(null, null, KEY);
			nonces.add(ByteBuffer.wrap(Arrays.copyOfRange(bytes, PREFIX, PREFIX + PayloadEncryption.NONCE_LENGTH)));
		}
		System.out.println("[figure] distinct nonces over " + count + " encryptions: " + nonces.size());
		assertThat(nonces).hasSize(count);
	}

	@Test
	void sameValueEncryptsDifferentlyEachTime() {
		assertThat(this.books.encode("x", null, KEY)).isNotEqualTo(this.books.encode("x", null, KEY));
	}

	@Test
	void toStringShowsNoKeyMaterial() {
		assertThat(this.books.toString())
			.isEqualTo("MessagePackCodec[trustedPackages=[io.cachekit.codec.fixture], encryption=AES-256-GCM, 1 key]");
	}

	@Test
	void builderRefusesABlankCacheNameAndNullPreviousKeys() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> MessagePackCodec.builder().encryption(" ", NEW, List.of()))
			.withMessage("cacheName must not be blank");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> MessagePackCodec.builder().encryption("books", NEW, Arrays.asList(OLD, null)))
			.withMessage("previousKeys[1] must not be null");
	}

	@Test
	void compressesBeforeItEncryptsAndDecryptsBeforeItDecompresses() {
		MessagePackCodec both = MessagePackCodec.builder()
			.trustedPackages("io.cachekit.codec.fixture")
			.compression(64)
			.encryption("books", NEW, List.of())
			.build();
		String text = "a long and repetitive title, ".repeat(40);
		byte[] bytes = both.encode(text, EXPIRY, KEY);
		byte[] uncompressed = this.books.encode(text, EXPIRY, KEY);
		assertThat(bytes[4]).isEqualTo((byte) (MessagePackCodec.FLAG_ENCRYPTED | MessagePackCodec.FLAG_COMPRESSED));
		assertThat(bytes.length).isLessThan(uncompressed.length / 4);
		assertThat(both.decode(bytes, KEY)).isEqualTo(new CachedValue(text, EXPIRY));
		assertThat(this.books.decode(bytes, KEY)).as("a reader without compression reads it too")
			.isEqualTo(new CachedValue(text, EXPIRY));
		byte[] tampered = bytes.clone();
		tampered[PREFIX + 12 + 3] ^= 1;
		EnvelopeChecks.seal(tampered, KEY);
		assertUndecryptable(both, tampered, KEY);
	}

	private static MessagePackCodec codec(String cacheName, EncryptionKey key) {
		return MessagePackCodec.builder()
			.trustedPackages("io.cachekit.codec.fixture")
			.encryption(cacheName, key, List.of())
			.build();
	}

	private static void assertUndecryptable(MessagePackCodec codec, byte[] bytes, String key) {
		assertThat(refusal(codec, bytes, key)).isEqualTo(CodecException.Kind.UNDECRYPTABLE);
	}

	private static CodecException.Kind refusal(MessagePackCodec codec, byte[] bytes, String key) {
		try {
			CachedValue value = codec.decode(bytes, key);
			throw new AssertionError("decoded " + value);
		}
		catch (CodecException ex) {
			assertThat(ex.getMessage()).doesNotContain(key);
			return ex.getKind();
		}
	}

}
