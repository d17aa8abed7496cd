package io.cachekit.autoconfigure;

import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.cachekit.codec.MessagePackCodec;
import io.cachekit.spring.CachekitCacheManager;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.cache.autoconfigure.metrics.CacheMetricsAutoConfiguration;
import org.springframework.boot.cache.metrics.CacheMetricsRegistrar;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cache metrics with Spring Boot's cache metrics auto-configuration active: every cache
 * is bound once, with Spring Boot's tags, whichever cache manager created it.
 */
class CachekitCacheMetricsTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CachekitAutoConfiguration.class, CacheAutoConfiguration.class,
				CacheMetricsAutoConfiguration.class))
		.withUserConfiguration(CachingConfiguration.class, MeterRegistryConfiguration.class);

	@Test
	void cacheDeclaredAtStartupHasOneCacheGetsMeterPerResult() {
		ListAppender<ILoggingEvent> registrations = new ListAppender<>();
		Logger logger = (Logger) LoggerFactory.getLogger(MeterRegistry.class);
		Level level = logger.getLevel();
		registrations.start();
		logger.addAppender(registrations);
		// Micrometer reports a meter registered again once at WARN, then at DEBUG.
		logger.setLevel(Level.DEBUG);
		try {
			this.contextRunner.withPropertyValues("cachekit.caches.books.ttl=10m").run((context) -> {
				assertThat(context).hasSingleBean(CacheMetricsRegistrar.class);
				List<FunctionCounter> gets = context.getBean(MeterRegistry.class)
					.find("cache.gets")
					.tag("cache", "books")
					.functionCounters()
					.stream()
					.toList();
				assertThat(gets).map((counter) -> counter.getId().getTag("result"))
					.containsExactlyInAnyOrder("hit", "miss");
				assertThat(gets).allSatisfy((counter) -> assertThat(counter.getId().getTags())
					.contains(Tag.of("name", "books"), Tag.of("cache.manager", "cacheManager")));
			});
		}
		finally {
			logger.detachAppender(registrations);
			logger.setLevel(level);
		}
		assertThat(registrations.list).map(ILoggingEvent::getFormattedMessage)
			.noneMatch((message) -> message.contains("already registered"));
	}

	@Test
	void standardMetersCountTheCacheAsAWhole() {
		this.contextRunner.withUserConfiguration(OwnBackendConfiguration.class)
			.withPropertyValues("cachekit.caches.books.ttl=10m")
			.run((context) -> {
				Cache books = context.getBean(CacheManager.class).getCache("books");
				books.put("k", "v");
				books.get("k");
				books.get("missing-1");
				books.get("missing-2");
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(count(registry, "cache.gets", "books", "result", "hit")).isEqualTo(1);
				assertThat(count(registry, "cache.gets", "books", "result", "miss")).isEqualTo(2);
				assertThat(count(registry, "cache.puts", "books")).isEqualTo(1);
			});
	}

	@Test
	void cachesOfAnApplicationsOwnCachekitCacheManagerAreBoundBySpringBoot() {
		this.contextRunner.withUserConfiguration(OwnCachekitCacheManagerConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(CachekitCacheMeterBinderProvider.class);
			Cache orders = context.getBean(CacheManager.class).getCache("orders");
			orders.put("k", "v");
			orders.get("k");
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("cache.gets")
				.tags("cache", "orders", "name", "orders", "cache.manager", "orders", "result", "hit")
				.functionCounter()
				.count()).isEqualTo(1);
		});
	}

	@Test
	void cacheMetricsRegistrarBindsACacheCreatedLater() {
		this.contextRunner.withUserConfiguration(OwnCachekitCacheManagerConfiguration.class).run((context) -> {
			Cache later = context.getBean(CacheManager.class).getCache("later");
			assertThat(context.getBean(CacheMetricsRegistrar.class).bindCacheToRegistry(later)).isTrue();
			later.put("k", "v");
			assertThat(count(context.getBean(MeterRegistry.class), "cache.puts", "later")).isEqualTo(1);
		});
	}

	private static double count(MeterRegistry registry, String name, String cache, String... tags) {
		return registry.get(name).tag("cache", cache).tags(tags).functionCounter().count();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class CachingConfiguration {

	}

	@Configuration(proxyBeanMethods = false)
	static class MeterRegistryConfiguration {

		@Bean
		MeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
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
	static class OwnCachekitCacheManagerConfiguration {

		@Bean
		CachekitCacheManager ordersCacheManager() {
			return CachekitCacheManager.builder(null, MessagePackCodec.withDefaults())
				.cacheNames(List.of("orders"))
				.build();
		}

	}

}
