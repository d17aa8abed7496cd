/**
 * Connection details for cachekit's backends, in the form of Spring Boot's service
 * connections: a bean of one of these types, defined by the application or by Spring
 * Boot's Testcontainers or Docker Compose support, tells cachekit where its memcached or
 * Redis server is, in place of the {@code cachekit.memcached.*} or
 * {@code cachekit.redis.*} connection properties.
 */
@NullMarked
package io.cachekit.autoconfigure.service;

import org.jspecify.annotations.NullMarked;
