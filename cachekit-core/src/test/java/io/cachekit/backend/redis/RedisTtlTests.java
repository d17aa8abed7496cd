package io.cachekit.backend.redis;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Conversion of TTLs to Redis milliseconds.
 */
class RedisTtlTests {

	@Test
	void nullZeroAndNegativeMeanNoExpiry() {
		assertThat(RedisBackend.ttlMillis(null)).isZero();
		assertThat(RedisBackend.ttlMillis(Duration.ZERO)).isZero();
		assertThat(RedisBackend.ttlMillis(Duration.ofSeconds(-5))).isZero();
	}

	@Test
	void wholeMillisecondsAreKept() {
		assertThat(RedisBackend.ttlMillis(Duration.ofMillis(300))).isEqualTo(300);
		assertThat(RedisBackend.ttlMillis(Duration.ofDays(31))).isEqualTo(Duration.ofDays(31).toMillis());
	}

	@Test
	void fractionsOfAMillisecondRoundUp() {
		assertThat(RedisBackend.ttlMillis(Duration.ofNanos(1))).isEqualTo(1);
		assertThat(RedisBackend.ttlMillis(Duration.ofNanos(1_000_001))).isEqualTo(2);
	}

	@Test
	void hugeTtlsAreClampedInsteadOfOverflowing() {
		assertThat(RedisBackend.ttlMillis(Duration.ofSeconds(Long.MAX_VALUE)))
			.isEqualTo(RedisBackend.MAX_TTL.toMillis());
		assertThat(RedisBackend.ttlMillis(RedisBackend.MAX_TTL.plusNanos(1)))
			.isEqualTo(RedisBackend.MAX_TTL.toMillis());
	}

}
