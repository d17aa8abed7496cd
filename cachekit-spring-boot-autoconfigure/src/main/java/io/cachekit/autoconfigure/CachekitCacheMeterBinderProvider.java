package io.cachekit.autoconfigure;

import io.cachekit.metrics.TieredCacheMetrics;
import io.cachekit.spring.CachekitCache;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.boot.cache.metrics.CacheMeterBinderProvider;
import org.springframework.boot.cache.metrics.CacheMetricsRegistrar;

/**
 * Lets Spring Boot's {@link CacheMetricsRegistrar} bind a {@link CachekitCache}, as it
 * binds the caches of every cache manager bean at startup, with the meters of
 * {@link TieredCacheMetrics} and {@code cachekit.cache.type.mismatches}. A cache whose
 * meters the registry already has, such as one the auto-configured {@code cacheManager}
 * bound when it created it, is not bound again.
 */
class CachekitCacheMeterBinderProvider implements CacheMeterBinderProvider<CachekitCache> {

	@Override
	public MeterBinder getMeterBinder(CachekitCache cache, Iterable<Tag> tags) {
		return (registry) -> bind(registry, cache, tags);
	}

	/**
	 * Binds a cache's meters: those of its tiered cache, and the count of cached values
	 * that did not fit the method they were looked up for; nothing when the registry has
	 * the cache's meters already.
	 * @param registry the registry
	 * @param cache the cache
	 * @param tags further tags of every meter
	 */
	static void bind(MeterRegistry registry, CachekitCache cache, Iterable<Tag> tags) {
		if (!TieredCacheMetrics.monitor(registry, cache.getNativeCache(), tags)) {
			return;
		}
		FunctionCounter.builder("cachekit.cache.type.mismatches", cache, CachekitCache::getTypeMismatchCount)
			.tags(Tags.of(tags).and("cache", cache.getName()))
			.description("Cached values that did not fit the return type of the method they were looked up for "
					+ "and were treated as misses")
			.register(registry);
	}

}
