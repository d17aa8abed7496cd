package io.cachekit.autoconfigure;

import io.cachekit.spring.CachekitCacheManager;

import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.context.annotation.Conditional;

/**
 * Matches when something uses cachekit's backend, codec and health: cachekit's own
 * {@code cacheManager} applies ({@link OnCachekitCacheManagerCondition}), or the
 * application declares a {@link CachekitCacheManager} bean of its own, which may be built
 * over them.
 *
 * <p>
 * Otherwise (caching not enabled, {@code spring.cache.type} set, or another kind of cache
 * manager or a {@code cacheResolver}) nothing of cachekit is used, so nothing is
 * contributed: no backend is built or connected, and no health indicator can report a
 * server nothing uses as down. This is what Spring Boot does for its own cache types. An
 * application {@code CachekitCacheManager} bean is recognized by the return type of its
 * {@code @Bean} method.
 */
class OnCachekitUsedCondition extends AnyNestedCondition {

	OnCachekitUsedCondition() {
		super(ConfigurationPhase.REGISTER_BEAN);
	}

	@Conditional(OnCachekitCacheManagerCondition.class)
	static class CachekitCacheManagerApplies {

	}

	@ConditionalOnBean(CachekitCacheManager.class)
	static class ApplicationCachekitCacheManager {

	}

}
