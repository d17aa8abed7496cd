package io.cachekit.autoconfigure;

import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import io.cachekit.spring.CachekitCacheManager;
import io.cachekit.test.InMemoryBackend;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.actuate.autoconfigure.context.properties.ConfigurationPropertiesReportEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.env.EnvironmentEndpointAutoConfiguration;
import org.springframework.boot.actuate.context.properties.ConfigurationPropertiesReportEndpoint;
import org.springframework.boot.actuate.context.properties.ConfigurationPropertiesReportEndpoint.ConfigurationPropertiesBeanDescriptor;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.actuate.env.EnvironmentEndpoint;
import org.springframework.boot.actuate.env.EnvironmentEndpoint.PropertySourceDescriptor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The encryption keys, the memcached password and the password in a Redis URL never
 * appear in the actuator's {@code env} and {@code configprops} endpoints (with
 * {@code show-values=always}), health, metrics, logs or {@code toString}, whether they
 * come from properties or environment variables.
 */
@ExtendWith(OutputCaptureExtension.class)
class CachekitSecretsSanitizingTests {

	private static final String KEY = HexFormat.of().formatHex(CachekitEncryptionAutoConfigurationTests.bytes(32, 3));

	private static final String PREVIOUS_KEY = "base64:"
			+ Base64.getEncoder().encodeToString(CachekitEncryptionAutoConfigurationTests.bytes(40, 77));

	private static final String ENV_KEY = HexFormat.of()
		.formatHex(CachekitEncryptionAutoConfigurationTests.bytes(48, 5));

	private static final String ENV_PREVIOUS_KEY = HexFormat.of()
		.formatHex(CachekitEncryptionAutoConfigurationTests.bytes(36, 123));

	private static final String MEMCACHED_PASSWORD = "mc-Pa55word-s3cret";

	private static final String REDIS_PASSWORD = "redis-Pa55word-s3cret";

	private static final String ENV_REDIS_PASSWORD = "env-redis-Pa55-s3cret";

