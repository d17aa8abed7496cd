package io.cachekit.autoconfigure.docker.compose;

import io.cachekit.autoconfigure.service.CachekitRedisConnectionDetails;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.docker.compose.core.RunningService;
import org.springframework.boot.docker.compose.service.connection.DockerComposeConnectionDetailsFactory;
import org.springframework.boot.docker.compose.service.connection.DockerComposeConnectionSource;
import org.springframework.boot.ssl.SslBundle;

/**
 * Makes {@link CachekitRedisConnectionDetails} of a running Docker Compose service whose
 * image is {@code redis}, {@code redis/redis-stack}, {@code redis/redis-stack-server} or
 * {@code valkey/valkey}: {@code redis://} (with an SSL bundle in the service's labels,
 * {@code rediss://}) on the service's host and its port published from 6379.
 */
class RedisDockerComposeConnectionDetailsFactory
		extends DockerComposeConnectionDetailsFactory<CachekitRedisConnectionDetails> {

	static final int PORT = 6379;

	RedisDockerComposeConnectionDetailsFactory() {
		super(new String[] { "redis", "redis/redis-stack", "redis/redis-stack-server", "valkey/valkey" },
				"io.lettuce.core.RedisClient");
	}

	@Override
	protected CachekitRedisConnectionDetails getDockerComposeConnectionDetails(DockerComposeConnectionSource source) {
		return new CachekitRedisDockerComposeConnectionDetails(source.getRunningService());
	}

	/**
	 * The details of one running service. Named apart from Spring Boot's own details
	 * classes: Spring Boot names the bean after the class, and a clash fails startup.
	 */
	static final class CachekitRedisDockerComposeConnectionDetails extends DockerComposeConnectionDetails
			implements CachekitRedisConnectionDetails {

		private final String url;

		private final @Nullable SslBundle sslBundle;

		CachekitRedisDockerComposeConnectionDetails(RunningService service) {
			super(service);
			this.sslBundle = getSslBundle(service);
			String scheme = (this.sslBundle != null) ? "rediss://" : "redis://";
			this.url = scheme + service.host() + ":" + service.ports().get(PORT);
		}

		@Override
		public String getUrl() {
			return this.url;
		}

		@Override
		public @Nullable SslBundle getSslBundle() {
			return this.sslBundle;
		}

	}

}
