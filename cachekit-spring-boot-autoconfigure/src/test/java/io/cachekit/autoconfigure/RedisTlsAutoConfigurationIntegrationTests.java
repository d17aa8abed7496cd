package io.cachekit.autoconfigure;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.cachekit.backend.redis.RedisBackend;
import io.cachekit.spring.CachekitCache;
import io.cachekit.spring.CachekitCacheManager;
import io.cachekit.test.Await;
import io.cachekit.test.ServerKind;
import io.cachekit.test.ServerProcess;
import io.cachekit.test.TestServer;
import io.cachekit.tier.TierStatistics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis over TLS against a real redis-server that accepts TLS connections only:
 * {@code rediss://} in {@code cachekit.redis.url} trusting the SSL bundle
 * {@code cachekit.redis.ssl.bundle} names, Spring Boot's {@code spring.data.redis.ssl.*}
 * for the shared factory, certificate verification (the authority, and the host name on
 * both paths), and two instances that see each other's invalidations over TLS.
 */
class RedisTlsAutoConfigurationIntegrationTests {

	@RegisterExtension
	static final TestServer redis = TestServer.redisWithTls();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CachekitAutoConfiguration.class, CacheAutoConfiguration.class,
				SslAutoConfiguration.class))
		.withUserConfiguration(ServiceConfiguration.class)
		.withPropertyValues(
				"spring.ssl.bundle.pem.redis-ca.truststore.certificate=file:" + redis.certificates().caCertificate(),
				"spring.ssl.bundle.pem.unrelated-ca.truststore.certificate=file:"
						+ redis.certificates().otherCaCertificate(),
				"cachekit.redis.connect-timeout=1s");

	private static String url() {
		return "cachekit.redis.url=rediss://" + redis.address();
	}

	@Test
	void redissUrlTrustingTheBundleCaches() {
		this.contextRunner.withPropertyValues(url(), "cachekit.redis.ssl.bundle=redis-ca").run((context) -> {
			assertThat(context.getBean(RedisBackend.class).config().toString()).contains("tls=[trust given]");
			assertCaches(context);
		});
	}

	@Test
	void springBootsConnectionWithItsSslBundleCaches() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
			.withPropertyValues("cachekit.backend=redis", "spring.data.redis.host=127.0.0.1",
					"spring.data.redis.port=" + redis.process().port(), "spring.data.redis.ssl.enabled=true",
					"spring.data.redis.ssl.bundle=redis-ca")
			.run((context) -> {
				assertThat(context.getBean(RedisBackend.class).config().url()).isEmpty();
				assertCaches(context);
			});
	}

	@Test
	void serverSignedByAnUnrelatedAuthorityIsDownWithTheReasonAndCallsRunTheMethod() {
		this.contextRunner.withPropertyValues(url(), "cachekit.redis.ssl.bundle=unrelated-ca")
			.run(RedisTlsAutoConfigurationIntegrationTests::assertRefusedByTlsButServed);
	}

	@Test
	void withoutABundleTheJdkAuthoritiesDecideAndRefuseTheServer() {
		this.contextRunner.withPropertyValues(url())
			.run(RedisTlsAutoConfigurationIntegrationTests::assertRefusedByTlsButServed);
	}

	@Test
	void serverReachedAtAnAddressItsCertificateDoesNotNameIsRefusedOnBothPaths() {
		// The same certificate (127.0.0.1 and localhost) on a server that also listens on
		// 127.0.0.2, an address the certificate does not name: trusted, but not that
		// host.
		try (ServerProcess alsoOnSecondAddress = ServerProcess.startWithTls(ServerKind.REDIS, redis.certificates(),
				"--bind", "127.0.0.1", "127.0.0.2")) {
			String port = Integer.toString(alsoOnSecondAddress.port());
			String cause = "No subject alternative names matching IP address 127.0.0.2";
			this.contextRunner
				.withPropertyValues("cachekit.redis.url=rediss://127.0.0.2:" + port,
						"cachekit.redis.ssl.bundle=redis-ca")
				.run((context) -> assertRefusedByTlsButServed(context, cause));
			this.contextRunner.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
				.withPropertyValues("cachekit.backend=redis", "spring.data.redis.host=127.0.0.2",
						"spring.data.redis.port=" + port, "spring.data.redis.ssl.enabled=true",
						"spring.data.redis.ssl.bundle=redis-ca")
				.run((context) -> assertRefusedByTlsButServed(context, cause));
		}
	}

	@Test
	void unknownBundleNameFailsStartupNamingTheProperty() {
		this.contextRunner.withPropertyValues(url(), "cachekit.redis.ssl.bundle=missing").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("cachekit.redis.ssl.bundle")
				.hasMessageContaining("no SSL bundle named 'missing'")
				.hasMessageContaining("spring.ssl.bundle.pem.missing");
		});
	}

	@Test
	void bundleWithAPlainUrlFailsStartupNamingTheProperty() {
		this.contextRunner
			.withPropertyValues("cachekit.redis.url=redis://:s3cret@" + redis.address(),
					"cachekit.redis.ssl.bundle=redis-ca")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("cachekit.redis.ssl.bundle")
					.hasMessageContaining("rediss://")
					.hasMessageNotContaining("s3cret");
			});
	}

	@Test
	void bundleWithSpringBootsConnectionFailsStartupPointingToItsOwnProperty() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
			.withPropertyValues("cachekit.backend=redis", "spring.data.redis.host=127.0.0.1",
					"spring.data.redis.port=" + redis.process().port(), "cachekit.redis.ssl.bundle=redis-ca")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("cachekit.redis.ssl.bundle")
					.hasMessageContaining("spring.data.redis.ssl.bundle");
			});
	}

	@Test
	void twoInstancesSeeEachOthersInvalidationsOverTls() {
		// The journal is read once a minute here, so only a pushed message is fast
		// enough.
		String[] properties = { url(), "cachekit.redis.ssl.bundle=redis-ca", "cachekit.redis.key-prefix=tls:",
				"cachekit.generation-refresh=1m" };
		ServiceConfiguration.database.put("shared", "v0");
		this.contextRunner.withPropertyValues(properties)
			.run((a) -> this.contextRunner.withPropertyValues(properties).run((b) -> {
				BookService onA = a.getBean(BookService.class);
				BookService onB = b.getBean(BookService.class);
				TierStatistics statisticsOfB = ((CachekitCache) b.getBean(CachekitCacheManager.class).getCache("books"))
					.getNativeCache()
					.statistics();
				// B subscribes in the background, and in a fresh JVM the first TLS
				// connections take seconds: wait until a pushed invalidation reaches it.
				long subscribing = System.nanoTime();
				assertThat(Await.until(() -> {
					onA.evict("warm-up");
					return statisticsOfB.invalidationsReceivedCount() > 0;
				})).as("B's subscription over TLS is in place").isTrue();
				System.out.println("[figure] Redis over TLS, instance B hears pushed invalidations after: "
						+ (System.nanoTime() - subscribing) / 1_000_000 + " ms");
				assertThat(onA.find("shared")).isEqualTo("v0");
				assertThat(onB.find("shared")).as("B holds the old value").isEqualTo("v0");
				long received = statisticsOfB.invalidationsReceivedCount();
				ServiceConfiguration.database.put("shared", "v1");
				onA.evict("shared");
				long evicted = System.nanoTime();
				assertThat(Await.until(Duration.ofSeconds(2), () -> "v1".equals(onB.find("shared")))).isTrue();
				long millis = (System.nanoTime() - evicted) / 1_000_000;
				System.out
					.println("[figure] staleness across instances on Redis over TLS, one eviction: " + millis + " ms");
				// Counted on the client's thread right after the entry left B's L1.
				assertThat(Await.until(() -> statisticsOfB.invalidationsReceivedCount() > received))
					.as("invalidation pushed to B over TLS")
					.isTrue();
				assertThat(millis).isLessThanOrEqualTo(250);
			}));
	}

	private static void assertCaches(AssertableApplicationContext context) {
		assertThat(context).hasNotFailed();
		BookService service = context.getBean(BookService.class);
		String id = "book-" + System.nanoTime();
		ServiceConfiguration.database.put(id, "v0");
		assertThat(service.find(id)).isEqualTo("v0");
		assertThat(service.find(id)).isEqualTo("v0");
		assertThat(service.calls()).isEqualTo(1);
		MeterRegistry registry = context.getBean(MeterRegistry.class);
		assertThat(
				registry.get("cachekit.backend.latency").tags("backend", "redis", "operation", "set").timer().count())
			.as("the entry written to Redis")
			.isPositive();
		Health health = health(context);
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).containsEntry("ssl", true);
	}

	private static void assertRefusedByTlsButServed(AssertableApplicationContext context) {
		assertRefusedByTlsButServed(context, "PKIX path building failed");
	}

	private static void assertRefusedByTlsButServed(AssertableApplicationContext context, String cause) {
		assertThat(context).hasNotFailed();
		BookService service = context.getBean(BookService.class);
		ServiceConfiguration.database.put("refused", "v0");
		assertThat(service.find("refused")).isEqualTo("v0");
		assertThat(service.find("refused")).isEqualTo("v0");
		Health health = health(context);
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		String error = String.valueOf(health.getDetails().get("error"));
		System.out.println("[figure] Redis over TLS, server certificate refused, health error: " + error);
		assertThat(error).contains("TLS handshake failed").contains(cause);
	}

	private static Health health(AssertableApplicationContext context) {
		return context.getBean("cachekitHealthIndicator", HealthIndicator.class).health();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class ServiceConfiguration {

		static final Map<String, String> database = new ConcurrentHashMap<>();

		@Bean
		BookService bookService() {
			return new BookService();
		}

		@Bean
		MeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

	static class BookService {

		private final AtomicInteger calls = new AtomicInteger();

		@Cacheable("books")
		public String find(String id) {
			this.calls.incrementAndGet();
			return ServiceConfiguration.database.get(id);
		}

		@CacheEvict("books")
		public void evict(String id) {
		}

		int calls() {
			return this.calls.get();
		}

	}

}
