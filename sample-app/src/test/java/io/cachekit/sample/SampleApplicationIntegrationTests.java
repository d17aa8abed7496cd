package io.cachekit.sample;

import java.util.Map;

import io.cachekit.test.Await;
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
 * The sample application end to end against a real memcached, which is stopped and
 * restarted in the middle of a test.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = { "sample.catalogue-latency=10ms",
		"cachekit.memcached.timeout=300ms", "cachekit.memcached.max-reconnect-delay=1s" })
class SampleApplicationIntegrationTests {

	@RegisterExtension
	static final TestServer memcached = TestServer.memcached();

	@DynamicPropertySource
	static void memcachedServers(DynamicPropertyRegistry registry) {
		registry.add("cachekit.memcached.servers", memcached::address);
	}

	@LocalServerPort
	private int port;

	@Test
	void secondLookupIsServedFromTheCache() {
		SampleClient client = new SampleClient(this.port);
		long before = client.lookups();
		Book first = client.book("978-1");
		Book second = client.book("978-1");
		assertThat(second).isEqualTo(first);
		assertThat(client.lookups()).isEqualTo(before + 1);
	}

	@Test
	void healthShowsMemcachedUpWithItsLatency() {
		Map<String, Object> health = new SampleClient(this.port).cachekitHealth();
		assertThat(health).containsEntry("status", "UP");
		assertThat(health.get("details")).asInstanceOf(MAP)
			.containsEntry("backend_type", "memcached")
			.hasEntrySatisfying("latency_ms", (latency) -> assertThat(latency).isInstanceOf(Number.class));
	}

	@Test
	void stoppedServerLeavesTheEndpointsCorrectAndHealthDownUntilItReturns() {
		SampleClient client = new SampleClient(this.port);
		Book cached = client.book("978-2");
		memcached.process().stop();
		try {
			assertThat(client.book("978-2")).as("served from L1").isEqualTo(cached);
			long before = client.lookups();
			Book fresh = client.book("978-3");
			assertThat(fresh.isbn()).isEqualTo("978-3");
			assertThat(client.lookups()).isEqualTo(before + 1);
			assertThat(client.cachekitHealth()).containsEntry("status", "DOWN");
		}
		finally {
			memcached.process().restart();
		}
		assertThat(Await.until(() -> "UP".equals(client.cachekitHealth().get("status")))).as("health UP again")
			.isTrue();
		// The circuit breaker may still skip L2 for a few seconds after the outage.
		double l2Puts = client.metric("cachekit.cache.tier.puts", "cache:books", "tier:l2");
		int[] next = { 4 };
		assertThat(Await.until(() -> {
			client.book("978-" + next[0]++);
			return client.metric("cachekit.cache.tier.puts", "cache:books", "tier:l2") > l2Puts;
		})).as("L2 written again").isTrue();
	}

}
