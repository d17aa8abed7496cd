/**
 * Spring Boot Testcontainers service connections for cachekit: a
 * {@code @ServiceConnection} memcached or Redis container becomes the connection details
 * of cachekit's backend. Registered in {@code META-INF/spring.factories}; loaded only
 * when Spring Boot's Testcontainers support is on the classpath, never by the
 * auto-configuration itself.
 */
@NullMarked
package io.cachekit.autoconfigure.testcontainers;

import org.jspecify.annotations.NullMarked;
