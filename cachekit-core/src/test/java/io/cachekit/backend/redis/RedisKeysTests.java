package io.cachekit.backend.redis;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RedisKeysTests {

	@Test
	void keyIsThePrefixFollowedByTheKeyInUtf8() {
		RedisKeys keys = new RedisKeys("app:");
		assertThat(keys.map("ключ 1\n")).isEqualTo("app:ключ 1\n".getBytes(StandardCharsets.UTF_8));
		assertThat(keys.map("")).isEqualTo("app:".getBytes(StandardCharsets.UTF_8));
	}

	@Test
	void validStringsEncodeExactlyAsUtf8() {
		for (String text : new String[] { "", "a", "é", "日本語", "🔑", "a\u0000b", "x".repeat(1000) }) {
			assertThat(RedisKeys.encode(text)).as(text).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
		}
	}

	@Test
	void unpairedSurrogatesKeepTheirOwnBytesInsteadOfBecomingQuestionMarks() {
		assertThat(RedisKeys.encode("a\uD800")).containsExactly('a', 0xED, 0xA0, 0x80);
		assertThat(RedisKeys.encode("\uDC00b")).containsExactly(0xED, 0xB0, 0x80, 'b');
		assertThat(RedisKeys.encode("\uD83D\uDD11\uD800")).containsExactly(0xF0, 0x9F, 0x94, 0x91, 0xED, 0xA0, 0x80);
		assertThat(RedisKeys.encode("a\uD800")).isNotEqualTo(RedisKeys.encode("a?"));
		assertThat(RedisKeys.encode("\uD800\uD800")).isNotEqualTo(RedisKeys.encode("\uD800"));
	}

	@Test
	void encodedLengthCountsBytes() {
		assertThat(RedisKeys.encodedLength("é")).isEqualTo(2);
		assertThat(RedisKeys.encodedLength("\uD800")).isEqualTo(3);
	}

}
