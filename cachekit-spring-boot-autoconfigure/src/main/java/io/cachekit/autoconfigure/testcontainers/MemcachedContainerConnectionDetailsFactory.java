package io.cachekit.autoconfigure.testcontainers;

import java.util.List;

import io.cachekit.autoconfigure.service.CachekitMemcachedConnectionDetails;
import org.jspecify.annotations.Nullable;
import org.testcontainers.containers.Container;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.testcontainers.service.connection.ContainerConnectionDetailsFactory;
import org.springframework.boot.testcontainers.service.connection.ContainerConnectionSource;

/**
 * Makes {@link CachekitMemcachedConnectionDetails} of a {@code @ServiceConnection}
 * container whose image is {@code memcached} or {@code bitnami/memcached} (or whose
 * service connection is named so): the container's host and its port mapped from 11211.
 */
class MemcachedContainerConnectionDetailsFactory
		extends ContainerConnectionDetailsFactory<Container<?>, CachekitMemcachedConnectionDetails> {

	static final int PORT = 11211;

	MemcachedContainerConnectionDetailsFactory() {
		super(List.of("memcached", "bitnami/memcached"), "net.spy.memcached.MemcachedClient");
	}

	@Override
	protected CachekitMemcachedConnectionDetails getContainerConnectionDetails(
			ContainerConnectionSource<Container<?>> source) {
		return new CachekitMemcachedContainerConnectionDetails(source);
	}

	/**
	 * The details of one container, read when the backend is created (the container is
	 * started then). Named apart from Spring Boot's own details classes: Spring Boot
	 * names the bean after the class, and a clash fails startup.
	 */
	static final class CachekitMemcachedContainerConnectionDetails extends ContainerConnectionDetails<Container<?>>
			implements CachekitMemcachedConnectionDetails {

		CachekitMemcachedContainerConnectionDetails(ContainerConnectionSource<Container<?>> source) {
			super(source);
		}

		@Override
		public List<String> getServers() {
			Container<?> container = getContainer();
			return List.of(container.getHost() + ":" + container.getMappedPort(PORT));
		}

		@Override
		public @Nullable SslBundle getSslBundle() {
			return super.getSslBundle();
		}

	}

}
