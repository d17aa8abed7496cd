package io.cachekit.autoconfigure.service;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;
import org.springframework.boot.ssl.SslBundle;

/**
 * Where cachekit's Redis backend connects, and as whom.
 *
 * <p>
 * A bean of this type, defined by the application or by a service connection (a
 * Testcontainers {@code @ServiceConnection} container or a Docker Compose service whose
 * image is {@code redis}, {@code redis/redis-stack}, {@code redis/redis-stack-server} or
 * {@code valkey/valkey}), wins over {@code cachekit.redis.url} and
 * {@code cachekit.redis.ssl.bundle}, and over Spring Boot's shared Redis connection
 * factory: cachekit then makes its own connection to the server. With
 * {@code cachekit.backend=auto} (the default) it chooses the Redis backend when no
 * cachekit backend property is set; it never takes cachekit off the backend its
 * properties choose. Timeouts, the key prefix and the other {@code cachekit.redis.*}
 * settings still come from the properties.
 *
 * <p>
 * A lambda is enough for the common case: {@code @Bean CachekitRedisConnectionDetails
 * redis() { return () -> "redis://cache:6379"; }}. Implementations are read once, when
 * the backend is created.
 */
@FunctionalInterface
public interface CachekitRedisConnectionDetails extends ConnectionDetails {

	/**
	 * Returns the server's URL.
	 * @return {@code redis://[[user]:password@]host[:port][/database]}, or
	 * {@code rediss://...} for TLS, with reserved characters of the user name and
	 * password percent-encoded
	 */
	String getUrl();

	/**
	 * Returns the user name, which replaces one in the URL.
	 * @return the user name, or {@code null} to keep the URL's
	 */
	default @Nullable String getUsername() {
		return null;
	}

	/**
	 * Returns the password, which replaces one in the URL.
	 * @return the password, or {@code null} to keep the URL's
	 */
	default @Nullable String getPassword() {
		return null;
	}

	/**
	 * Returns the TLS material for a {@code rediss://} URL.
	 * @return the bundle, or {@code null} to trust the JDK's default authorities
	 */
	default @Nullable SslBundle getSslBundle() {
		return null;
	}

}
