package io.cachekit.autoconfigure;

import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Startup failures read in the words of a Spring Boot user: they name the property, never
 * an engine setting or record component, and print durations as Spring Boot does.
 */
class PropertyMessagesTests {

	private static final Pattern CAMEL_CASE = Pattern.compile("\\b[a-z]+[A-Z][A-Za-z]*\\b");

	private static final Pattern ISO_DURATION = Pattern.compile("PT-?\\d");

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CachekitAutoConfiguration.class, CacheAutoConfiguration.class))
		.withUserConfiguration(CachingConfiguration.class);

	@Test
	void dataSizesAreFormattedInTheirLargestWholeUnit() {
		assertThat(PropertyMessages.format(DataSize.ofMegabytes(2))).isEqualTo("2MB");
		assertThat(PropertyMessages.format(DataSize.ofKilobytes(1536))).isEqualTo("1536KB");
		assertThat(PropertyMessages.format(DataSize.ofBytes(1500))).isEqualTo("1500B");
		assertThat(PropertyMessages.format(DataSize.ofBytes(0))).isEqualTo("0B");
	}

	@Test
	void isoDurationsInATextAreRewritten() {
		assertThat(PropertyMessages.formatDurations("must be positive, was PT0S, not PT-0.5S or PT1H30M"))
			.isEqualTo("must be positive, was 0s, not -500ms or 90m");
	}

	@Test
	void memcachedFailuresNameTheProperty() {
		String servers = "cachekit.memcached.servers=mc1:11211";
		assertNamesProperty("cachekit.memcached.timeout", "-1s", servers, "cachekit.memcached.timeout=-1s");
		assertNamesProperty("cachekit.memcached.connect-timeout", "0s", servers,
				"cachekit.memcached.connect-timeout=0s");
		assertNamesProperty("cachekit.memcached.max-pool-size", "0", servers, "cachekit.memcached.max-pool-size=0");
		assertNamesProperty("cachekit.memcached.retry-attempts", "11", servers, "cachekit.memcached.retry-attempts=11");
		assertNamesProperty("cachekit.memcached.key-prefix", "a b", servers, "cachekit.memcached.key-prefix=a b");
		assertNamesProperty("cachekit.memcached.max-item-size", "0B", servers, "cachekit.memcached.max-item-size=0B");
		assertNamesProperty("cachekit.memcached.max-reconnect-delay", "0s", servers,
				"cachekit.memcached.max-reconnect-delay=0s");
		assertNamesProperty("cachekit.memcached.servers[0]", "localhost:99999",
				"cachekit.memcached.servers=localhost:99999");
		assertNamesProperty("cachekit.memcached.servers[1]", "localhost", "cachekit.memcached.servers=mc1:1,localhost");
		assertNamesProperty("cachekit.memcached.servers[1]", "mc1:1", "cachekit.memcached.servers=mc1:1,mc1:1");
	}

	@Test
	void fileFailuresNameTheProperty() {
		String file = "cachekit.backend=file";
		assertNamesProperty("cachekit.file.max-size", "0B", file, "cachekit.file.max-size=0B");
		assertNamesProperty("cachekit.file.max-entries", "0", file, "cachekit.file.max-entries=0");
		assertNamesProperty("cachekit.file.max-value-size", "0B", file, "cachekit.file.max-value-size=0B");
		assertNamesProperty("cachekit.file.sweep-interval", "0s", file, "cachekit.file.sweep-interval=0s");
		InvalidConfigurationPropertyValueException tooLarge = assertNamesProperty("cachekit.file.max-value-size", "2MB",
				file, "cachekit.file.max-size=1MB", "cachekit.file.max-value-size=2MB");
		assertThat(tooLarge.getMessage()).contains("cachekit.file.max-size");
	}

	@Test
	void redisFailuresNameThePropertyAndHideThePassword() {
		String url = "cachekit.redis.url=redis://localhost:6379";
		assertNamesProperty("cachekit.redis.timeout", "0s", url, "cachekit.redis.timeout=0s");
		assertNamesProperty("cachekit.redis.connect-timeout", "-2s", url, "cachekit.redis.connect-timeout=-2s");
		assertNamesProperty("cachekit.redis.retry-attempts", "-1", url, "cachekit.redis.retry-attempts=-1");
		assertNamesProperty("cachekit.redis.key-prefix", "x".repeat(200), url,
				"cachekit.redis.key-prefix=" + "x".repeat(200));
		assertNamesProperty("cachekit.redis.max-value-size", "0B", url, "cachekit.redis.max-value-size=0B");
		InvalidConfigurationPropertyValueException badUrl = assertNamesProperty("cachekit.redis.url",
				"http://****@localhost", "cachekit.redis.url=http://user:secret@localhost");
		assertThat(badUrl.getMessage()).doesNotContain("secret");
	}

	@Test
	void cacheAndCodecFailuresNameTheProperty() {
		assertNamesProperty("cachekit.default-ttl", "-5s", "cachekit.default-ttl=-5s");
		assertNamesProperty("cachekit.l1.max-ttl", "0s", "cachekit.l1.max-ttl=0s");
		InvalidConfigurationPropertyValueException l1Ttl = assertNamesProperty("cachekit.caches.books.l1-ttl", "1m",
				"cachekit.caches.books.l1-ttl=1m");
		assertThat(l1Ttl.getMessage()).contains("cachekit.l1.max-ttl (30s)");
		assertNamesProperty("cachekit.serialization.trusted-packages[1]", "*",
				"cachekit.serialization.trusted-packages=com.example,*");
	}

	private InvalidConfigurationPropertyValueException assertNamesProperty(String property, String value,
			String... properties) {
		InvalidConfigurationPropertyValueException[] failure = new InvalidConfigurationPropertyValueException[1];
		this.contextRunner.withPropertyValues(properties).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class);
			Throwable cause = context.getStartupFailure();
			while (cause.getCause() != null) {
				cause = cause.getCause();
			}
			failure[0] = (InvalidConfigurationPropertyValueException) cause;
		});
		InvalidConfigurationPropertyValueException exception = failure[0];
		assertThat(exception.getName()).as("property of %s", exception.getMessage()).isEqualTo(property);
		assertThat(exception.getValue()).as("value of %s", exception.getMessage()).hasToString(value);
		assertThat(exception.getMessage()).as("no engine setting in %s", exception.getMessage())
			.doesNotContainPattern(CAMEL_CASE)
			.as("no ISO duration in %s", exception.getMessage())
			.doesNotContainPattern(ISO_DURATION);
		return exception;
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class CachingConfiguration {

	}

}
