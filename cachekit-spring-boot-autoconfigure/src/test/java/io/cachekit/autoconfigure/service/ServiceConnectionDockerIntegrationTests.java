package io.cachekit.autoconfigure.service;

import io.cachekit.backend.Backend;
import io.cachekit.backend.memcached.MemcachedBackend;
import io.cachekit.backend.redis.RedisBackend;
import io.cachekit.spring.CachekitCacheManager;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.cache.Cache;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Testcontainers {@code @ServiceConnection} containers configure cachekit with no
 * {@code cachekit.*} property. Needs a Docker engine: runs only with {@code -Pdocker},
 * never in {@code scripts/test.sh} or CI (see the README).
 */
class ServiceConnectionDockerIntegrationTests {

	@Nested
	@SpringBootTest(classes = MemcachedApplication.class)
	class Memcached {

		@Autowired
		ApplicationContext context;

		@Test
		void memcachedContainerConfiguresTheMemcachedBackend() {
			assertThat(this.context.getBeansOfType(Backend.class)).hasSize(1);
			assertThat(this.context.getBean(MemcachedBackend.class).health().healthy()).isTrue();
			assertRoundTrip(this.context);
		}

	}

	@Nested
	@SpringBootTest(classes = RedisApplication.class)
	class Redis {

		@Autowired
		ApplicationContext context;

		@Test
		void redisContainerConfiguresTheRedisBackend() {
			assertThat(this.context.getBeansOfType(Backend.class)).hasSize(1);
			RedisBackend backend = this.context.getBean(RedisBackend.class);
			assertThat(backend.config().url()).isPresent();
			assertThat(backend.health().healthy()).isTrue();
			assertRoundTrip(this.context);
		}

	}

	static void assertRoundTrip(ApplicationContext context) {
		Cache cache = context.getBean(CachekitCacheManager.class).getCache("books");
		cache.put("k", "value");
		assertThat(cache.get("k", String.class)).isEqualTo("value");
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@EnableCaching
	static class MemcachedApplication {

		@Bean
		@ServiceConnection
		GenericContainer<?> memcached() {
			return new GenericContainer<>("memcached:1.6").withExposedPorts(11211);
		}

	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@EnableCaching
	static class RedisApplication {

		@Bean
		@ServiceConnection
		GenericContainer<?> redis() {
			return new GenericContainer<>("redis:7").withExposedPorts(6379);
		}

	}

}
