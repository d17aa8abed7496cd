package io.cachekit.autoconfigure;

import java.util.List;
import java.util.Map;

import io.cachekit.autoconfigure.service.CachekitMemcachedConnectionDetails;
import io.cachekit.backend.memcached.MemcachedBackend;
import io.cachekit.backend.memcached.MemcachedConfig;
import io.cachekit.backend.memcached.ServerAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a connection details bean takes from the properties and what it replaces. No
 * server is needed.
 */
@ExtendWith(OutputCaptureExtension.class)
class ConnectionDetailsConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CachekitAutoConfiguration.class, CacheAutoConfiguration.class))
		.withUserConfiguration(CountingBooks.class)
		.withPropertyValues("cachekit.memcached.connect-timeout=10ms");

	@Test
	void memcachedDetailsReplaceTheDiscoveryEndpointAndWeightsOfTheProperties(CapturedOutput output) {
		this.contextRunner.withBean(CachekitMemcachedConnectionDetails.class, () -> () -> List.of("127.0.0.1:1"))
			.withInitializer(
					MemcachedDiscoveryPropertiesTests.properties(Map.of("cachekit.memcached.discovery.endpoint",
							"cfg.prod.internal:11211", "cachekit.memcached.weights[prod.internal:11211]", "3")))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				MemcachedConfig config = context.getBean(MemcachedBackend.class).config();
				assertThat(config.servers()).containsExactly(new ServerAddress("127.0.0.1", 1));
				assertThat(config.discoveryEndpoint()).isNull();
			});
		String line = "cachekit: the memcached connection details (";
		assertThat(output).contains(line)
			.contains(") name the servers; ignoring cachekit.memcached.discovery.* and cachekit.memcached.weights");
		assertThat(output.getOut().lines().filter((logged) -> logged.contains(line))).as("times logged").hasSize(1);
	}

	@Test
	void memcachedDetailsAloneLogNothingAboutDiscovery(CapturedOutput output) {
		this.contextRunner.withBean(CachekitMemcachedConnectionDetails.class, () -> () -> List.of("127.0.0.1:1"))
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).doesNotContain("cachekit: the memcached connection details (");
	}

}
