package io.cachekit.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import io.cachekit.backend.Backend;
import io.cachekit.backend.file.FileBackend;
import io.cachekit.backend.memcached.MemcachedBackend;
import io.cachekit.backend.redis.RedisBackend;
import io.cachekit.codec.MessagePackCodec;
import io.cachekit.codec.ValueCodec;
import net.spy.memcached.MemcachedClient;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cache.CacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Auto-configuration of cachekit: a backend from {@code cachekit.*}, a value codec, and a
 * two-tier {@link io.cachekit.spring.CachekitCacheManager} named {@code cacheManager}.
 *
 * <p>
 * The backend is chosen as {@link BackendSelection} describes. Runs after Spring Boot's
 * Redis auto-configuration, whose connection factory a Redis backend reuses, and before
 * its cache auto-configuration. Backs off to an application's own {@link Backend},
 * {@link ValueCodec}, {@link CacheManager} or {@code cacheResolver} bean, and when
 * {@code spring.cache.type} is set (for example to {@code none}).
 */
@AutoConfiguration(before = CacheAutoConfiguration.class,
		afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
@ConditionalOnClass({ CacheManager.class, Backend.class })
@EnableConfigurationProperties(CachekitProperties.class)
@Import({ CachekitAutoConfiguration.MemcachedBackendConfiguration.class,
		CachekitAutoConfiguration.RedisBackendConfiguration.class,
		CachekitAutoConfiguration.FileBackendConfiguration.class, CachekitCacheConfiguration.class,
		CachekitHealthConfiguration.class })
public final class CachekitAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ValueCodec cachekitValueCodec(BeanFactory beanFactory, CachekitProperties properties) {
		List<String> trusted = new ArrayList<>();
		if (AutoConfigurationPackages.has(beanFactory)) {
			trusted.addAll(AutoConfigurationPackages.get(beanFactory));
		}
		trusted.addAll(properties.getSerialization().getTrustedPackages());
		try {
			return MessagePackCodec.builder().trustedPackages(trusted).build();
		}
		catch (IllegalArgumentException ex) {
			throw new org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException(
					"cachekit.serialization.trusted-packages", properties.getSerialization().getTrustedPackages(),
					ex.getMessage());
		}
	}

	/**
	 * The memcached backend, when it is the chosen one and the application has no backend
	 * of its own.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MemcachedClient.class)
	@ConditionalOnMissingBean(Backend.class)
	@Conditional(OnMemcachedBackendCondition.class)
	static class MemcachedBackendConfiguration {

		@Bean(destroyMethod = "close")
		MemcachedBackend cachekitMemcachedBackend(CachekitProperties properties) {
			return MemcachedBackend.create(BackendConfigFactory.memcached(properties.getMemcached()));
		}

	}

	/**
	 * The Redis backend, when it is the chosen one and the application has no backend of
	 * its own. Its connection comes from {@code cachekit.redis.url} (also
	 * {@code CACHEKIT_REDIS_URL}); else from the application's
	 * {@link RedisConnectionFactory} (Spring Boot's {@code spring.data.redis.*}), which
	 * is then shared and not closed; else from the {@code REDIS_URL} environment
	 * variable. When {@code REDIS_URL} is set and no {@code spring.data.redis.*}
	 * connection property is, {@code REDIS_URL} wins over the factory, whose defaults
	 * would point at localhost.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ RedisConnectionFactory.class, LettuceConnectionFactory.class })
	@ConditionalOnMissingBean(Backend.class)
	@Conditional(OnRedisBackendCondition.class)
	static class RedisBackendConfiguration {

		@Bean(destroyMethod = "close")
		RedisBackend cachekitRedisBackend(CachekitProperties properties,
				ObjectProvider<RedisConnectionFactory> connectionFactory, Environment environment) {
			CachekitProperties.Redis redis = properties.getRedis();
			String url = redis.getUrl();
			if (url != null && !url.isBlank()) {
				return RedisBackend.create(BackendConfigFactory.redis(redis, url, BackendSelection.REDIS_URL));
			}
			RedisConnectionFactory shared = connectionFactory.getIfUnique();
			String platformUrl = environment.getProperty(BackendSelection.PLATFORM_REDIS_URL);
			boolean hasPlatformUrl = platformUrl != null && !platformUrl.isBlank();
			// Spring Boot's factory points at localhost:6379 unless told otherwise:
			// REDIS_URL wins over a factory nobody configured.
			if (shared != null && (!hasPlatformUrl || isSpringRedisConfigured(environment))) {
				return RedisBackend.create(shared, BackendConfigFactory.redis(redis, null, BackendSelection.REDIS_URL));
			}
			if (hasPlatformUrl) {
				return RedisBackend
					.create(BackendConfigFactory.redis(redis, platformUrl, BackendSelection.PLATFORM_REDIS_URL));
			}
			throw BackendSelection.missing(BackendSelection.REDIS_URL,
					"Redis needs a URL such as redis://localhost:6379 (cachekit.redis.url, CACHEKIT_REDIS_URL or "
							+ "REDIS_URL) or Spring Boot's Redis connection factory (spring.data.redis.*)");
		}

	}

	private static boolean isSpringRedisConfigured(Environment environment) {
		for (String property : new String[] { "spring.data.redis.url", "spring.data.redis.host",
				"spring.data.redis.port", "spring.data.redis.sentinel.master", "spring.data.redis.cluster.nodes" }) {
			if (environment.containsProperty(property)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The file backend, when it is the chosen one and the application has no backend of
	 * its own.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingBean(Backend.class)
	@Conditional(OnFileBackendCondition.class)
	static class FileBackendConfiguration {

		@Bean(destroyMethod = "close")
		FileBackend cachekitFileBackend(CachekitProperties properties) {
			return FileBackend.create(BackendConfigFactory.file(properties.getFile()));
		}

	}

}
