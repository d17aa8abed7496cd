package io.cachekit.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import io.cachekit.backend.Backend;
import io.cachekit.autoconfigure.fixture.Order;
import io.cachekit.codec.CachedValue;
import io.cachekit.codec.CodecException;
import io.cachekit.codec.ValueCodec;
import io.cachekit.spring.CachekitCache;
import io.cachekit.spring.CachekitCacheManager;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.cache.autoconfigure.CacheManagerCustomizer;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.CachingConfigurer;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.cache.interceptor.CacheResolver;
import org.springframework.cache.interceptor.SimpleCacheResolver;
import org.springframework.cache.support.NoOpCacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link CachekitAutoConfiguration} without any server: defaults, back-off, binding and
 * refusal of bad values.
 */
class CachekitAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CachekitAutoConfiguration.class, CacheAutoConfiguration.class))
		.withUserConfiguration(CachingConfiguration.class);

	@Test
	void withoutServersTheCachesAreL1Only() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(CachekitCacheManager.class).doesNotHaveBean(Backend.class);
			CachekitCacheManager manager = context.getBean(CachekitCacheManager.class);
			assertThat(manager.getBackend()).isNull();
			assertThat(context.getBean("cacheManager")).isSameAs(manager);
			CachekitCache cache = (CachekitCache) manager.getCache("books");
			cache.put("k", "v");
			assertThat(cache.get("k", String.class)).isEqualTo("v");
		});
	}

	@Test
	void defaultsComeFromTheProperties() {
		this.contextRunner.run((context) -> {
			CachekitCacheManager manager = context.getBean(CachekitCacheManager.class);
			assertThat(manager.getCacheConfiguration("any").ttl()).hasValue(java.time.Duration.ofHours(1));
			assertThat(manager.getCacheConfiguration("any").l1Ttl()).hasSeconds(30);
			assertThat(manager.getCacheConfiguration("any").l1MaxSize()).isEqualTo(64L * 1024 * 1024);
			assertThat(manager.getCacheConfiguration("any").allowNullValues()).isTrue();
		});
	}

	@Test
	void withoutEnableCachingThereIsNoCacheManager() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(CachekitAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(CacheManager.class));
	}

	@Test
	void perCacheSettingsApplyAndTheirCachesExistAtStartup() {
		this.contextRunner
			.withPropertyValues("cachekit.default-ttl=5m", "cachekit.caches.books.ttl=10m",
					"cachekit.caches.books.l1-enabled=false", "cachekit.caches.authors.l1-ttl=3s",
					"cachekit.caches.authors.allow-null-values=false")
			.run((context) -> {
				CachekitCacheManager manager = context.getBean(CachekitCacheManager.class);
				assertThat(manager.getCacheNames()).containsExactlyInAnyOrder("books", "authors");
				assertThat(manager.getCacheConfiguration("books").ttl()).hasValue(java.time.Duration.ofMinutes(10));
				assertThat(manager.getCacheConfiguration("books").l1Enabled()).isFalse();
				assertThat(manager.getCacheConfiguration("authors").ttl()).hasValue(java.time.Duration.ofMinutes(5));
				assertThat(manager.getCacheConfiguration("authors").l1Ttl()).hasSeconds(3);
				assertThat(manager.getCacheConfiguration("authors").allowNullValues()).isFalse();
				assertThat(((CachekitCache) manager.getCache("books")).getNativeCache().configuration().l1Enabled())
					.isFalse();
			});
	}

	@Test
	void coherenceIsOnByDefaultAndSwitchedGloballyOrPerCache() {
		this.contextRunner.run((context) -> assertThat(
				context.getBean(CachekitCacheManager.class).getCacheConfiguration("any").coherence())
			.isTrue());
		this.contextRunner
			.withPropertyValues("cachekit.coherence.enabled=false", "cachekit.caches.books.coherence=true",
					"cachekit.caches.authors.ttl=1m")
			.run((context) -> {
				CachekitCacheManager manager = context.getBean(CachekitCacheManager.class);
				assertThat(manager.getCacheConfiguration("any").coherence()).isFalse();
				assertThat(manager.getCacheConfiguration("authors").coherence()).isFalse();
				assertThat(manager.getCacheConfiguration("books").coherence()).isTrue();
			});
	}

	@Test
	void springCacheNamesAreCreatedAtStartupWithTheDefaults() {
		this.contextRunner
			.withPropertyValues("spring.cache.cache-names=books,authors", "cachekit.default-ttl=5m",
					"cachekit.caches.authors.ttl=10m")
			.run((context) -> {
				CachekitCacheManager manager = context.getBean(CachekitCacheManager.class);
				assertThat(manager.getCacheNames()).containsExactlyInAnyOrder("books", "authors");
				assertThat(manager.getCacheConfiguration("books").ttl()).hasValue(Duration.ofMinutes(5));
				assertThat(manager.getCacheConfiguration("authors").ttl()).as("own settings win")
					.hasValue(Duration.ofMinutes(10));
				assertThat(manager.getCache("later")).as("other caches are still created on first use").isNotNull();
			});
	}

	@Test
	void applicationCacheManagerWins() {
		this.contextRunner.withUserConfiguration(OwnCacheManagerConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(CacheManager.class)
				.getBean(CacheManager.class)
				.isInstanceOf(ConcurrentMapCacheManager.class));
	}

	@Test
	void applicationCacheResolverMakesItBackOff() {
		this.contextRunner.withUserConfiguration(OwnCacheResolverConfiguration.class)
			.run((context) -> assertThat(context).doesNotHaveBean(CachekitCacheManager.class));
	}

	@Test
	void applicationBackendIsUsedAsL2() {
		this.contextRunner.withUserConfiguration(OwnBackendConfiguration.class).run((context) -> {
			CachekitCacheManager manager = context.getBean(CachekitCacheManager.class);
			MapBackend backend = context.getBean(MapBackend.class);
			assertThat(manager.getBackend()).isSameAs(backend);
			manager.getCache("books").put("k", "v");
			assertThat(backend.entries().keySet()).anyMatch((key) -> key.startsWith("books:") && key.endsWith(":k"));
		});
	}

	@Test
	void applicationBackendWinsOverMemcachedProperties() {
		this.contextRunner.withUserConfiguration(OwnBackendConfiguration.class)
			.withPropertyValues("cachekit.memcached.servers=127.0.0.1:1")
			.run((context) -> assertThat(context).getBeans(Backend.class).hasSize(1).containsKey("ownBackend"));
	}

	@Test
	void applicationCodecWins() {
		this.contextRunner.withUserConfiguration(OwnCodecConfiguration.class)
			.run((context) -> assertThat(context).getBean(ValueCodec.class).isInstanceOf(OwnCodec.class));
	}

	@Test
	void springCacheTypeNoneSwitchesCachingOff() {
		this.contextRunner.withPropertyValues("spring.cache.type=none").run((context) -> {
			assertThat(context).doesNotHaveBean(CachekitCacheManager.class);
			assertThat(context).getBean(CacheManager.class).isInstanceOf(NoOpCacheManager.class);
		});
	}

	@Test
	void springCacheTypeMakesCachekitBackOffCompletely() {
		for (String type : List.of("none", "simple", "caffeine")) {
			this.contextRunner
				.withPropertyValues("spring.cache.type=" + type, "cachekit.memcached.servers=127.0.0.1:1",
						"cachekit.memcached.connect-timeout=5s")
				.run((context) -> assertThat(context).as("spring.cache.type=%s", type)
					.hasNotFailed()
					.doesNotHaveBean(CachekitCacheManager.class)
					.doesNotHaveBean(Backend.class)
					.doesNotHaveBean(ValueCodec.class)
					.doesNotHaveBean("cachekitHealthIndicator"));
		}
	}

	@Test
	void applicationCacheManagerOfAnotherKindMakesCachekitContributeNothing() {
		this.contextRunner.withUserConfiguration(OwnCacheManagerConfiguration.class)
			.withPropertyValues("cachekit.memcached.servers=127.0.0.1:1", "cachekit.memcached.connect-timeout=5s")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(Backend.class)
				.doesNotHaveBean(ValueCodec.class)
				.doesNotHaveBean("cachekitHealthIndicator"));
	}

	@Test
	void withoutEnableCachingNoBackendIsBuilt() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(CachekitAutoConfiguration.class))
			.withPropertyValues("cachekit.memcached.servers=127.0.0.1:1", "cachekit.memcached.connect-timeout=5s")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(Backend.class)
				.doesNotHaveBean("cachekitHealthIndicator"));
	}

	@Test
	void applicationCachekitCacheManagerKeepsTheBackendCodecAndHealth() {
		this.contextRunner
			.withUserConfiguration(OwnCachekitCacheManagerConfiguration.class, OwnBackendConfiguration.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(CacheManager.class).hasSingleBean(ValueCodec.class);
				CachekitCacheManager manager = context.getBean(CachekitCacheManager.class);
				assertThat(manager.getBackend()).isSameAs(context.getBean(Backend.class));
				Health health = context.getBean("cachekitHealthIndicator", HealthIndicator.class).health();
				assertThat(health.getDetails()).containsEntry("backend_type", "map");
			});
	}

	@Test
	void cacheManagerCustomizersAreApplied() {
		this.contextRunner.withUserConfiguration(CustomizerConfiguration.class).run((context) -> {
			AtomicReference<CachekitCacheManager> customized = context.getBean("customized", AtomicReference.class);
			assertThat(customized.get()).isSameAs(context.getBean(CachekitCacheManager.class));
		});
	}

	@Test
	void memcachedPropertiesBind() {
		this.contextRunner.withUserConfiguration(OwnBackendConfiguration.class)
			.withPropertyValues("cachekit.memcached.servers=mc1:11211,mc2:11212", "cachekit.memcached.timeout=250ms",
					"cachekit.memcached.connect-timeout=3s", "cachekit.memcached.max-pool-size=4",
					"cachekit.memcached.retry-attempts=0", "cachekit.memcached.key-prefix=shop:",
					"cachekit.memcached.max-item-size=2MB", "cachekit.memcached.failure-mode=cancel")
			.run((context) -> {
				CachekitProperties.Memcached memcached = context.getBean(CachekitProperties.class).getMemcached();
				assertThat(memcached.getServers()).containsExactly("mc1:11211", "mc2:11212");
				assertThat(memcached.getTimeout()).hasMillis(250);
				assertThat(memcached.getConnectTimeout()).hasSeconds(3);
				assertThat(memcached.getMaxPoolSize()).isEqualTo(4);
				assertThat(memcached.getRetryAttempts()).isZero();
				assertThat(memcached.getKeyPrefix()).isEqualTo("shop:");
				assertThat(memcached.getMaxItemSize().toBytes()).isEqualTo(2L * 1024 * 1024);
				assertThat(memcached.getFailureMode().name()).isEqualTo("CANCEL");
				assertThat(context).getBeans(Backend.class).containsOnlyKeys("ownBackend");
			});
	}

	@Test
	void serverListAcceptsTheJsonArrayForm() {
		assertThat(BackendConfigFactory.servers(List.of("[\"mc1:11211\"", "\"mc2:11211\"]")))
			.containsExactly("mc1:11211", "mc2:11211");
		assertThat(BackendConfigFactory.servers(List.of("[\"mc1:11211\"]"))).containsExactly("mc1:11211");
		assertThat(BackendConfigFactory.servers(List.of(" mc1:11211 ", "mc2:11211"))).containsExactly("mc1:11211",
				"mc2:11211");
	}

	@Test
	void badServerPortFailsStartupNamingTheProperty() {
		assertFailure("cachekit.memcached.servers[0]", "cachekit.memcached.servers=localhost:99999");
	}

	@Test
	void serverWithoutPortFailsStartupNamingTheProperty() {
		assertFailure("cachekit.memcached.servers[1]", "cachekit.memcached.servers=mc1:1,localhost");
	}

	@Test
	void memcachedBackendWithoutServersFailsStartupNamingTheProperty() {
		assertFailure("cachekit.memcached.servers", "cachekit.backend=memcached");
	}

	@Test
	void badMemcachedValuesFailStartupNamingTheProperty() {
		assertFailure("cachekit.memcached.timeout", "cachekit.memcached.servers=mc1:1",
				"cachekit.memcached.timeout=-1s");
		assertFailure("cachekit.memcached.connect-timeout", "cachekit.memcached.servers=mc1:1",
				"cachekit.memcached.connect-timeout=0s");
		assertFailure("cachekit.memcached.max-pool-size", "cachekit.memcached.servers=mc1:1",
				"cachekit.memcached.max-pool-size=0");
		assertFailure("cachekit.memcached.key-prefix", "cachekit.memcached.servers=mc1:1",
				"cachekit.memcached.key-prefix=a b");
		assertFailure("cachekit.memcached.max-item-size", "cachekit.memcached.servers=mc1:1",
				"cachekit.memcached.max-item-size=0B");
	}

	@Test
	void badCacheValuesFailStartupNamingTheProperty() {
		assertFailure("cachekit.default-ttl", "cachekit.default-ttl=-5s");
		assertFailure("cachekit.l1.max-ttl", "cachekit.l1.max-ttl=0s");
		assertFailure("cachekit.l1.max-size", "cachekit.l1.max-size=0B");
		assertFailure("cachekit.caches.books.l1-ttl", "cachekit.caches.books.l1-ttl=0s");
		assertFailure("cachekit.caches.books.ttl", "cachekit.caches.books.ttl=-1s");
		assertFailure("cachekit.generation-refresh", "cachekit.generation-refresh=0s");
	}

	@Test
	void unknownCacheSettingFailsStartupNamingIt() {
		assertFailure("cachekit.caches.books.tll", "cachekit.caches.books.ttl=10m", "cachekit.caches.books.tll=10m");
		this.contextRunner.withPropertyValues("cachekit.caches.books.tll=10m")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("ttl, l1-enabled, l1-ttl, allow-null-values, coherence"));
	}

	@Test
	void cacheSettingsBindInEveryRelaxedForm() {
		this.contextRunner
			.withPropertyValues("cachekit.caches.books.l1Ttl=5s", "cachekit.caches.authors.allow_null_values=false",
					"cachekit.caches.shelves.L1-ENABLED=false")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				CachekitCacheManager manager = context.getBean(CachekitCacheManager.class);
				assertThat(manager.getCacheConfiguration("books").l1Ttl()).hasSeconds(5);
				assertThat(manager.getCacheConfiguration("authors").allowNullValues()).isFalse();
				assertThat(manager.getCacheConfiguration("shelves").l1Enabled()).isFalse();
			});
	}

	@Test
	void unknownBackendFailsStartupNamingTheProperty() {
		this.contextRunner.withPropertyValues("cachekit.backend=cassandra").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("cassandra");
			assertThat(messages(context.getStartupFailure())).contains("cachekit.backend");
		});
	}

	@Test
	void trustedPackagesExtendWhatTheCodecReadsBack() {
		Order order = new Order("o-1", 42);
		this.contextRunner.run((context) -> assertThatExceptionOfType(CodecException.class)
			.isThrownBy(() -> context.getBean(ValueCodec.class).encode(order, null, "orders:0:1")));
		this.contextRunner
			.withPropertyValues("cachekit.serialization.trusted-packages=io.cachekit.autoconfigure.fixture")
			.run((context) -> {
				ValueCodec codec = context.getBean(ValueCodec.class);
				assertThat(codec.decode(codec.encode(order, null, "orders:0:1"), "orders:0:1").value())
					.isEqualTo(order);
			});
	}

	@Test
	void badTrustedPackageFailsStartupNamingTheProperty() {
		assertFailure("cachekit.serialization.trusted-packages[0]", "cachekit.serialization.trusted-packages=*");
	}

	@Test
	void cacheL1TtlAboveTheGlobalBoundFailsStartupNamingTheProperty() {
		assertFailure("cachekit.caches.books.l1-ttl", "cachekit.l1.max-ttl=30s", "cachekit.caches.books.l1-ttl=1m");
	}

	@Test
	void healthIsUpWithBackendTypeNoneWhenL1Only() {
		this.contextRunner.run((context) -> {
			Health health = context.getBean("cachekitHealthIndicator", HealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("backend_type", "none")
				.containsKey("latency_ms")
				.containsKey("l1_entries");
		});
	}

	@Test
	void healthReportsTheApplicationBackend() {
		this.contextRunner.withUserConfiguration(OwnBackendConfiguration.class).run((context) -> {
			Health health = context.getBean("cachekitHealthIndicator", HealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("backend_type", "map");
		});
	}

	@Test
	void healthIndicatorCanBeSwitchedOff() {
		this.contextRunner.withPropertyValues("management.health.cachekit.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean("cachekitHealthIndicator"));
	}

	@Test
	void cachesCreatedAfterStartupAreBoundToMetrics() {
		this.contextRunner.withUserConfiguration(OwnBackendConfiguration.class, MeterRegistryConfiguration.class)
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				CacheManager manager = context.getBean(CacheManager.class);
				manager.getCache("late").put("k", "v");
				manager.getCache("late").get("k");
				manager.getCache("late").get("missing");
				assertThat(registry.get("cache.gets").tags("cache", "late", "result", "hit").functionCounter().count())
					.isEqualTo(1);
				assertThat(registry.get("cache.gets").tags("cache", "late", "result", "miss").functionCounter().count())
					.isEqualTo(1);
				assertThat(registry.get("cache.puts").tags("cache", "late").functionCounter().count()).isEqualTo(1);
				assertThat(registry.get("cachekit.cache.tier.gets")
					.tags("cache", "late", "tier", "l2", "result", "miss")
					.functionCounter()
					.count()).isEqualTo(1);
				assertThat(registry.get("cachekit.backend.latency")
					.tags("backend", "map", "operation", "set")
					.timer()
					.count()).as("the entry and the cache's new generation counter").isEqualTo(2);
				assertThat(registry.find("cachekit.cache.errors")
					.tags("cache", "late", "type", "TIMEOUT")
					.functionCounter()).isNotNull();
			});
	}

	@Test
	void cacheableMethodsReturningCompletableFutureAreCached() {
		this.contextRunner.withUserConfiguration(AsyncServiceConfiguration.class).run((context) -> {
			AsyncService service = context.getBean(AsyncService.class);
			assertThat(service.find("k").join()).isEqualTo("value-1");
			assertThat(service.find("k").join()).isEqualTo("value-1");
			assertThat(service.calls()).isEqualTo(1);
		});
	}

	private void assertFailure(String property, String... properties) {
		this.contextRunner.withPropertyValues(properties).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure())
				.hasRootCauseInstanceOf(InvalidConfigurationPropertyValueException.class);
			InvalidConfigurationPropertyValueException failure = rootCause(context.getStartupFailure());
			assertThat(failure.getName()).isEqualTo(property);
		});
	}

	private static InvalidConfigurationPropertyValueException rootCause(Throwable failure) {
		Throwable cause = failure;
		while (cause.getCause() != null) {
			cause = cause.getCause();
		}
		return (InvalidConfigurationPropertyValueException) cause;
	}

	private static String messages(Throwable failure) {
		StringBuilder text = new StringBuilder();
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			text.append(cause.getMessage()).append('\n');
		}
		return text.toString();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class CachingConfiguration {

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnCacheManagerConfiguration {

		@Bean
		CacheManager ownCacheManager() {
			return new ConcurrentMapCacheManager();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnCachekitCacheManagerConfiguration {

		@Bean
		CachekitCacheManager ownCacheManager(Backend backend, ValueCodec codec) {
			return CachekitCacheManager.builder(backend, codec).build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnCacheResolverConfiguration implements CachingConfigurer {

		@Override
		@Bean
		public CacheResolver cacheResolver() {
			return new SimpleCacheResolver(new ConcurrentMapCacheManager());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnBackendConfiguration {

		@Bean
		MapBackend ownBackend() {
			return new MapBackend();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnCodecConfiguration {

		@Bean
		ValueCodec ownCodec() {
			return new OwnCodec();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class MeterRegistryConfiguration {

		@Bean
		MeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomizerConfiguration {

		private final AtomicReference<CachekitCacheManager> customized = new AtomicReference<>();

		@Bean
		AtomicReference<CachekitCacheManager> customized() {
			return this.customized;
		}

		@Bean
		CacheManagerCustomizer<CachekitCacheManager> customizer() {
			return this.customized::set;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class AsyncServiceConfiguration {

		@Bean
		AsyncService asyncService() {
			return new AsyncService();
		}

	}

	static class AsyncService {

		private final java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();

		public int calls() {
			return this.calls.get();
		}

		@org.springframework.cache.annotation.Cacheable("async")
		public java.util.concurrent.CompletableFuture<String> find(String key) {
			return java.util.concurrent.CompletableFuture.supplyAsync(() -> "value-" + this.calls.incrementAndGet());
		}

	}

	static class OwnCodec implements ValueCodec {

		@Override
		public byte[] encode(@Nullable Object value, java.time.@Nullable Instant expiresAt, String key) {
			return new byte[0];
		}

		@Override
		public CachedValue decode(byte[] bytes, String key) {
			return new CachedValue(null, null);
		}

	}

}
