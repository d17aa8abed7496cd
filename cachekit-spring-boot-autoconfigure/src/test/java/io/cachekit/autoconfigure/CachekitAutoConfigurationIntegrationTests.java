package io.cachekit.autoconfigure;

import java.util.Map;

import io.cachekit.backend.Backend;
import io.cachekit.backend.memcached.MemcachedBackend;
import io.cachekit.spring.CachekitCacheManager;
import io.cachekit.test.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link CachekitAutoConfiguration} with a real memcached.
 */
class CachekitAutoConfigurationIntegrationTests {

	@RegisterExtension
	static final TestServer memcached = TestServer.memcached();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CachekitAutoConfiguration.class, CacheAutoConfiguration.class))
		.withUserConfiguration(CachingConfiguration.class);

	@Test
	void serversPropertyCreatesTheMemcachedBackendAndCachesUseIt() {
		this.contextRunner
			.withPropertyValues("cachekit.memcached.servers=" + memcached.address(),
					"cachekit.memcached.key-prefix=it:")
			.run((context) -> {
				MemcachedBackend backend = context.getBean(MemcachedBackend.class);
				assertThat(backend.config().keyPrefix()).isEqualTo("it:");
				CachekitCacheManager manager = context.getBean(CachekitCacheManager.class);
				manager.getCache("books").put("k", "v");
				assertThat(backend.get("books:generation")).as("generation counter under the prefix").isNotNull();
			});
	}

	@Test
	void environmentVariableInJsonArrayFormSelectsMemcached() {
		this.contextRunner
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new SystemEnvironmentPropertySource("test-systemEnvironment",
						Map.of("CACHEKIT_MEMCACHED_SERVERS", "[\"" + memcached.address() + "\"]"))))
			.run((context) -> {
				assertThat(context).hasSingleBean(Backend.class);
				assertThat(context.getBean(MemcachedBackend.class).config().servers()).hasSize(1)
					.first()
					.hasToString(memcached.address());
			});
	}

	@Test
	void healthIsUpWithTypeLatencyAndServers() {
		this.contextRunner.withPropertyValues("cachekit.memcached.servers=" + memcached.address()).run((context) -> {
			Health health = context.getBean("cachekitHealthIndicator", HealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("backend_type", "memcached")
				.containsEntry("servers", Map.of(memcached.address(), "up"));
			assertThat(health.getDetails().get("latency_ms")).isInstanceOf(Long.class);
		});
	}

	@Test
	void healthIsDownWithTheErrorWhenTheServerIsUnreachable() {
		this.contextRunner
			.withPropertyValues("cachekit.memcached.servers=127.0.0.1:1", "cachekit.memcached.connect-timeout=100ms")
			.run((context) -> {
				Health health = context.getBean("cachekitHealthIndicator", HealthIndicator.class).health();
				assertThat(health.getStatus()).isEqualTo(Status.DOWN);
				assertThat(health.getDetails()).containsEntry("backend_type", "memcached").containsKey("error");
			});
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class CachingConfiguration {

	}

}
