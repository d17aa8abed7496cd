package io.cachekit.autoconfigure;

import java.nio.file.Path;

import io.cachekit.backend.file.FileBackend;
import io.cachekit.backend.file.FileBackendConfig;
import io.cachekit.spring.CachekitCacheManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.Cache;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link CachekitAutoConfiguration} choosing the file store.
 */
class CachekitFileAutoConfigurationIntegrationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CachekitAutoConfiguration.class, CacheAutoConfiguration.class))
		.withUserConfiguration(CachingConfiguration.class);

	@TempDir
	Path directory;

	@Test
	void directoryCreatesAFileBackendWhoseEntriesOutliveTheContext() {
		String property = "cachekit.file.directory=" + this.directory;
		this.contextRunner.withPropertyValues(property).run((context) -> {
			assertThat(context.getBean(FileBackend.class).config().directory()).isEqualTo(this.directory);
			context.getBean(CachekitCacheManager.class).getCache("books").put("k", "kept");
			Health health = context.getBean("cachekitHealthIndicator", HealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("backend_type", "file");
		});
		this.contextRunner.withPropertyValues(property).run((context) -> {
			Cache cache = context.getBean(CachekitCacheManager.class).getCache("books");
			assertThat(cache.get("k", String.class)).as("read back after a restart").isEqualTo("kept");
		});
	}

	@Test
	void fileBackendWithoutADirectoryUsesTheDefaultOne() {
		this.contextRunner.withPropertyValues("cachekit.backend=file")
			.run((context) -> assertThat(context.getBean(FileBackend.class).config().directory())
				.isEqualTo(FileBackendConfig.defaultDirectory()));
	}

	@Test
	void badFileSettingsFailStartupNamingTheProperty() {
		this.contextRunner
			.withPropertyValues("cachekit.file.directory=" + this.directory, "cachekit.file.max-entries=0")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("cachekit.file.max-entries");
			});
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class CachingConfiguration {

	}

}
