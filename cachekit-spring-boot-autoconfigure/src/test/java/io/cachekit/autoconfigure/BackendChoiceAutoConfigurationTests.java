package io.cachekit.autoconfigure;

import java.nio.file.Path;
import java.util.Map;

import io.cachekit.backend.Backend;
import io.cachekit.backend.file.FileBackend;
import io.cachekit.spring.CachekitCacheManager;
import net.spy.memcached.MemcachedClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How {@link CachekitAutoConfiguration} acts on the backend choice: an explicit
 * {@code cachekit.backend} wins over other backends' settings and says so once, and a
 * backend whose client library is missing stops startup naming the dependencies.
 */
@ExtendWith(OutputCaptureExtension.class)
class BackendChoiceAutoConfigurationTests {

	private static final String IGNORING = "cachekit: ignoring ";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CachekitAutoConfiguration.class, CacheAutoConfiguration.class))
		.withUserConfiguration(CachingConfiguration.class);

	@TempDir
	Path directory;

	@Test
	void explicitBackendWinsOverAnotherBackendsSettingsAndLogsThemOnce(CapturedOutput output) {
		this.contextRunner
			.withPropertyValues("cachekit.backend=file", "cachekit.file.directory=" + this.directory,
					"cachekit.memcached.servers=127.0.0.1:1", "cachekit.redis.url=redis://127.0.0.1:1")
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(Backend.class).hasSingleBean(FileBackend.class);
				assertThat(context.getBean(CachekitCacheManager.class).getBackend()).isNotNull();
			});
		assertThat(output.getOut().split(IGNORING, -1)).as("logged once").hasSize(2);
		assertThat(output.getOut()).contains(IGNORING + "cachekit.memcached.servers, cachekit.redis.url, which "
				+ "configure another backend than the chosen one (cachekit.backend=file)");
	}

	@Test
	void noneWinsOverAFileDirectory(CapturedOutput output) {
		this.contextRunner.withPropertyValues("cachekit.backend=none", "cachekit.file.directory=" + this.directory)
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(Backend.class));
		assertThat(output.getOut()).contains(IGNORING + "cachekit.file.directory, which configures another backend");
	}

	@Test
	void autoLogsNothingAsIgnored(CapturedOutput output) {
		this.contextRunner.withPropertyValues("cachekit.file.directory=" + this.directory)
			.run((context) -> assertThat(context).hasSingleBean(FileBackend.class));
		assertThat(output.getOut()).doesNotContain(IGNORING);
	}

	@Test
	void redisBackendWithoutSpringDataRedisFailsStartupNamingTheDependencies() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(RedisConnectionFactory.class))
			.withPropertyValues("cachekit.backend=redis")
			.run((context) -> assertMissingClient(context.getStartupFailure(), "cachekit.backend", "redis",
					"org.springframework.data:spring-data-redis"));
	}

	@Test
	void redisUrlWithoutLettuceFailsStartupNamingTheDependencies() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("io.lettuce"))
			.withPropertyValues("cachekit.redis.url=redis://user:secret@127.0.0.1:1")
			.run((context) -> {
				InvalidConfigurationPropertyValueException failure = assertMissingClient(context.getStartupFailure(),
						"cachekit.redis.url", "redis://****@127.0.0.1:1", "io.lettuce:lettuce-core");
				assertThat(failure.getMessage()).doesNotContain("secret");
			});
	}

	@Test
	void redisUrlEnvironmentVariableWithoutTheClientFailsStartup() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("io.lettuce"))
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
						new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
								Map.of("CACHEKIT_REDIS_URL", "redis://127.0.0.1:1"))))
			.run((context) -> assertMissingClient(context.getStartupFailure(), "cachekit.redis.url",
					"redis://127.0.0.1:1", "io.lettuce:lettuce-core"));
	}

	@Test
	void platformRedisUrlWithoutTheClientIsNotChosen() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("io.lettuce"))
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
						new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
								Map.of("REDIS_URL", "redis://127.0.0.1:1"))))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(Backend.class));
	}

	@Test
	void memcachedServersWithoutSpymemcachedFailStartupNamingTheDependency() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(MemcachedClient.class))
			.withPropertyValues("cachekit.memcached.servers=127.0.0.1:1")
			.run((context) -> assertMissingClient(context.getStartupFailure(), "cachekit.memcached.servers",
					"127.0.0.1:1", "com.amazonaws:elasticache-java-cluster-client"));
	}

	@Test
	void missingClientFailsEvenWithLazyInitialization() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(MemcachedClient.class))
			.withPropertyValues("cachekit.backend=memcached", "spring.main.lazy-initialization=true")
			.withInitializer((context) -> context
				.addBeanFactoryPostProcessor(new org.springframework.boot.LazyInitializationBeanFactoryPostProcessor()))
			.run((context) -> assertMissingClient(context.getStartupFailure(), "cachekit.backend", "memcached",
					"com.amazonaws:elasticache-java-cluster-client"));
	}

	@Test
	void applicationBackendNeedsNoClient() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(MemcachedClient.class, RedisConnectionFactory.class))
			.withUserConfiguration(OwnBackendConfiguration.class)
			.withPropertyValues("cachekit.backend=redis")
			.run((context) -> assertThat(context).hasNotFailed()
				.getBeans(Backend.class)
				.containsOnlyKeys("ownBackend"));
	}

	private static InvalidConfigurationPropertyValueException assertMissingClient(Throwable failure, String property,
			String value, String coordinates) {
		assertThat(failure).isNotNull().hasRootCauseInstanceOf(InvalidConfigurationPropertyValueException.class);
		Throwable cause = failure;
		while (cause.getCause() != null) {
			cause = cause.getCause();
		}
		InvalidConfigurationPropertyValueException invalid = (InvalidConfigurationPropertyValueException) cause;
		assertThat(invalid.getName()).isEqualTo(property);
		assertThat(invalid.getValue()).isEqualTo(value);
		assertThat(invalid.getMessage()).contains(coordinates);
		return invalid;
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class CachingConfiguration {

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnBackendConfiguration {

		@Bean
		MapBackend ownBackend() {
			return new MapBackend();
		}

	}

}
