package io.cachekit.autoconfigure.service;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;
import org.springframework.boot.ssl.SslBundle;

/**
 * Where cachekit's memcached backend connects, and as whom.
 *
 * <p>
 * A bean of this type, defined by the application or by a service connection (a
 * Testcontainers {@code @ServiceConnection} container or a Docker Compose service whose
 * image is {@code memcached} or {@code bitnami/memcached}), wins over
 * {@code cachekit.memcached.servers}, {@code username}, {@code password} and
 * {@code ssl.*}. Its servers are the whole pool: {@code cachekit.memcached.discovery.*}
 * and {@code cachekit.memcached.weights}, which name the nodes of another deployment, are
 * ignored (said once in the startup log). With {@code cachekit.backend=auto} (the
 * default) it chooses the memcached backend when no cachekit backend property is set.
 * Timeouts, the pool size, the key prefix and the other {@code cachekit.memcached.*}
 * settings still come from the properties.
 *
 * <p>
 * A lambda is enough for the common case: {@code @Bean CachekitMemcachedConnectionDetails
 * memcached() { return () -> List.of("cache:11211"); }}. Implementations are read once,
 * when the backend is created.
 */
@FunctionalInterface
public interface CachekitMemcachedConnectionDetails extends ConnectionDetails {

	/**
	 * Returns the servers, as {@code host:port}.
	 * @return at least one server
	 */
	List<String> getServers();

	/**
	 * Returns the SASL user name.
	 * @return the user name, or {@code null} for servers without SASL
	 */
	default @Nullable String getUsername() {
		return null;
	}

	/**
	 * Returns the SASL password, required when {@link #getUsername()} is not
	 * {@code null}.
	 * @return the password, or {@code null} for servers without SASL
	 */
	default @Nullable String getPassword() {
		return null;
	}

	/**
	 * Returns the TLS material to trust the servers with.
	 * @return the bundle, or {@code null} for plain connections
	 */
	default @Nullable SslBundle getSslBundle() {
		return null;
	}

}
