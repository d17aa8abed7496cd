package io.cachekit.autoconfigure.service;

import io.cachekit.autoconfigure.CachekitAutoConfiguration;
import io.cachekit.backend.Backend;
import io.cachekit.backend.memcached.MemcachedBackend;
import io.cachekit.backend.redis.RedisBackend;
import io.cachekit.test.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.testcontainers.containers.GenericContainer;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.boot.testcontainers.service.connection.ServiceConnectionAutoConfiguration;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * Spring Boot's Testcontainers service connection path, end to end but without Docker: a
 * {@code @ServiceConnection} container bean (a mock that is never started, whose host and
 * mapped port are those of a real server) goes through Spring Boot's
 * {@code ServiceConnectionAutoConfiguration} and cachekit's factory, and alone, with no
 * {@code cachekit.*} property, configures the backend; each test reads the entry it put
 * back from the server. A Redis service connection beside
 * {@code cachekit.memcached.servers} leaves cachekit on memcached. The same with real
 * containers is {@code ServiceConnectionDockerIntegrationTests} ({@code -Pdocker}).
 */
@ExtendWith(OutputCaptureExtension.class)
class ServiceConnectionIntegrationTests {

	@RegisterExtension
	static final TestServer memcached = TestServer.memcached();

	@RegisterExtension
	static final TestServer redis = TestServer.redis();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ServiceConnectionAutoConfiguration.class,
				CachekitAutoConfiguration.class, CacheAutoConfiguration.class))
		.withUserConfiguration(CachingConfiguration.class);

	@Test
	void memcachedServiceConnectionConfiguresMemcached() {
		this.contextRunner.withUserConfiguration(MemcachedContainerConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(CachekitMemcachedConnectionDetails.class)
				.hasSingleBean(Backend.class)
				.hasSingleBean(MemcachedBackend.class);
			assertThat(context.getBean(MemcachedBackend.class).config().servers().get(0).port())
				.isEqualTo(memcached.process().port());
			assertRoundTrip(context);
		});
	}

	@Test
	void redisServiceConnectionConfiguresRedis() {
		this.contextRunner.withUserConfiguration(RedisContainerConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(CachekitRedisConnectionDetails.class)
				.hasSingleBean(Backend.class)
				.hasSingleBean(RedisBackend.class);
			assertRoundTrip(context);
		});
	}

	@Test
	void redisServiceConnectionLeavesCachekitOnItsMemcachedServers(CapturedOutput output) {
		this.contextRunner.withUserConfiguration(RedisContainerConfiguration.class)
			.withPropertyValues("cachekit.memcached.servers=" + memcached.address())
			.run((context) -> {
				assertThat(context).hasSingleBean(CachekitRedisConnectionDetails.class)
					.hasSingleBean(Backend.class)
					.hasSingleBean(MemcachedBackend.class);
				assertRoundTrip(context);
			});
		assertThat(output).contains("cachekit: ignoring Redis connection details bean '")
			.contains("which configures another backend than the chosen one (cachekit.memcached.servers is set)");
	}

	private static void assertRoundTrip(AssertableApplicationContext context) {
		RoundTrip.assertStoredInL2(context);
	}

	private static GenericContainer<?> container(int port, int mappedPort) {
		GenericContainer<?> container = mock(GenericContainer.class);
		given(container.getHost()).willReturn("127.0.0.1");
		given(container.getMappedPort(port)).willReturn(mappedPort);
		return container;
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class CachingConfiguration {

	}

	@Configuration(proxyBeanMethods = false)
	static class MemcachedContainerConfiguration {

		@Bean
		@ServiceConnection("memcached")
		GenericContainer<?> memcachedContainer() {
			return container(11211, memcached.process().port());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class RedisContainerConfiguration {

		@Bean
		@ServiceConnection("redis")
		GenericContainer<?> redisContainer() {
			return container(6379, redis.process().port());
		}

	}

}
