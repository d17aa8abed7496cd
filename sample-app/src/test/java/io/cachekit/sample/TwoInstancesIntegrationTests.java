package io.cachekit.sample;

import io.cachekit.test.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two instances of the sample application sharing one memcached, as two replicas of a
 * service would.
 */
class TwoInstancesIntegrationTests {

	private static final long GENERATION_REFRESH_MILLIS = 500;

	@RegisterExtension
	static final TestServer memcached = TestServer.memcached();

	private ConfigurableApplicationContext first;

	private ConfigurableApplicationContext second;

	@BeforeEach
	void startTwoInstances() {
		this.first = start();
		this.second = start();
	}

	@AfterEach
	void stopInstances() {
		this.first.close();
		this.second.close();
	}

	private static ConfigurableApplicationContext start() {
		// Command-line arguments, since application.yml would win
		// over default properties.
		return new SpringApplicationBuilder(SampleApplication.class).run("--server.port=0",
				"--sample.catalogue-latency=10ms", "--cachekit.memcached.servers=" + memcached.address(),
				"--cachekit.generation-refresh=" + GENERATION_REFRESH_MILLIS + "ms");
	}

	private static SampleClient client(ConfigurableApplicationContext context) {
		return new SampleClient(((WebServerApplicationContext) context).getWebServer().getPort());
	}

	@Test
	void valueComputedInOneInstanceIsServedFromL2InTheOther() {
		Book computed = client(this.first).book("shared-1");
		assertThat(client(this.second).book("shared-1")).isEqualTo(computed);
		assertThat(client(this.second).lookups()).as("the second instance never asked the catalogue").isZero();
	}

	@Test
	void evictAllInOneInstanceIsSeenByBothWithinTheGenerationRefresh() throws InterruptedException {
		SampleClient one = client(this.first);
		SampleClient two = client(this.second);
		Book old = one.book("shared-2");
		assertThat(two.book("shared-2")).isEqualTo(old);
		one.evictAll();
		assertThat(one.book("shared-2")).as("the clearing instance at once").isNotEqualTo(old);
		Thread.sleep(GENERATION_REFRESH_MILLIS + 200);
		assertThat(two.book("shared-2")).as("the other instance after the documented bound").isNotEqualTo(old);
	}

}
