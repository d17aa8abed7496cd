package io.cachekit.autoconfigure.docker.compose;

import java.util.List;

import io.cachekit.autoconfigure.service.CachekitMemcachedConnectionDetails;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.docker.compose.core.RunningService;
import org.springframework.boot.docker.compose.service.connection.DockerComposeConnectionDetailsFactory;
import org.springframework.boot.docker.compose.service.connection.DockerComposeConnectionSource;
import org.springframework.boot.ssl.SslBundle;

/**
 * Makes {@link CachekitMemcachedConnectionDetails} of a running Docker Compose service
 * whose image is {@code memcached} or {@code bitnami/memcached}: the service's host and
 * its port published from 11211.
 */
class MemcachedDockerComposeConnectionDetailsFactory
		extends DockerComposeConnectionDetailsFactory<CachekitMemcachedConnectionDetails> {

	static final int PORT = 11211;

	MemcachedDockerComposeConnectionDetailsFactory() {
		super(new String[] { "memcached", "bitnami/memcached" }, "net.spy.memcached.MemcachedClient");
	}

	@Override
	protected CachekitMemcachedConnectionDetails getDockerComposeConnectionDetails(
			DockerComposeConnectionSource source) {
		return new CachekitMemcachedDockerComposeConnectionDetails(source.getRunningService());
	}

	/**
	 * The details of one running service. Named apart from Spring Boot's own details
	 * classes: Spring Boot names the bean after the class, and a clash fails startup.
	 */
	static final class CachekitMemcachedDockerComposeConnectionDetails extends DockerComposeConnectionDetails
			implements CachekitMemcachedConnectionDetails {

		private final List<String> servers;

		private final @Nullable SslBundle sslBundle;

		CachekitMemcachedDockerComposeConnectionDetails(RunningService service) {
			super(service);
			this.servers = List.of(service.host() + ":" + service.ports().get(PORT));
			this.sslBundle = getSslBundle(service);
		}

		@Override
		public List<String> getServers() {
			return this.servers;
		}

		@Override
		public @Nullable SslBundle getSslBundle() {
			return this.sslBundle;
		}

	}

}
