package io.cachekit.autoconfigure;

import java.time.Duration;
import java.util.function.Supplier;

import io.cachekit.backend.Backend;
import io.cachekit.backend.file.FileBackend;
import io.cachekit.backend.memcached.MemcachedBackend;
import io.cachekit.backend.redis.RedisBackend;
import io.cachekit.codec.ValueCodec;
import io.cachekit.metrics.MeteredBackend;
import io.cachekit.metrics.TieredCacheMetrics;
import io.cachekit.spring.CacheSettings;
import io.cachekit.spring.CachekitCacheManager;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.cache.autoconfigure.CacheManagerCustomizer;
import org.springframework.boot.cache.autoconfigure.CacheManagerCustomizers;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.cache.CacheManager;
import org.springframework.cache.interceptor.CacheAspectSupport;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The {@code cacheManager} bean: on when caching is enabled ({@code @EnableCaching}), the
 * application has no cache manager or {@code cacheResolver} of its own, and
 * {@code spring.cache.type} is not set.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBean(CacheAspectSupport.class)
@ConditionalOnMissingBean(value = CacheManager.class, name = "cacheResolver")
@Conditional(OnSpringCacheTypeUnsetCondition.class)
class CachekitCacheConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(CachekitAutoConfiguration.class);

	@Bean
	CachekitCacheManager cacheManager(CachekitProperties properties, ObjectProvider<Backend> backend, ValueCodec codec,
			ObjectProvider<MeterRegistry> meterRegistry, ObjectProvider<CacheManagerCustomizer<?>> customizers,
			Environment environment) {
		Backend l2 = backend.getIfUnique();
		logBackend(environment, l2,
				!(l2 instanceof MemcachedBackend || l2 instanceof RedisBackend || l2 instanceof FileBackend));
		MeterRegistry registry = meterRegistry.getIfUnique();
		Backend measured = (l2 != null && registry != null) ? new MeteredBackend(l2, backendType(l2), registry) : l2;
		CacheSettings defaults = defaults(properties);
		CachekitCacheManager.Builder builder = CachekitCacheManager.builder(measured, codec)
			.defaults(defaults)
			.generationRefresh(positive("cachekit.generation-refresh", properties.getGenerationRefresh()));
		properties.getCaches().forEach((name, spec) -> builder.cache(name, settings(name, spec, defaults)));
		if (registry != null) {
			Tags tags = Tags.of("cache.manager", "cacheManager");
			builder.onCacheCreated(
					(cache) -> bindQuietly(() -> new TieredCacheMetrics(cache.getNativeCache(), tags), registry));
		}
		return new CacheManagerCustomizers(customizers.orderedStream().toList()).customize(builder.build());
	}

	private static void bindQuietly(Supplier<TieredCacheMetrics> metrics, MeterRegistry registry) {
		try {
			metrics.get().bindTo(registry);
		}
		catch (RuntimeException ex) {
			logger.warn("cachekit: could not bind cache metrics", ex);
		}
	}

	private static void logBackend(Environment environment, @Nullable Backend backend, boolean ownBean) {
		if (backend == null) {
			logger.info("cachekit: no L2 backend ({}); caches are L1 only, in this process",
					BackendSelection.of(environment).reason());
		}
		else if (ownBean) {
			logger.info("cachekit: L2 is the application's Backend bean {}", backend);
		}
		else {
			logger.info("cachekit: L2 is {} ({})", backend, BackendSelection.of(environment).reason());
		}
	}

	private static String backendType(Backend backend) {
		if (backend instanceof MemcachedBackend) {
			return MemcachedBackend.BACKEND_TYPE;
		}
		if (backend instanceof RedisBackend) {
			return RedisBackend.BACKEND_TYPE;
		}
		if (backend instanceof FileBackend) {
			return FileBackend.BACKEND_TYPE;
		}
		try {
			return backend.health().backendType();
		}
		catch (RuntimeException ex) {
			return backend.getClass().getSimpleName();
		}
	}

	private static CacheSettings defaults(CachekitProperties properties) {
		CachekitProperties.L1 l1 = properties.getL1();
		return new CacheSettings(nonNegative("cachekit.default-ttl", properties.getDefaultTtl()),
				properties.isAllowNullValues(), l1.isEnabled(), positive("cachekit.l1.max-ttl", l1.getMaxTtl()),
				positiveSize("cachekit.l1.max-size", l1.getMaxSize().toBytes()));
	}

	private static CacheSettings settings(String name, CachekitProperties.CacheSpec spec, CacheSettings defaults) {
		String prefix = "cachekit.caches." + name + ".";
		CacheSettings settings = defaults;
		if (spec.getTtl() != null) {
			settings = settings.withTtl(nonNegative(prefix + "ttl", spec.getTtl()));
		}
		if (spec.getL1Enabled() != null) {
			settings = settings.withL1Enabled(spec.getL1Enabled());
		}
		if (spec.getL1Ttl() != null) {
			Duration l1Ttl = positive(prefix + "l1-ttl", spec.getL1Ttl());
			if (l1Ttl.compareTo(defaults.l1Ttl()) > 0) {
				throw new InvalidConfigurationPropertyValueException(prefix + "l1-ttl", l1Ttl,
						"must not exceed cachekit.l1.max-ttl (" + defaults.l1Ttl() + "), which bounds how long any "
								+ "instance may serve a value another instance changed; raise that instead");
			}
			settings = settings.withL1Ttl(l1Ttl);
		}
		if (spec.getAllowNullValues() != null) {
			settings = settings.withAllowNullValues(spec.getAllowNullValues());
		}
		return settings;
	}

	private static Duration positive(String property, Duration value) {
		if (value.isNegative() || value.isZero()) {
			throw new InvalidConfigurationPropertyValueException(property, value, "must be positive");
		}
		return value;
	}

	private static Duration nonNegative(String property, Duration value) {
		if (value.isNegative()) {
			throw new InvalidConfigurationPropertyValueException(property, value,
					"must not be negative (zero means no expiry)");
		}
		return value;
	}

	private static long positiveSize(String property, long bytes) {
		if (bytes < 1) {
			throw new InvalidConfigurationPropertyValueException(property, bytes + "B", "must be positive");
		}
		return bytes;
	}

}
