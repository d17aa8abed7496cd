/**
 * Spring's cache abstraction over cachekit:
 * {@link io.cachekit.spring.CachekitCacheManager} creates
 * {@link io.cachekit.spring.CachekitCache}s, each a {@link io.cachekit.tier.TieredCache}
 * behind Spring's {@code Cache} contract.
 *
 * <p>
 * Needs {@code spring-context} on the classpath; the rest of cachekit-core does not.
 */
@NullMarked
package io.cachekit.spring;

import org.jspecify.annotations.NullMarked;
