package io.cachekit.sample;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.MAP;

/**
 * The sample application as its run command starts it: no cache server, so L1 in front of
 * the file store.
 */
class SampleApplicationDefaultTests {

	@TempDir
	Path directory;

	private ConfigurableApplicationContext start() {
		// Command-line arguments, since application.yml would win
		// over default properties.
		return new SpringApplicationBuilder(SampleApplication.class).run("--server.port=0",
				"--sample.catalogue-latency=10ms", "--cachekit.file.directory=" + this.directory);
	}

	private static SampleClient client(ConfigurableApplicationContext context) {
		return new SampleClient(((WebServerApplicationContext) context).getWebServer().getPort());
	}

	@Test
	void secondLookupIsServedFromTheCache() {
		try (ConfigurableApplicationContext context = start()) {
			SampleClient client = client(context);
			Book first = client.book("default-1");
			assertThat(client.book("default-1")).isEqualTo(first);
			assertThat(client.lookups()).isEqualTo(1);
		}
	}

	@Test
	void cachedEntriesSurviveARestart() {
		Book before;
		try (ConfigurableApplicationContext context = start()) {
			before = client(context).book("default-2");
		}
		try (ConfigurableApplicationContext context = start()) {
			SampleClient client = client(context);
			assertThat(client.book("default-2")).isEqualTo(before);
			assertThat(client.lookups()).as("the restarted application never asked the catalogue").isZero();
		}
	}

	@Test
	void healthIsUpWithBackendTypeFile() {
		try (ConfigurableApplicationContext context = start()) {
			Map<String, Object> health = client(context).cachekitHealth();
			assertThat(health).containsEntry("status", "UP");
			assertThat(health.get("details")).asInstanceOf(MAP).containsEntry("backend_type", "file");
		}
	}

}