	private static final List<String> SECRETS = List.of(KEY, PREVIOUS_KEY.substring(7), ENV_KEY, ENV_PREVIOUS_KEY,
			MEMCACHED_PASSWORD, REDIS_PASSWORD, ENV_REDIS_PASSWORD);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CachekitAutoConfiguration.class, CacheAutoConfiguration.class,
				EndpointAutoConfiguration.class, EnvironmentEndpointAutoConfiguration.class,
				ConfigurationPropertiesReportEndpointAutoConfiguration.class))
		.withUserConfiguration(ServiceConfiguration.class)
		.withPropertyValues("management.endpoint.env.show-values=always",
				"management.endpoint.configprops.show-values=always", "management.endpoints.jmx.exposure.include=*",
				"management.endpoints.web.exposure.include=*", "cachekit.encryption.key=" + KEY,
				"cachekit.encryption.previous-keys[0]=" + PREVIOUS_KEY, "cachekit.memcached.username=orders",
				"cachekit.memcached.password=" + MEMCACHED_PASSWORD,
				"cachekit.redis.url=redis://orders:" + REDIS_PASSWORD + "@localhost:6379/0");

	private final ApplicationContextRunner withEnvironmentVariables = this.contextRunner
		.withInitializer((context) -> context.getEnvironment()
			.getPropertySources()
			.addLast(new SystemEnvironmentPropertySource("test-environment",
					Map.of("CACHEKIT_ENCRYPTION_KEY", ENV_KEY, "CACHEKIT_ENCRYPTION_PREVIOUSKEYS_0", ENV_PREVIOUS_KEY,
							"CACHEKIT_MEMCACHED_PASSWORD", MEMCACHED_PASSWORD, "REDIS_URL",
							"redis://:" + ENV_REDIS_PASSWORD + "@cache.example:6380"))));

	@Test
	void envEndpointShowsNoSecretFromPropertiesOrEnvironmentVariables() {
		this.withEnvironmentVariables.run((context) -> {
			assertThat(context).hasNotFailed();
			EnvironmentEndpoint endpoint = context.getBean(EnvironmentEndpoint.class);
			Map<String, Object> shown = new java.util.LinkedHashMap<>();
			for (PropertySourceDescriptor source : endpoint.environment(null).getPropertySources()) {
				source.getProperties().forEach((name, value) -> shown.put(name, value.getValue()));
			}
			assertThat(shown).containsEntry("cachekit.encryption.key", SanitizableData.SANITIZED_VALUE)
				.containsEntry("cachekit.encryption.previous-keys[0]", SanitizableData.SANITIZED_VALUE)
				.containsEntry("cachekit.memcached.password", SanitizableData.SANITIZED_VALUE)
				.containsEntry("cachekit.redis.url", "redis://orders:******@localhost:6379/0")
				.containsEntry("CACHEKIT_ENCRYPTION_KEY", SanitizableData.SANITIZED_VALUE)
				.containsEntry("CACHEKIT_ENCRYPTION_PREVIOUSKEYS_0", SanitizableData.SANITIZED_VALUE)
				.containsEntry("CACHEKIT_MEMCACHED_PASSWORD", SanitizableData.SANITIZED_VALUE)
				.containsEntry("REDIS_URL", "redis://:******@cache.example:6380")
				.containsEntry("cachekit.memcached.username", "orders");
			assertNoSecret(shown.toString());
			assertThat(endpoint.environmentEntry("cachekit.encryption.key").getProperty().getValue())
				.isEqualTo(SanitizableData.SANITIZED_VALUE);
		});
	}

	@Test
	void configpropsEndpointShowsNoSecret() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			ConfigurationPropertiesReportEndpoint endpoint = context
				.getBean(ConfigurationPropertiesReportEndpoint.class);
			List<String> shown = new ArrayList<>();
			endpoint.configurationProperties().getContexts().values().forEach((descriptor) -> {
				for (ConfigurationPropertiesBeanDescriptor bean : descriptor.getBeans().values()) {
					if ("cachekit".equals(bean.getPrefix())) {
						shown.add(bean.getProperties().toString());
						shown.add(bean.getInputs().toString());
					}
				}
			});
			assertThat(shown).hasSize(2);
			String properties = shown.get(0);
			assertThat(properties).contains("key=******", "previousKeys=[******]", "password=******",
					"url=redis://orders:******@localhost:6379/0");
			assertNoSecret(String.join("\n", shown));
		});
	}

	@Test
	void healthMetricsLogsAndToStringShowNoSecret(CapturedOutput output) {
		this.withEnvironmentVariables.run((context) -> {
			assertThat(context).hasNotFailed();
			BookService service = context.getBean(BookService.class);
			service.title("1");
			service.title("1");
			CachekitCacheManager cacheManager = context.getBean(CachekitCacheManager.class);
			StringBuilder shown = new StringBuilder();
			shown.append(context.getBean("cachekitHealthIndicator", HealthIndicator.class).health()).append('\n');
			for (Meter meter : context.getBean(MeterRegistry.class).getMeters()) {
				shown.append(meter.getId()).append('\n');
			}
			shown.append(context.getBean(CachekitProperties.class).getEncryption()).append('\n');
			shown.append(cacheManager.getCaches()).append('\n');
			cacheManager.getCaches().forEach((cache) -> shown.append(cache.getNativeCache()).append('\n'));
			assertThat(shown).contains("cachekit.cache.codec.errors");
			assertNoSecret(shown.toString());
		});
		assertThat(output).contains("L2 entries are encrypted with AES-256-GCM");
		assertNoSecret(output.getAll());
	}

	@Test
	void withoutTheActuatorThereIsNoSanitizingFunctionAndCachekitStillStarts() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(CachekitAutoConfiguration.class, CacheAutoConfiguration.class))
			.withUserConfiguration(ServiceConfiguration.class)
			.withClassLoader(new FilteredClassLoader(SanitizingFunction.class))
			.withPropertyValues("cachekit.encryption.key=" + KEY)
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean("cachekitSanitizingFunction");
				assertThat(context.getBean(BookService.class).title("1")).isEqualTo("title 1");
			});
		this.contextRunner.run((context) -> assertThat(context).hasBean("cachekitSanitizingFunction"));
	}

	private static void assertNoSecret(String text) {
		for (String secret : SECRETS) {
			assertThat(text).doesNotContain(secret);
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class ServiceConfiguration {

		@Bean
		InMemoryBackend backend() {
			return InMemoryBackend.create();
		}

		@Bean
		SimpleMeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

		@Bean
		BookService bookService() {
			return new BookService();
		}

	}

	public static class BookService {

		@Cacheable("books")
		public String title(String id) {
			return "title " + id;
		}

	}

}
