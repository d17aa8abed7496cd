package io.cachekit.autoconfigure;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.cachekit.autoconfigure.service.CachekitMemcachedConnectionDetails;
import io.cachekit.autoconfigure.service.CachekitRedisConnectionDetails;
import io.cachekit.backend.Backend;
import io.cachekit.backend.file.FileBackend;
import io.cachekit.backend.memcached.MemcachedBackend;
import io.cachekit.backend.redis.RedisBackend;
import io.cachekit.codec.MessagePackCodec;
import io.cachekit.codec.ValueCodec;
import net.spy.memcached.MemcachedClient;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.cache.CacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Lazy;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Auto-configuration of cachekit: a backend from {@code cachekit.*}, a value codec
 * (compressing as {@code cachekit.compression.*} says), and a two-tier
 * {@link io.cachekit.spring.CachekitCacheManager} named {@code cacheManager}.
 *
 * <p>
 * The backend is chosen as {@link BackendSelection} describes. Runs after Spring Boot's
 * Redis auto-configuration, whose connection factory a Redis backend reuses, and before
 * its cache auto-configuration. An application's own {@link Backend} or
 * {@link ValueCodec} bean replaces cachekit's. A
 * {@link CachekitMemcachedConnectionDetails} or {@link CachekitRedisConnectionDetails}
 * bean (the application's, or a Testcontainers or Docker Compose service connection's,
 * hence the order after Spring Boot's {@code ServiceConnectionAutoConfiguration})
 * replaces the connection properties. Backs off completely (no backend is built or
 * connected, no codec, no health indicator) when nothing would use it: caching not
 * enabled, {@code spring.cache.type} set (for example to {@code none}), or an
 * application's own {@link CacheManager} or {@code cacheResolver} that is not a
 * {@link io.cachekit.spring.CachekitCacheManager}; see {@link OnCachekitUsedCondition}.
 */
@AutoConfiguration(before = CacheAutoConfiguration.class,
		afterName = { "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
				"org.springframework.boot.testcontainers.service.connection.ServiceConnectionAutoConfiguration" })
@ConditionalOnClass({ CacheManager.class, Backend.class })
@EnableConfigurationProperties(CachekitProperties.class)
@Import({ CachekitAutoConfiguration.MemcachedBackendConfiguration.class,
		CachekitAutoConfiguration.RedisBackendConfiguration.class,
		CachekitAutoConfiguration.FileBackendConfiguration.class,
		CachekitAutoConfiguration.MissingBackendClientConfiguration.class, CachekitCacheConfiguration.class,
		CachekitHealthConfiguration.class, CachekitMetricsConfiguration.class, CachekitSanitizingConfiguration.class })
public final class CachekitAutoConfiguration {

	private static final String TRUSTED_PACKAGES = "cachekit.serialization.trusted-packages";

	/** The name of cachekit's own codec bean. */
	static final String CODEC_BEAN = "cachekitValueCodec";

	@Bean
	@ConditionalOnMissingBean
	@Conditional(OnCachekitUsedCondition.class)
	ValueCodec cachekitValueCodec(BeanFactory beanFactory, CachekitProperties properties, Environment environment,
			ResourceLoader resourceLoader) {
		List<String> own = properties.getSerialization().getTrustedPackages();
		try {
			MessagePackCodec.builder().trustedPackages(own);
		}
		catch (IllegalArgumentException ex) {
			throw PropertyMessages.translate(TRUSTED_PACKAGES, own, ex, Map.of("trustedPackages", TRUSTED_PACKAGES));
		}
		Set<String> trusted = new LinkedHashSet<>();
		if (AutoConfigurationPackages.has(beanFactory)) {
			trusted.addAll(AutoConfigurationPackages.get(beanFactory));
		}
		trusted.addAll(own);
		MessagePackCodec.Builder codec = MessagePackCodec.builder().trustedPackages(trusted);
		CompressionSettings.apply(codec, properties, beanFactory,
				() -> BackendSelection.of(environment, resourceLoader.getClassLoader(), listable(beanFactory)).type());
		return codec.build();
	}

	/**
	 * The memcached backend, when it is the chosen one and the application has no backend
	 * of its own.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MemcachedClient.class)
	@ConditionalOnMissingBean(Backend.class)
	@Conditional({ OnCachekitUsedCondition.class, OnMemcachedBackendCondition.class })
	static class MemcachedBackendConfiguration {

		@Bean(destroyMethod = "close")
		MemcachedBackend cachekitMemcachedBackend(CachekitProperties properties,
				ObjectProvider<CachekitMemcachedConnectionDetails> connectionDetails,
				ObjectProvider<SslBundles> sslBundles) {
			return MemcachedBackend.create(BackendConfigFactory.memcached(properties.getMemcached(),
					connectionDetails.getIfAvailable(), sslBundles.getIfAvailable()));
		}

	}

	/**
	 * The Redis backend, when it is the chosen one and the application has no backend of
	 * its own. Its connection comes from {@code cachekit.redis.url} (also
	 * {@code CACHEKIT_REDIS_URL}), {@code cachekit.redis.cluster.nodes} or
	 * {@code cachekit.redis.sentinel.*} (only one of them); else from the application's
	 * {@link RedisConnectionFactory} (Spring Boot's {@code spring.data.redis.*}), which
	 * is then shared and not closed; else from the {@code REDIS_URL} environment
	 * variable. When {@code REDIS_URL} is set and no {@code spring.data.redis.*}
	 * connection property is, {@code REDIS_URL} wins over the factory, whose defaults
	 * would point at localhost. A {@code rediss://} URL trusts the SSL bundle named by
	 * {@code cachekit.redis.ssl.bundle}, else the JDK's default authorities; the shared
	 * factory keeps Spring Boot's own TLS and credentials ({@code spring.data.redis.*}).
	 * A {@link CachekitRedisConnectionDetails} bean comes before all of these: cachekit
	 * then makes its own connection to the server it names.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(value = { RedisConnectionFactory.class, LettuceConnectionFactory.class },
			name = "io.lettuce.core.RedisClient")
	@ConditionalOnMissingBean(Backend.class)
	@Conditional({ OnCachekitUsedCondition.class, OnRedisBackendCondition.class })
	static class RedisBackendConfiguration {

		@Bean(destroyMethod = "close")
		RedisBackend cachekitRedisBackend(CachekitProperties properties,
				ObjectProvider<CachekitRedisConnectionDetails> connectionDetails,
				ObjectProvider<RedisConnectionFactory> connectionFactory, ObjectProvider<SslBundles> sslBundles,
				Environment environment) {
			CachekitProperties.Redis redis = properties.getRedis();
			CachekitRedisConnectionDetails details = connectionDetails.getIfAvailable();
			if (details != null) {
				return RedisBackend.create(BackendConfigFactory.redis(redis, details));
			}
			SslBundles bundles = sslBundles.getIfAvailable();
			String url = redis.getUrl();
			boolean hasUrl = url != null && !url.isBlank();
			if (hasUrl || RedisTopology.isClusterOrSentinel(redis)) {
				return RedisBackend.create(
						BackendConfigFactory.redis(redis, hasUrl ? url : null, BackendSelection.REDIS_URL, bundles));
			}
			RedisConnectionFactory shared = connectionFactory.getIfUnique();
			String platformUrl = environment.getProperty(BackendSelection.PLATFORM_REDIS_URL);
			boolean hasPlatformUrl = platformUrl != null && !platformUrl.isBlank();
			// Spring Boot's factory points at localhost:6379 unless told otherwise, so
			// REDIS_URL wins over a factory nobody configured.
			if (shared != null && (!hasPlatformUrl || isSpringRedisConfigured(environment))) {
				return RedisBackend.create(shared,
						BackendConfigFactory.redis(redis, null, BackendSelection.REDIS_URL, bundles));
			}
			if (hasPlatformUrl) {
				return RedisBackend.create(
						BackendConfigFactory.redis(redis, platformUrl, BackendSelection.PLATFORM_REDIS_URL, bundles));
			}
			throw BackendSelection.missing(BackendSelection.REDIS_URL,
					"Redis needs a URL such as redis://localhost:6379 (cachekit.redis.url, CACHEKIT_REDIS_URL or "
							+ "REDIS_URL) or Spring Boot's Redis connection factory (spring.data.redis.*)");
		}

	}

	static @Nullable ListableBeanFactory listable(BeanFactory beanFactory) {
		return (beanFactory instanceof ListableBeanFactory listable) ? listable : null;
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
	 * Stops startup when the chosen backend's client library is missing (the memcached
	 * client; Spring Data Redis and Lettuce), naming the dependencies to add: without it
	 * the caches would run L1 only and nobody would notice. Not lazy, so that it fails
	 * even with {@code spring.main.lazy-initialization}.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingBean(Backend.class)
	@Conditional({ OnCachekitUsedCondition.class, OnMissingBackendClientCondition.class })
	@Lazy(false)
	static class MissingBackendClientConfiguration {

		MissingBackendClientConfiguration(Environment environment, ResourceLoader resourceLoader,
				ListableBeanFactory beanFactory) {
			ClassLoader classLoader = resourceLoader.getClassLoader();
			BackendSelection selection = BackendSelection.of(environment, classLoader, beanFactory);
			String property = (selection.property() != null) ? selection.property() : BackendSelection.BACKEND;
			String value = environment.getProperty(property, "");
			throw new InvalidConfigurationPropertyValueException(property, BackendConfigFactory.maskPassword(value),
					String.valueOf(selection.missingClient(classLoader)));
		}

	}

	/**
	 * The file backend, when it is the chosen one and the application has no backend of
	 * its own.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingBean(Backend.class)
	@Conditional({ OnCachekitUsedCondition.class, OnFileBackendCondition.class })
	static class FileBackendConfiguration {

		@Bean(destroyMethod = "close")
		FileBackend cachekitFileBackend(CachekitProperties properties) {
			return FileBackend.create(BackendConfigFactory.file(properties.getFile()));
		}

	}

}
