package io.cachekit.autoconfigure.service;

import java.nio.file.Path;
import java.util.List;

import io.cachekit.autoconfigure.CachekitAutoConfiguration;
import io.cachekit.backend.Backend;
import io.cachekit.backend.memcached.MemcachedBackend;
import io.cachekit.backend.redis.RedisBackend;
import io.cachekit.spring.CachekitCacheManager;
import io.cachekit.test.ClosedPort;
import io.cachekit.test.ServerKind;
import io.cachekit.test.ServerProcess;
import io.cachekit.test.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;
import org.springframework.boot.ssl.pem.PemSslStoreDetails;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Connection details beans against real servers: a bean pointing at a running memcached
 * or redis-server wins over connection properties pointing at a closed port, and alone,
 * with no cachekit property at all, chooses and configures the backend.
 */
class ConnectionDetailsIntegrationTests {

	@RegisterExtension
	static final TestServer memcached = TestServer.memcached();

	@RegisterExtension
	static final TestServer redis = TestServer.redis();

	@RegisterExtension
	static final TestServer memcachedTls = TestServer.memcachedWithTls();

	@RegisterExtension
	static final TestServer redisTls = TestServer.redisWithTls();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CachekitAutoConfiguration.class, CacheAutoConfiguration.class))
		.withUserConfiguration(CachingConfiguration.class);

	@Test
	void memcachedDetailsBeanWinsOverServersProperty() {
		this.contextRunner.withBean(CachekitMemcachedConnectionDetails.class, () -> () -> List.of(memcached.address()))
			.withPropertyValues("cachekit.memcached.servers=127.0.0.1:" + ClosedPort.find())
			.run((context) -> {
				MemcachedBackend backend = context.getBean(MemcachedBackend.class);
				assertThat(backend.config().servers()).hasSize(1);
				assertThat(backend.config().servers().get(0).toString()).endsWith(":" + memcached.process().port());
				assertRoundTrip(context);
				assertThat(backend.health().healthy()).isTrue();
			});
	}

	@Test
	void memcachedDetailsBeanAloneSelectsAndConfiguresMemcached() {
		this.contextRunner.withBean(CachekitMemcachedConnectionDetails.class, () -> () -> List.of(memcached.address()))
			.run((context) -> {
				assertThat(context).hasSingleBean(Backend.class).hasSingleBean(MemcachedBackend.class);
				assertRoundTrip(context);
			});
	}

	@Test
	void memcachedDetailsBeanMethodAloneSelectsMemcached() {
		this.contextRunner.withUserConfiguration(MemcachedDetailsConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(Backend.class).hasSingleBean(MemcachedBackend.class);
			assertRoundTrip(context);
		});
	}

	@Test
	void redisDetailsBeanMethodAloneSelectsRedis() {
		this.contextRunner.withUserConfiguration(RedisDetailsConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(Backend.class).hasSingleBean(RedisBackend.class);
			assertRoundTrip(context);
		});
	}

	@Test
	void memcachedDetailsKeepTimeoutAndPrefixFromProperties() {
		this.contextRunner.withBean(CachekitMemcachedConnectionDetails.class, () -> () -> List.of(memcached.address()))
			.withPropertyValues("cachekit.memcached.key-prefix=svc:", "cachekit.memcached.timeout=750ms")
			.run((context) -> {
				MemcachedBackend backend = context.getBean(MemcachedBackend.class);
				assertThat(backend.config().keyPrefix()).isEqualTo("svc:");
				assertThat(backend.config().operationTimeout().toMillis()).isEqualTo(750);
			});
	}

	@Test
	void redisDetailsBeanWinsOverUrlProperty() {
		this.contextRunner.withBean(CachekitRedisConnectionDetails.class, () -> () -> "redis://" + redis.address())
			.withPropertyValues("cachekit.redis.url=redis://127.0.0.1:" + ClosedPort.find())
			.run((context) -> {
				RedisBackend backend = context.getBean(RedisBackend.class);
				assertThat(backend.config().url().orElseThrow()).endsWith(":" + redis.process().port() + "/0");
				assertRoundTrip(context);
				assertThat(backend.health().healthy()).isTrue();
			});
	}

	@Test
	void redisDetailsBeanAloneSelectsAndConfiguresRedis() {
		this.contextRunner.withBean(CachekitRedisConnectionDetails.class, () -> () -> "redis://" + redis.address())
			.run((context) -> {
				assertThat(context).hasSingleBean(Backend.class).hasSingleBean(RedisBackend.class);
				assertRoundTrip(context);
			});
	}

	@Test
	void redisDetailsCredentialsReplaceTheUrlsAndAreEncoded() {
		try (ServerProcess secured = ServerProcess.start(ServerKind.REDIS, "--requirepass", "p@ss:w rd")) {
			this.contextRunner
				.withBean(CachekitRedisConnectionDetails.class, () -> new CachekitRedisConnectionDetails() {

					@Override
					public String getUrl() {
						return "redis://:wrong@" + secured.address();
					}

					@Override
					public String getPassword() {
						return "p@ss:w rd";
					}

				})
				.run((context) -> {
					assertThat(context.getBean(RedisBackend.class).health().healthy()).isTrue();
					assertRoundTrip(context);
				});
		}
	}

	@Test
	void memcachedDetailsSslBundleConnectsOverTls() {
		SslBundle bundle = trusting(memcachedTls.certificates().caCertificate());
		this.contextRunner
			.withBean(CachekitMemcachedConnectionDetails.class, () -> new CachekitMemcachedConnectionDetails() {

				@Override
				public List<String> getServers() {
					return List.of(memcachedTls.address());
				}

				@Override
				public SslBundle getSslBundle() {
					return bundle;
				}

			})
			.withPropertyValues("cachekit.memcached.connect-timeout=5s")
			.run((context) -> {
				MemcachedBackend backend = context.getBean(MemcachedBackend.class);
				assertThat(backend.config().isTls()).isTrue();
				assertThat(backend.health().healthy()).isTrue();
				assertRoundTrip(context);
			});
	}

	@Test
	void redisDetailsSslBundleConnectsOverTls() {
		SslBundle bundle = trusting(redisTls.certificates().caCertificate());
		this.contextRunner.withBean(CachekitRedisConnectionDetails.class, () -> new CachekitRedisConnectionDetails() {

			@Override
			public String getUrl() {
				return "rediss://" + redisTls.address();
			}

			@Override
			public SslBundle getSslBundle() {
				return bundle;
			}

		}).run((context) -> {
			assertThat(context.getBean(RedisBackend.class).health().healthy()).isTrue();
			assertRoundTrip(context);
		});
	}

	private static SslBundle trusting(Path caCertificate) {
		return SslBundle.of(new PemSslStoreBundle(null, PemSslStoreDetails.forCertificate("file:" + caCertificate)));
	}

	private static void assertRoundTrip(AssertableApplicationContext context) {
		RoundTrip.assertStoredInL2(context);
		assertThat(context.getBean(CachekitCacheManager.class).getCircuitBreaker().state().name()).isEqualTo("CLOSED");
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class CachingConfiguration {

	}

	@Configuration(proxyBeanMethods = false)
	static class MemcachedDetailsConfiguration {

		@Bean
		CachekitMemcachedConnectionDetails cacheServers() {
			return () -> List.of(memcached.address());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class RedisDetailsConfiguration {

		@Bean
		CachekitRedisConnectionDetails redisServer() {
			return () -> "redis://" + redis.address();
		}

	}

}
