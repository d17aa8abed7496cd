package io.cachekit.autoconfigure;

import io.cachekit.spring.CachekitCacheManager;

/**
 * Customizes the builder of the auto-configured {@link CachekitCacheManager} before the
 * manager is built, for example to give caches their own configuration in code, with a
 * bean such as:
 *
 * <pre>{@code
 * CachekitCacheManagerBuilderCustomizer booksCache() {
 *     return (builder) -> builder.cache("books",
 *             builder.getDefaults().withTtl(Duration.ofMinutes(10)).withL1Enabled(false));
 * }
 * }</pre>
 *
 * <p>
 * Customizers run in their {@link org.springframework.core.annotation.Order order}, after
 * the {@code cachekit.*} properties (including {@code cachekit.caches.<name>.*} and
 * {@code spring.cache.cache-names}) were applied to the builder, so they see and may
 * replace what the properties declared.
 */
@FunctionalInterface
public interface CachekitCacheManagerBuilderCustomizer {

	/**
	 * Customizes the builder.
	 * @param builder the builder of the cache manager
	 */
	void customize(CachekitCacheManager.Builder builder);

}
