package io.cachekit.autoconfigure;

import org.springframework.boot.autoconfigure.condition.AllNestedConditions;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.cache.CacheManager;
import org.springframework.cache.interceptor.CacheAspectSupport;
import org.springframework.context.annotation.Conditional;

/**
 * Matches when cachekit's own {@code cacheManager} applies, as Spring Boot's cache
 * auto-configuration decides for its own: caching is enabled ({@code @EnableCaching}),
 * the application has no {@link CacheManager} or {@code cacheResolver} of its own, and
 * {@code spring.cache.type} is not set.
 */
class OnCachekitCacheManagerCondition extends AllNestedConditions {

	OnCachekitCacheManagerCondition() {
		super(ConfigurationPhase.REGISTER_BEAN);
	}

	@ConditionalOnBean(CacheAspectSupport.class)
	static class CachingEnabled {

	}

	@ConditionalOnMissingBean(value = CacheManager.class, name = "cacheResolver")
	static class NoApplicationCacheManager {

	}

	@Conditional(OnSpringCacheTypeUnsetCondition.class)
	static class SpringCacheTypeUnset {

	}

}
