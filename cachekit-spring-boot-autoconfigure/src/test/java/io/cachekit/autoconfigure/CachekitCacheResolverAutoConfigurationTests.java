package io.cachekit.autoconfigure;

import io.cachekit.spring.CachekitCache;
import io.cachekit.spring.CachekitCacheManager;
import io.cachekit.spring.CachekitCacheResolver;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.CachingConfigurer;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.interceptor.CacheInterceptor;
import org.springframework.cache.interceptor.CacheResolver;
import org.springframework.cache.interceptor.SimpleCacheResolver;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the auto-configuration puts {@link CachekitCacheResolver} into Spring's cache
 * interceptor, and when it leaves the choice to the application.
 */
class CachekitCacheResolverAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CachekitAutoConfiguration.class, CacheAutoConfiguration.class))
		.withUserConfiguration(CachingConfiguration.class);

	@Test
	void interceptorResolvesCachesThroughCachekitCacheResolver() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(CachingConfigurer.class)
				.hasSingleBean(CacheManager.class)
				.doesNotHaveBean("cacheResolver");
			assertThat(context.getBean(CacheManager.class)).isInstanceOf(CachekitCacheManager.class);
			assertThat(context.getBean(CacheInterceptor.class).getCacheResolver())
				.isInstanceOf(CachekitCacheResolver.class);
		});
	}

	@Test
	void applicationCachingConfigurerWins() {
		this.contextRunner.withUserConfiguration(OwnCachingConfigurer.class).run((context) -> {
			assertThat(context).hasSingleBean(CachingConfigurer.class).doesNotHaveBean("cachekitCachingConfigurer");
			assertThat(context.getBean(CacheManager.class)).isInstanceOf(CachekitCacheManager.class);
			assertThat(context.getBean(CacheInterceptor.class).getCacheResolver())
				.isInstanceOf(SimpleCacheResolver.class);
		});
	}

	@Test
	void typeMismatchesAreAMeterOfEveryCache() {
		this.contextRunner.withUserConfiguration(MeterRegistryConfiguration.class).run((context) -> {
			CachekitCache cache = (CachekitCache) context.getBean(CacheManager.class).getCache("books");
			assertThat(context.getBean(MeterRegistry.class)
				.get("cachekit.cache.type.mismatches")
				.tags("cache", "books", "name", "books", "cache.manager", "cacheManager")
				.functionCounter()
				.count()).isZero();
			assertThat(cache.getTypeMismatchCount()).isZero();
		});
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class CachingConfiguration {

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnCachingConfigurer implements CachingConfigurer {

		private final CacheManager cacheManager;

		OwnCachingConfigurer(CacheManager cacheManager) {
			this.cacheManager = cacheManager;
		}

		@Override
		public CacheResolver cacheResolver() {
			return new SimpleCacheResolver(this.cacheManager);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class MeterRegistryConfiguration {

		@Bean
		MeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

}
