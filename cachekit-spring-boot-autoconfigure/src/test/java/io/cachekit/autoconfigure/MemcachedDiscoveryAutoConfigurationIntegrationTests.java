package io.cachekit.autoconfigure;

import java.util.List;
import java.util.Map;

import io.cachekit.backend.memcached.MemcachedBackend;
import io.cachekit.test.Await;
import io.cachekit.test.ConfigEndpointServer;
import io.cachekit.test.ServerKind;
import io.cachekit.test.ServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code cachekit.memcached.discovery.endpoint} alone, against a configuration endpoint
 * that names real memcached servers: the application caches in them, and health lists
 * each node, the endpoint and the configuration's version as nodes are added.
 */
class MemcachedDiscoveryAutoConfigurationIntegrationTests {

	private static ServerProcess first;

	private static ServerProcess second;

	private static ConfigEndpointServer endpoint;

	@BeforeAll
	static void start() {
		first = ServerProcess.start(ServerKind.MEMCACHED);
		second = ServerProcess.start(ServerKind.MEMCACHED);
		endpoint = ConfigEndpointServer.start();
	}

	@AfterAll
	static void stop() {
		endpoint.close();
		first.close();
		second.close();
	}

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CachekitAutoConfiguration.class, CacheAutoConfiguration.class))
		.withUserConfiguration(CountingBooks.class)
		.withPropertyValues("cachekit.memcached.discovery.endpoint=" + endpoint.address(),
				"cachekit.memcached.discovery.interval=200ms")
		.withInitializer(MemcachedDiscoveryPropertiesTests
			.properties(Map.of("cachekit.memcached.weights[" + second.address() + "]", "2")));

	@Test
	void discoveredNodesCacheAndHealthFollowsTheEndpoint() {
		endpoint.publish(1, List.of(first));
		this.contextRunner.run((context) -> {
			assertThat(context.getBean(MemcachedBackend.class).config().servers()).isEmpty();
			CountingBooks.BookService service = context.getBean(CountingBooks.BookService.class);
			assertThat(service.find("a")).isEqualTo("book-a-1");
			assertThat(service.find("a")).isEqualTo("book-a-1");
			Health health = CountingBooks.health(context);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("discovery_endpoint", endpoint.address())
				.containsEntry("config_version", 1L)
				.containsEntry("nodes", Map.of(first.address(), Map.of("state", "up", "weight", 1)))
				.containsEntry("servers", Map.of(first.address(), "up"));

			endpoint.publish(2, List.of(first, second));
			assertThat(Await
				.until(() -> Long.valueOf(2).equals(CountingBooks.health(context).getDetails().get("config_version"))))
				.isTrue();
			assertThat(CountingBooks.health(context).getDetails()).containsEntry("nodes", Map.of(first.address(),
					Map.of("state", "up", "weight", 1), second.address(), Map.of("state", "up", "weight", 2)));
			for (int i = 0; i < 20; i++) {
				service.find("b" + i);
				service.find("b" + i);
			}
			assertThat(service.calls()).isEqualTo(21);
			assertThat(CountingBooks.errors(context, "memcached", null)).isZero();
		});
	}

}
