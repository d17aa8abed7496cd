package io.cachekit.backend.memcached;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MemcachedExpiryTests {

	@Test
	void nullZeroAndNegativeMeanNoExpiry() {
		assertThat(MemcachedBackend.expiry(null)).isZero();
		assertThat(MemcachedBackend.expiry(Duration.ZERO)).isZero();
		assertThat(MemcachedBackend.expiry(Duration.ofSeconds(-1))).isZero();
		assertThat(MemcachedBackend.expiry(Duration.ofNanos(-1))).isZero();
	}

	@Test
	void fractionsOfASecondRoundUpSoThatShortTtlsStillExpire() {
		assertThat(MemcachedBackend.expiry(Duration.ofMillis(1))).isEqualTo(1);
		assertThat(MemcachedBackend.expiry(Duration.ofMillis(1500))).isEqualTo(2);
		assertThat(MemcachedBackend.expiry(Duration.ofSeconds(60))).isEqualTo(60);
	}

	@Test
	void thirtyDaysIsKeptAndMoreIsClamped() {
		assertThat(MemcachedBackend.expiry(Duration.ofDays(30))).isEqualTo(2_592_000);
		assertThat(MemcachedBackend.expiry(Duration.ofDays(30).plusSeconds(1))).isEqualTo(2_592_000);
		assertThat(MemcachedBackend.expiry(Duration.ofDays(31))).isEqualTo(2_592_000);
		assertThat(MemcachedBackend.expiry(Duration.ofSeconds(Long.MAX_VALUE))).isEqualTo(2_592_000);
	}

}
