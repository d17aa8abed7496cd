package io.cachekit.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.cachekit.backend.Backend;
import io.cachekit.backend.redis.RedisBackend;
import io.cachekit.spring.CachekitCacheManager;
import io.cachekit.test.ServerKind;
import io.cachekit.test.ServerProcess;
import io.cachekit.test.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.Cache;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link CachekitAutoConfiguration} choosing Redis, against a real redis-server.
 */
class CachekitRedisAutoConfigurationIntegrationTests {

	@RegisterExtension
	static final TestServer redis = TestServer.redis();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CachekitAutoConfiguration.class, CacheAutoConfiguration.class))
		.withUserConfiguration(CachingConfiguration.class);

	@Test
	void redisUrlCreatesARedisBackendThatCachesUse() {
		this.contextRunner
			.withPropertyValues("cachekit.redis.url=redis://" + redis.address(), "cachekit.redis.key-prefix=it:")
			.run((context) -> {
				RedisBackend backend = context.getBean(RedisBackend.class);
				Cache cache = context.getBean(CachekitCacheManager.class).getCache("books");
				cache.put("k", "value");
				assertThat(cache.get("k", String.class)).isEqualTo("value");
				assertThat(backend.exists("books:generation")).isTrue();
				Health health = context.getBean("cachekitHealthIndicator", HealthIndicator.class).health();
				assertThat(health.getStatus()).isEqualTo(Status.UP);
				assertThat(health.getDetails()).containsEntry("backend_type", "redis");
			});
	}

	@Test
	void springBootsRedisConnectionFactoryIsReused() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
			.withPropertyValues("cachekit.backend=redis", "spring.data.redis.host=127.0.0.1",
					"spring.data.redis.port=" + redis.address().substring(redis.address().lastIndexOf(':') + 1))
			.run((context) -> {
				assertThat(context).hasSingleBean(RedisConnectionFactory.class);
				RedisBackend backend = context.getBean(RedisBackend.class);
				assertThat(backend.config().url()).isEmpty();
				assertThat(backend.toString()).doesNotContain("owned");
				Cache cache = context.getBean(CachekitCacheManager.class).getCache("books");
				cache.put("k", "value");
				try (var connection = context.getBean(RedisConnectionFactory.class).getConnection()) {
					assertThat(connection.keyCommands().exists("books:generation".getBytes(StandardCharsets.UTF_8)))
						.isTrue();
				}
			});
	}

	@Test
	void platformRedisUrlSelectsRedis() {
		this.contextRunner
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
						new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
								Map.of("REDIS_URL", "redis://" + redis.address()))))
			.run((context) -> {
				assertThat(context).hasSingleBean(Backend.class).hasSingleBean(RedisBackend.class);
				assertThat(context.getBean(RedisBackend.class).config().url()).isPresent();
			});
	}

	@Test
	void platformRedisUrlWinsOverSpringBootsUnconfiguredFactory() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
						new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
								Map.of("REDIS_URL", "redis://" + redis.address()))))
			.run((context) -> {
				RedisBackend backend = context.getBean(RedisBackend.class);
				assertThat(backend.config().url()).isPresent();
				assertThat(backend.health().healthy()).isTrue();
			});
	}

	@Test
	void redisWithoutAnyConnectionFailsStartupNamingTheProperty() {
		this.contextRunner.withPropertyValues("cachekit.backend=redis").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("cachekit.redis.url");
		});
	}

	@Test
	void wrongPasswordFailsHealthAsAuthenticationButNotTheCachedCall() {
		try (ServerProcess secured = ServerProcess.start(ServerKind.REDIS, "--requirepass", "right")) {
			this.contextRunner.withPropertyValues("cachekit.redis.url=redis://:wrong@" + secured.address())
				.run((context) -> {
					Cache cache = context.getBean(CachekitCacheManager.class).getCache("books");
					assertThat(cache.get("k", () -> "loaded")).isEqualTo("loaded");
					cache.put("other", "value");
					Health health = context.getBean("cachekitHealthIndicator", HealthIndicator.class).health();
					assertThat(health.getStatus()).isEqualTo(Status.DOWN);
					assertThat(String.valueOf(health.getDetails().get("error"))).contains("AUTHENTICATION")
						.doesNotContain("wrong");
				});
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class CachingConfiguration {

	}

}
