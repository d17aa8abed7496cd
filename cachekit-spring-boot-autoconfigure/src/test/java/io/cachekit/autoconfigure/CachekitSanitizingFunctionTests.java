package io.cachekit.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.SanitizableData;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which names {@link CachekitSanitizingConfiguration}'s function masks, in every form a
 * property source holds them, and how it masks a Redis URL.
 */
class CachekitSanitizingFunctionTests {

	@Test
	void masksKeysAndPasswordsInEveryNameForm() {
		for (String name : new String[] { "cachekit.encryption.key", "CACHEKIT_ENCRYPTION_KEY",
				"cachekit.encryption.previous-keys[0]", "cachekit.encryption.previousKeys[12]",
				"CACHEKIT_ENCRYPTION_PREVIOUSKEYS_0", "cachekit.encryption.previous-keys",
				"cachekit.memcached.password", "CACHEKIT_MEMCACHED_PASSWORD", "cachekit.redis.password",
				"cachekit.caches.books.encryption.key" }) {
			assertThat(sanitized(name, "s3cret")).as(name).isEqualTo(SanitizableData.SANITIZED_VALUE);
		}
	}

	@Test
	void leavesOtherPropertiesAlone() {
		for (String name : new String[] { "cachekit.memcached.key-prefix", "cachekit.memcached.username",
				"cachekit.encryption.enabled", "cachekit.caches.books.encryption.enabled", "other.encryption.key",
				"spring.application.name" }) {
			assertThat(sanitized(name, "value")).as(name).isEqualTo("value");
		}
	}

	@Test
	void masksOnlyThePasswordOfARedisUrl() {
		assertThat(sanitized("cachekit.redis.url", "redis://orders:p@ss/w0rd@cache.example:6379/2"))
			.isEqualTo("redis://orders:******@cache.example:6379/2");
		assertThat(sanitized("CACHEKIT_REDIS_URL", "rediss://:pw@10.0.0.1:6380"))
			.isEqualTo("rediss://:******@10.0.0.1:6380");
		assertThat(sanitized("REDIS_URL", "redis://:pw@localhost")).isEqualTo("redis://:******@localhost");
		assertThat(sanitized("cachekit.redis.url", "redis://localhost:6379")).isEqualTo("redis://localhost:6379");
		assertThat(sanitized("cachekit.redis.url", "redis://orders@localhost:6379"))
			.isEqualTo("redis://orders@localhost:6379");
	}

	private static Object sanitized(String name, Object value) {
		return CachekitSanitizingConfiguration.sanitize(new SanitizableData(null, name, value)).getValue();
	}

}
