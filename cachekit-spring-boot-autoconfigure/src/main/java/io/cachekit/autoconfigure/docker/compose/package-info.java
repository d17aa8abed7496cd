/**
 * Spring Boot Docker Compose service connections for cachekit: a running memcached or
 * Redis service of the application's {@code compose.yaml} becomes the connection details
 * of cachekit's backend. Registered in {@code META-INF/spring.factories}; loaded only
 * when Spring Boot's Docker Compose support is on the classpath, never by the
 * auto-configuration itself.
 */
@NullMarked
package io.cachekit.autoconfigure.docker.compose;

import org.jspecify.annotations.NullMarked;
