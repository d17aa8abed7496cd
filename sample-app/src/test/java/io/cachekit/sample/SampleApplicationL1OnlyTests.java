package io.cachekit.sample;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample application as its run command starts it: no cache server, L1-only caches.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "sample.catalogue-latency=10ms")
class SampleApplicationL1OnlyTests {

	@LocalServerPort
	private int port;

	@Test
	void secondLookupIsServedFromTheCache() {
		SampleClient client = new SampleClient(this.port);
		long before = client.lookups();
		Book first = client.book("l1-only-1");
		Book second = client.book("l1-only-1");
		assertThat(second).isEqualTo(first);
		assertThat(client.lookups()).isEqualTo(before + 1);
	}

	@Test
	void healthIsUpWithBackendTypeNone() {
		Map<String, Object> health = new SampleClient(this.port).cachekitHealth();
		assertThat(health).containsEntry("status", "UP");
		assertThat(health.get("details")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
			.containsEntry("backend_type", "none");
	}

}
