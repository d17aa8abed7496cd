package io.cachekit.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The messages the README quotes are the ones a user gets.
 */
@ExtendWith(OutputCaptureExtension.class)
class ReadmeMessagesTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CachekitAutoConfiguration.class, CacheAutoConfiguration.class))
		.withUserConfiguration(CachingConfiguration.class);

	@Test
	void quotedStartupFailureIsTheRealOne() throws IOException {
		String readme = readme();
		this.contextRunner.withPropertyValues("cachekit.memcached.servers=localhost:99999").run((context) -> {
			Throwable cause = context.getStartupFailure();
			while (cause.getCause() != null) {
				cause = cause.getCause();
			}
			assertThat(readme).contains(cause.getMessage());
		});
	}

	@Test
	void quotedIgnoredSettingsLineIsTheRealOne(CapturedOutput output) throws IOException {
		this.contextRunner
			.withPropertyValues("cachekit.backend=memcached", "cachekit.memcached.servers=127.0.0.1:1",
					"cachekit.memcached.connect-timeout=50ms", "cachekit.file.directory=/var/cache/app")
			.run((context) -> assertThat(context).hasNotFailed());
		String logged = output.getOut()
			.lines()
			.filter((line) -> line.contains("cachekit: ignoring"))
			.findFirst()
			.orElseThrow();
		assertThat(readme()).contains(logged.substring(logged.indexOf("cachekit: ignoring")));
	}

	private static String readme() throws IOException {
		return Files.readString(Path.of("..", "README.md"));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class CachingConfiguration {

	}

}
