package io.cachekit.autoconfigure.testcontainers;

import java.util.List;

import io.cachekit.autoconfigure.service.CachekitRedisConnectionDetails;
import org.jspecify.annotations.Nullable;
import org.testcontainers.containers.Container;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.testcontainers.service.connection.ContainerConnectionDetailsFactory;
import org.springframework.boot.testcontainers.service.connection.ContainerConnectionSource;

/**
 * Makes {@link CachekitRedisConnectionDetails} of a {@code @ServiceConnection} container
 * whose image is {@code redis}, {@code redis/redis-stack},
 * {@code redis/redis-stack-server} or {@code valkey/valkey} (or whose service connection
 * is named so): {@code redis://} (with an SSL bundle on the container, {@code rediss://})
 * on the container's host and its port mapped from 6379. Spring Boot's own factory makes
 * its {@code RedisConnectionDetails} of the same container; cachekit then uses its own
 * connection rather than Spring Boot's.
 */
class RedisContainerConnectionDetailsFactory
		extends ContainerConnectionDetailsFactory<Container<?>, CachekitRedisConnectionDetails> {

	static final int PORT = 6379;

	RedisContainerConnectionDetailsFactory() {
		super(List.of("redis", "redis/redis-stack", "redis/redis-stack-server", "valkey/valkey"),
				"io.lettuce.core.RedisClient");
	}

	@Override
	protected CachekitRedisConnectionDetails getContainerConnectionDetails(
			ContainerConnectionSource<Container<?>> source) {
		return new CachekitRedisContainerConnectionDetails(source);
	}

	/**
	 * The details of one container, read when the backend is created (the container is
	 * started then). Named apart from Spring Boot's own details classes: Spring Boot
	 * names the bean after the class, and a clash fails startup.
	 */
	static final class CachekitRedisContainerConnectionDetails extends ContainerConnectionDetails<Container<?>>
			implements CachekitRedisConnectionDetails {

		CachekitRedisContainerConnectionDetails(ContainerConnectionSource<Container<?>> source) {
			super(source);
		}

		@Override
		public String getUrl() {
			Container<?> container = getContainer();
			String scheme = (getSslBundle() != null) ? "rediss://" : "redis://";
			return scheme + container.getHost() + ":" + container.getMappedPort(PORT);
		}

		@Override
		public @Nullable SslBundle getSslBundle() {
			return super.getSslBundle();
		}

	}

}
