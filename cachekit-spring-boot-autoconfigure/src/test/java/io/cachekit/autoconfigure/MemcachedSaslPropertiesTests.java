package io.cachekit.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code cachekit.memcached.username} and {@code password} are set both or neither: one
 * without the other fails startup naming the missing property, and no failure shows the
 * password.
 */
class MemcachedSaslPropertiesTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CachekitAutoConfiguration.class, CacheAutoConfiguration.class))
		.withUserConfiguration(CachingConfiguration.class)
		.withPropertyValues("cachekit.memcached.servers=127.0.0.1:1", "cachekit.memcached.connect-timeout=10ms");

	@Test
	void passwordWithoutUsernameFailsStartupNamingUsernameAndHidingThePassword() {
		this.contextRunner.withPropertyValues("cachekit.memcached.password=t0p-secret").run((context) -> {
			InvalidConfigurationPropertyValueException failure = rootCause(context.getStartupFailure());
			assertThat(failure.getName()).isEqualTo("cachekit.memcached.username");
			assertThat(failure).hasMessageContaining("cachekit.memcached.password is set");
			assertThat(messages(context.getStartupFailure())).doesNotContain("t0p-secret");
		});
	}

	@Test
	void usernameWithoutPasswordFailsStartupNamingPassword() {
		this.contextRunner.withPropertyValues("cachekit.memcached.username=orders").run((context) -> {
			InvalidConfigurationPropertyValueException failure = rootCause(context.getStartupFailure());
			assertThat(failure.getName()).isEqualTo("cachekit.memcached.password");
			assertThat(failure).hasMessageContaining("cachekit.memcached.username is set");
		});
	}

	@Test
	void emptyPasswordFailsStartupNamingPassword() {
		this.contextRunner.withPropertyValues("cachekit.memcached.username=orders", "cachekit.memcached.password=")
			.run((context) -> assertThat(rootCause(context.getStartupFailure()).getName())
				.isEqualTo("cachekit.memcached.password"));
	}

	private static InvalidConfigurationPropertyValueException rootCause(Throwable failure) {
		Throwable cause = failure;
		while (cause.getCause() != null) {
			cause = cause.getCause();
		}
		assertThat(cause).isInstanceOf(InvalidConfigurationPropertyValueException.class);
		return (InvalidConfigurationPropertyValueException) cause;
	}

	private static String messages(Throwable failure) {
		StringBuilder text = new StringBuilder();
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			text.append(cause.getMessage()).append('\n');
		}
		return text.toString();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class CachingConfiguration {

	}

}
