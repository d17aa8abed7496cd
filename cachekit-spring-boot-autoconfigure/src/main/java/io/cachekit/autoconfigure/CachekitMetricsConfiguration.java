package io.cachekit.autoconfigure;

import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.cache.metrics.CacheMeterBinderProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@link CacheMeterBinderProvider} of cachekit's caches, so that Spring Boot's cache
 * metrics bind the caches of any {@link io.cachekit.spring.CachekitCacheManager} bean, an
 * application's own included.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass({ MeterBinder.class, CacheMeterBinderProvider.class })
class CachekitMetricsConfiguration {

	@Bean
	CachekitCacheMeterBinderProvider cachekitCacheMeterBinderProvider() {
		return new CachekitCacheMeterBinderProvider();
	}

}
