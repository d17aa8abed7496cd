package io.cachekit.autoconfigure;

import java.time.Duration;
import java.util.Map;

import io.cachekit.backend.memcached.MemcachedBackend;
import io.cachekit.backend.memcached.ServerAddress;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code cachekit.memcached.servers} with weights,
 * {@code cachekit.memcached.weights[...]} and {@code cachekit.memcached.discovery.*}:
 * bound, checked at startup naming the property, and a discovery endpoint that is down
 * does not stop the application.
 */
class MemcachedDiscoveryPropertiesTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CachekitAutoConfiguration.class, CacheAutoConfiguration.class))
		.withUserConfiguration(CountingBooks.class)
		.withPropertyValues("cachekit.memcached.connect-timeout=10ms");

	@Test
	void serversTakeWeightsInTheAddressOrInTheBracketedMap() {
		this.contextRunner.withPropertyValues("cachekit.memcached.servers=127.0.0.1:1:3,127.0.0.1:2")
			.withInitializer(properties(Map.of("cachekit.memcached.weights[127.0.0.1:2]", "2")))
			.run((context) -> assertThat(context.getBean(MemcachedBackend.class).config().servers())
				.containsExactly(new ServerAddress("127.0.0.1", 1, 3), new ServerAddress("127.0.0.1", 2, 2)));
	}

	@Test
	void weightOutOfRangeFailsStartupNamingTheWeightsProperty() {
		this.contextRunner.withPropertyValues("cachekit.memcached.servers=127.0.0.1:1")
			.withInitializer(properties(Map.of("cachekit.memcached.weights[127.0.0.1:1]", "0")))
			.run((context) -> assertThat(rootCause(context.getStartupFailure()).getName())
				.isEqualTo("cachekit.memcached.weights"));
	}

	@Test
	void discoveryIntervalBelowTheMinimumFailsStartupNamingIt() {
		this.contextRunner
			.withPropertyValues("cachekit.memcached.discovery.endpoint=127.0.0.1:1",
					"cachekit.memcached.discovery.interval=50ms")
			.run((context) -> {
				InvalidConfigurationPropertyValueException failure = rootCause(context.getStartupFailure());
				assertThat(failure.getName()).isEqualTo("cachekit.memcached.discovery.interval");
				assertThat(failure).hasMessageContaining("at least 100ms");
			});
	}

	@Test
	void discoveryEndpointThatIsDownStillStartsTheApplicationAndCallsRunTheirMethod() {
		this.contextRunner
			.withPropertyValues("cachekit.memcached.discovery.endpoint=127.0.0.1:1",
					"cachekit.memcached.discovery.interval=5s", "cachekit.memcached.timeout=200ms")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				MemcachedBackend backend = context.getBean(MemcachedBackend.class);
				assertThat(backend.config().discoveryEndpoint()).isEqualTo(new ServerAddress("127.0.0.1", 1));
				assertThat(backend.config().discoveryInterval()).isEqualTo(Duration.ofSeconds(5));
				CountingBooks.BookService service = context.getBean(CountingBooks.BookService.class);
				assertThat(service.find("a")).isEqualTo("book-a-1");
				assertThat(CountingBooks.health(context).getDetails()).containsEntry("discovery_endpoint",
						"127.0.0.1:1");
				assertThat(String.valueOf(CountingBooks.health(context).getDetails().get("error")))
					.contains("no memcached cluster configuration yet");
			});
	}

	/**
	 * Adds properties whose keys hold a colon, which
	 * {@link ApplicationContextRunner#withPropertyValues} would take for the separator
	 * (as a {@code .properties} file does unless it is written {@code \:}).
	 */
	static ApplicationContextInitializer<ConfigurableApplicationContext> properties(Map<String, Object> properties) {
		return (context) -> context.getEnvironment()
			.getPropertySources()
			.addFirst(new MapPropertySource("test-weights", properties));
	}

	private static InvalidConfigurationPropertyValueException rootCause(Throwable failure) {
		Throwable cause = failure;
		while (cause.getCause() != null) {
			cause = cause.getCause();
		}
		assertThat(cause).isInstanceOf(InvalidConfigurationPropertyValueException.class);
		return (InvalidConfigurationPropertyValueException) cause;
	}

}
