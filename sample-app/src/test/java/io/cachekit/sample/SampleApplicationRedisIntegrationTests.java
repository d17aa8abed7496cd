package io.cachekit.sample;

import java.util.Map;

import io.cachekit.test.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.MAP;

/**
 * The sample application with Redis chosen by its URL, against a real redis-server.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "sample.catalogue-latency=10ms")
class SampleApplicationRedisIntegrationTests {

	@RegisterExtension
	static final TestServer redis = TestServer.redis();

	@DynamicPropertySource
	static void redisUrl(DynamicPropertyRegistry registry) {
		registry.add("cachekit.redis.url", () -> "redis://" + redis.address());
	}

	@LocalServerPort
	private int port;

	@Test
	void secondLookupIsServedFromTheCacheAndHealthShowsRedis() {
		SampleClient client = new SampleClient(this.port);
		long before = client.lookups();
		Book first = client.book("redis-1");
		assertThat(client.book("redis-1")).isEqualTo(first);
		assertThat(client.lookups()).isEqualTo(before + 1);
		assertThat(client.metric("cache.gets", "cache:books")).as("a miss then a hit, each once").isEqualTo(2);
		assertThat(client.metric("cache.gets", "cache:books", "result:hit")).isEqualTo(1);
		assertThat(client.metric("cache.puts", "cache:books")).isEqualTo(1);
		assertThat(client.metric("cachekit.cache.tier.puts", "cache:books", "tier:l2")).isEqualTo(1);
		Map<String, Object> health = client.cachekitHealth();
		assertThat(health).containsEntry("status", "UP");
		assertThat(health.get("details")).asInstanceOf(MAP).containsEntry("backend_type", "redis");
	}

}
