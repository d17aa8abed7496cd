package io.cachekit.backend.memcached;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class MemcachedKeysTests {

	private final MemcachedKeys keys = new MemcachedKeys("app:");

	@Test
	void shortSafeKeyIsKeptBehindThePrefix() {
		assertThat(this.keys.map("user:42")).isEqualTo("app:user:42");
	}

	@Test
	void nonAsciiKeyWithoutWhitespaceIsKept() {
		assertThat(this.keys.map("ключ-日本語")).isEqualTo("app:ключ-日本語");
	}

	@ParameterizedTest
	@ValueSource(strings = { "with space", "new\nline", "a\r\nflush_all", "tab\there", "nul\u0000", "hash#", "\u00a0",
			"\u2028", "del\u007f", "c1\u0085" })
	void unsafeKeyIsMappedToAReadableHeadAndADigest(String key) {
		String mapped = this.keys.map(key);
		assertSafe(mapped);
		assertThat(mapped).startsWith("app:").contains("#");
		assertThat(mapped.substring(mapped.indexOf('#') + 1)).hasSize(43).matches("[A-Za-z0-9_-]+");
	}

	@Test
	void unsafeCharactersAreShownAsUnderscoresInTheHead() {
		assertThat(this.keys.map("a b\nc")).startsWith("app:a_b_c#");
	}

	@Test
	void emptyKeyWithEmptyPrefixIsMappedToAValidKey() {
		String mapped = new MemcachedKeys("").map("");
		assertSafe(mapped);
		assertThat(mapped).startsWith("#");
	}

	@Test
	void keyOfExactly250BytesIsKeptAndOneMoreIsMapped() {
		String fits = "x".repeat(250 - "app:".length());
		assertThat(this.keys.map(fits)).isEqualTo("app:" + fits);
		String over = fits + "x";
		String mapped = this.keys.map(over);
		assertSafe(mapped);
		assertThat(mapped).isNotEqualTo("app:" + over).startsWith("app:xxxx").contains("#");
	}

	@Test
	void longMultiByteKeyIsCutOnACharacterBoundary() {
		String mapped = this.keys.map("é".repeat(300) + "🔑".repeat(100));
		assertSafe(mapped);
		assertThat(mapped.getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(250);
		String head = mapped.substring(0, mapped.indexOf('#'));
		assertThat(new String(head.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).isEqualTo(head);
	}

	@Test
	void keysThatDifferOnlyInAnUnsafeCharacterMapApart() {
		assertThat(this.keys.map("a b")).isNotEqualTo(this.keys.map("ab"))
			.isNotEqualTo(this.keys.map("a_b"))
			.isNotEqualTo(this.keys.map("a\tb"));
	}

	@Test
	void longKeysThatShareTheirHeadMapApart() {
		String common = "y".repeat(400);
		assertThat(this.keys.map(common + "1")).isNotEqualTo(this.keys.map(common + "2"));
	}

	@Test
	void unpairedSurrogatesMapApart() {
		assertThat(this.keys.map("a\uD800")).isNotEqualTo(this.keys.map("a\uD801"));
		assertSafe(this.keys.map("a\uD800"));
	}

	@Test
	void keptKeyNeverEqualsTheMappedFormOfAnotherKey() {
		String mapped = this.keys.map("a b");
		String attempt = mapped.substring("app:".length());
		assertThat(this.keys.map(attempt)).isNotEqualTo(mapped);
	}

	@Test
	void mappingIsStable() {
		assertThat(this.keys.map("a b")).isEqualTo(new MemcachedKeys("app:").map("a b"));
	}

	@Test
	void manyDistinctKeysNeverMeet() {
		Set<String> mapped = new HashSet<>();
		List<String> bases = List.of("", " ", "#", "x".repeat(260), "\n");
		int count = 0;
		for (String base : bases) {
			for (int i = 0; i < 2000; i++) {
				mapped.add(this.keys.map(base + i));
				count++;
			}
		}
		assertThat(mapped).hasSize(count);
	}

	private static void assertSafe(String key) {
		assertThat(key.getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(250).isNotEmpty();
		assertThat(MemcachedKeys.firstUnsafeChar(key.replace("#", ""))).isEqualTo(-1);
	}

}
