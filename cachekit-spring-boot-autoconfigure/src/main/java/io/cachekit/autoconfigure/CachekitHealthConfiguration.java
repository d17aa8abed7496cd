package io.cachekit.autoconfigure;

import io.cachekit.backend.Backend;
import io.cachekit.spring.CachekitCacheManager;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code cachekit} health contributor, when Spring Boot's health support is present
 * {@code management.health.cachekit.enabled} is not {@code false}, and cachekit is used
 * ({@link OnCachekitUsedCondition}). {@code cachekit.health.outage-status} chooses the
 * status of an unreachable backend.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnEnabledHealthIndicator("cachekit")
@Conditional(OnCachekitUsedCondition.class)
class CachekitHealthConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "cachekitHealthIndicator")
	HealthIndicator cachekitHealthIndicator(ObjectProvider<Backend> backend,
			ObjectProvider<CachekitCacheManager> cacheManager, CachekitProperties properties) {
		return new CachekitHealthIndicator(backend.getIfUnique(), cacheManager.getIfUnique(),
				properties.getHealth().getOutageStatus());
	}

}
