package io.cachekit.autoconfigure;

import io.cachekit.metrics.TieredCacheMetrics;
import io.cachekit.spring.CachekitCache;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.boot.cache.metrics.CacheMeterBinderProvider;
import org.springframework.boot.cache.metrics.CacheMetricsRegistrar;

/**
 * Lets Spring Boot's {@link CacheMetricsRegistrar} bind a {@link CachekitCache}, as it
 * binds the caches of every cache manager bean at startup, with the meters of
 * {@link TieredCacheMetrics}. A cache whose meters the registry already has, such as one
 * the auto-configured {@code cacheManager} bound when it created it, is not bound again.
 */
class CachekitCacheMeterBinderProvider implements CacheMeterBinderProvider<CachekitCache> {

	@Override
	public MeterBinder getMeterBinder(CachekitCache cache, Iterable<Tag> tags) {
		return (registry) -> TieredCacheMetrics.monitor(registry, cache.getNativeCache(), tags);
	}

}
