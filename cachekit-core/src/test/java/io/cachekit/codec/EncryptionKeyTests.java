package io.cachekit.codec;

import java.util.Base64;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * How {@link EncryptionKey} reads key text, and that it never shows it.
 */
class EncryptionKeyTests {

	private static final byte[] MATERIAL = bytes(32, 7);

	@Test
	void readsHexWithAndWithoutPrefix() {
		String hex = HexFormat.of().formatHex(MATERIAL);
		assertThat(EncryptionKey.parse(hex).material()).isEqualTo(MATERIAL);
		assertThat(EncryptionKey.parse("hex:" + hex.toUpperCase()).material()).isEqualTo(MATERIAL);
	}

	@Test
	void readsStandardAndUrlSafeBase64WithAndWithoutPrefixAndPadding() {
		byte[] material = bytes(34, 250);
		String standard = Base64.getEncoder().encodeToString(material);
		assertThat(standard).containsAnyOf("+", "/").endsWith("=");
		assertThat(EncryptionKey.parse(standard).material()).isEqualTo(material);
		assertThat(EncryptionKey.parse("base64:" + standard).material()).isEqualTo(material);
		String urlSafe = Base64.getUrlEncoder().withoutPadding().encodeToString(material);
		assertThat(EncryptionKey.parse(" " + urlSafe + "\n").material()).isEqualTo(material);
	}

	@Test
	void base64PrefixReadsTextThatLooksLikeHexAsBase64() {
		String text = "0123456789abcdef0123456789abcdef0123456789abcdef";
		assertThat(EncryptionKey.parse("base64:" + text).material()).isEqualTo(Base64.getDecoder().decode(text));
		assertThat(EncryptionKey.parse(text + "0123456789abcdef").material()).hasSize(32);
	}

	@Test
	void refusesKeysShorterThan32BytesNamingTheLengthOnly() {
		String hex = HexFormat.of().formatHex(bytes(31, 1));
		assertThatIllegalArgumentException().isThrownBy(() -> EncryptionKey.parse(hex))
			.withMessage("must be at least 32 bytes, was 31 bytes");
		String base64 = Base64.getEncoder().encodeToString(bytes(16, 1));
		assertThatIllegalArgumentException().isThrownBy(() -> EncryptionKey.parse(base64))
			.withMessage("must be at least 32 bytes, was 16 bytes");
	}

	@Test
	void refusesMalformedTextWithoutRepeatingIt() {
		String secretish = "hex:" + "ab".repeat(31) + "zz";
		assertThatIllegalArgumentException().isThrownBy(() -> EncryptionKey.parse(secretish))
			.withMessageStartingWith("is not valid hex")
			.withMessageNotContaining("abab")
			.withMessageNotContaining("zz");
		String odd = "hex:" + "a".repeat(65);
		assertThatIllegalArgumentException().isThrownBy(() -> EncryptionKey.parse(odd))
			.withMessageStartingWith("is not valid hex");
		String notBase64 = "s3cr3t!p@ssw0rd-that-is-long-enough-for-32-bytes";
		assertThatIllegalArgumentException().isThrownBy(() -> EncryptionKey.parse(notBase64))
			.withMessageStartingWith("is not valid base64")
			.withMessageNotContaining("s3cr3t")
			.withNoCause();
		assertThatIllegalArgumentException().isThrownBy(() -> EncryptionKey.parse("  "))
			.withMessageStartingWith("must not be empty");
	}

	@Test
	void toStringShowsTheLengthOnly() {
		EncryptionKey key = EncryptionKey.of(MATERIAL);
		assertThat(key).hasToString("EncryptionKey[32 bytes]");
	}

	@Test
	void materialIsCopied() {
		byte[] material = MATERIAL.clone();
		EncryptionKey key = EncryptionKey.of(material);
		material[0] ^= 1;
		assertThat(key.material()).isEqualTo(MATERIAL);
	}

	static byte[] bytes(int length, int seed) {
		byte[] bytes = new byte[length];
		for (int i = 0; i < length; i++) {
			bytes[i] = (byte) (seed + 31 * i);
		}
		return bytes;
	}

}
