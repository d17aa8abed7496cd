package io.cachekit.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import io.cachekit.backend.Backend;
import io.cachekit.backend.memcached.MemcachedBackend;
import io.cachekit.codec.MessagePackCodec;
import io.cachekit.codec.ValueCodec;
import net.spy.memcached.MemcachedClient;

import org.springframework.beans.factory.BeanFactory;
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

/**
 * Auto-configuration of cachekit: a backend from {@code cachekit.*}, a value codec, and a
 * two-tier {@link io.cachekit.spring.CachekitCacheManager} named {@code cacheManager}.
 *
 * <p>Runs before Spring Boot's cache auto-configuration. Backs off to an application's
 * own {@link Backend}, {@link ValueCodec}, {@link CacheManager} or {@code cacheResolver}
 * bean, and when {@code spring.cache.type} is set (for example to {@code none}).
 */
@AutoConfiguration(before = CacheAutoConfiguration.class)
@ConditionalOnClass({ CacheManager.class, Backend.class })
@EnableConfigurationProperties(CachekitProperties.class)
@Import({ CachekitAutoConfiguration.MemcachedBackendConfiguration.class, CachekitCacheConfiguration.class,
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
	 * The memcached backend, when it is the chosen one and the application has no
	 * backend of its own.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MemcachedClient.class)
	@ConditionalOnMissingBean(Backend.class)
	@Conditional(OnMemcachedBackendCondition.class)
	static class MemcachedBackendConfiguration {

		@Bean(destroyMethod = "close")
		MemcachedBackend cachekitMemcachedBackend(CachekitProperties properties) {
			return MemcachedBackend.create(MemcachedConfigFactory.create(properties.getMemcached()));
		}

	}

}
