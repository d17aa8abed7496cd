/**
 * Spring Boot auto-configuration for cachekit: binds {@code cachekit.*} properties to a
 * backend and a two-tier {@code CacheManager}, and contributes health and metrics.
 */
@NullMarked
package io.cachekit.autoconfigure;

import org.jspecify.annotations.NullMarked;
