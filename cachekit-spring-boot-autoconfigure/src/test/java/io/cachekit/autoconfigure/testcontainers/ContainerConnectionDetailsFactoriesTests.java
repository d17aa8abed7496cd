package io.cachekit.autoconfigure.testcontainers;

import io.cachekit.autoconfigure.service.CachekitMemcachedConnectionDetails;
import io.cachekit.autoconfigure.service.CachekitRedisConnectionDetails;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;
import org.springframework.boot.autoconfigure.service.connection.ConnectionDetailsFactories;
import org.springframework.boot.testcontainers.service.connection.ContainerConnectionSource;
import org.springframework.boot.testcontainers.service.connection.TestContainerConnectionSources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * cachekit's Testcontainers factories, with Spring Boot's own image-name matching and a
 * container that is never started (no Docker).
 */
class ContainerConnectionDetailsFactoriesTests {

	@Test
	void memcachedImageGivesTheMappedServer() throws Exception {
		GenericContainer<?> container = container(11211, 32768);
		CachekitMemcachedConnectionDetails details = (CachekitMemcachedConnectionDetails) initialized(
				new MemcachedContainerConnectionDetailsFactory()
					.getConnectionDetails(source("memcached:1.6", container)));
		assertThat(details.getServers()).containsExactly("127.0.0.1:32768");
		assertThat(details.getUsername()).isNull();
		assertThat(details.getSslBundle()).isNull();
	}

	@Test
	void bitnamiMemcachedImageIsRecognised() {
		assertThat(new MemcachedContainerConnectionDetailsFactory()
			.getConnectionDetails(source("bitnami/memcached:latest", container(11211, 1)))).isNotNull();
	}

	@Test
	void foreignImageGivesNoMemcachedDetails() {
		assertThat(new MemcachedContainerConnectionDetailsFactory()
			.getConnectionDetails(source("postgres:17", container(11211, 1)))).isNull();
	}

	@Test
	void redisImagesGiveTheMappedUrl() throws Exception {
		for (String image : new String[] { "redis:7", "redis/redis-stack:latest", "redis/redis-stack-server:latest",
				"valkey/valkey:8" }) {
			CachekitRedisConnectionDetails details = (CachekitRedisConnectionDetails) initialized(
					new RedisContainerConnectionDetailsFactory()
						.getConnectionDetails(source(image, container(6379, 40000))));
			assertThat(details.getUrl()).as(image).isEqualTo("redis://127.0.0.1:40000");
		}
	}

	@Test
	void memcachedImageGivesNoRedisDetails() {
		assertThat(new RedisContainerConnectionDetailsFactory()
			.getConnectionDetails(source("memcached:1.6", container(6379, 1)))).isNull();
	}

	@Test
	void springFactoriesRegisterBothFactories() {
		ConnectionDetailsFactories factories = new ConnectionDetailsFactories(null);
		var details = factories.getConnectionDetails(source("memcached:1.6", container(11211, 32768)), false);
		assertThat(details).containsKey(CachekitMemcachedConnectionDetails.class);
		details = factories.getConnectionDetails(source("redis:7", container(6379, 40000)), false);
		assertThat(details).containsKey(CachekitRedisConnectionDetails.class);
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private static ContainerConnectionSource<org.testcontainers.containers.Container<?>> source(String image,
			GenericContainer<?> container) {
		return (ContainerConnectionSource) TestContainerConnectionSources.of((Class) GenericContainer.class, image,
				container);
	}

	private static GenericContainer<?> container(int port, int mappedPort) {
		GenericContainer<?> container = mock(GenericContainer.class);
		given(container.getHost()).willReturn("127.0.0.1");
		given(container.getMappedPort(port)).willReturn(mappedPort);
		return container;
	}

	private static ConnectionDetails initialized(ConnectionDetails details) throws Exception {
		assertThat(details).isNotNull();
		((InitializingBean) details).afterPropertiesSet();
		return details;
	}

}
