package io.cachekit.autoconfigure.docker.compose;

import java.util.Map;

import io.cachekit.autoconfigure.service.CachekitMemcachedConnectionDetails;
import io.cachekit.autoconfigure.service.CachekitRedisConnectionDetails;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;
import org.springframework.boot.autoconfigure.service.connection.ConnectionDetailsFactories;
import org.springframework.boot.docker.compose.core.ConnectionPorts;
import org.springframework.boot.docker.compose.core.ImageReference;
import org.springframework.boot.docker.compose.core.RunningService;
import org.springframework.boot.docker.compose.service.connection.DockerComposeConnectionSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * cachekit's Docker Compose factories, with Spring Boot's own image-name matching and a
 * running service that is a mock (no Docker).
 */
class DockerComposeConnectionDetailsFactoriesTests {

	@Test
	void memcachedServiceGivesThePublishedServer() {
		CachekitMemcachedConnectionDetails details = new MemcachedDockerComposeConnectionDetailsFactory()
			.getConnectionDetails(source("memcached:1.6", 11211, 32768));
		assertThat(details).isNotNull();
		assertThat(details.getServers()).containsExactly("127.0.0.1:32768");
		assertThat(details.getSslBundle()).isNull();
	}

	@Test
	void bitnamiMemcachedServiceIsRecognised() {
		assertThat(new MemcachedDockerComposeConnectionDetailsFactory()
			.getConnectionDetails(source("bitnami/memcached:1.6", 11211, 1))).isNotNull();
	}

	@Test
	void foreignServiceGivesNoMemcachedDetails() {
		assertThat(new MemcachedDockerComposeConnectionDetailsFactory()
			.getConnectionDetails(source("postgres:17", 11211, 1))).isNull();
	}

	@Test
	void redisServicesGiveThePublishedUrl() {
		for (String image : new String[] { "redis:7", "redis/redis-stack:latest", "redis/redis-stack-server:latest",
				"valkey/valkey:8" }) {
			CachekitRedisConnectionDetails details = new RedisDockerComposeConnectionDetailsFactory()
				.getConnectionDetails(source(image, 6379, 40000));
			assertThat(details).as(image).isNotNull();
			assertThat(details.getUrl()).as(image).isEqualTo("redis://127.0.0.1:40000");
		}
	}

	@Test
	void memcachedServiceGivesNoRedisDetails() {
		assertThat(
				new RedisDockerComposeConnectionDetailsFactory().getConnectionDetails(source("memcached:1.6", 6379, 1)))
			.isNull();
	}

	@Test
	void springFactoriesRegisterBothFactories() {
		ConnectionDetailsFactories factories = new ConnectionDetailsFactories(null);
		assertThat(factories.getConnectionDetails(source("memcached:1.6", 11211, 32768), false))
			.containsKey(CachekitMemcachedConnectionDetails.class);
		Map<Class<?>, ConnectionDetails> redis = factories.getConnectionDetails(source("redis:7", 6379, 40000), false);
		assertThat(redis).containsKey(CachekitRedisConnectionDetails.class).hasSizeGreaterThan(1);
		// Spring Boot names each details bean after its class: the names must not clash.
		assertThat(redis.values()).extracting((details) -> details.getClass().getSimpleName()).doesNotHaveDuplicates();
	}

	private static DockerComposeConnectionSource source(String image, int port, int publishedPort) {
		RunningService service = mock(RunningService.class);
		given(service.name()).willReturn("cache");
		given(service.image()).willReturn(ImageReference.of(image));
		given(service.host()).willReturn("127.0.0.1");
		ConnectionPorts ports = mock(ConnectionPorts.class);
		given(ports.get(port)).willReturn(publishedPort);
		given(service.ports()).willReturn(ports);
		given(service.labels()).willReturn(Map.of());
		given(service.env()).willReturn(Map.of());
		DockerComposeConnectionSource source = mock(DockerComposeConnectionSource.class);
		given(source.getRunningService()).willReturn(service);
		return source;
	}

}
