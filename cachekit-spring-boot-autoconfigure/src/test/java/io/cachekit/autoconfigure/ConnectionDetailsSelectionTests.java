package io.cachekit.autoconfigure;

import java.util.List;

import io.cachekit.autoconfigure.CachekitProperties.BackendType;
import io.cachekit.autoconfigure.service.CachekitMemcachedConnectionDetails;
import io.cachekit.autoconfigure.service.CachekitRedisConnectionDetails;
import io.cachekit.backend.Backend;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Configuration;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How connection details beans take part in {@link BackendSelection}: in {@code auto}
 * mode a details bean comes before every property; an explicit {@code cachekit.backend}
 * still wins.
 */
class ConnectionDetailsSelectionTests {

	private final MockEnvironment environment = new MockEnvironment();

	private final DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CachekitAutoConfiguration.class, CacheAutoConfiguration.class))
		.withUserConfiguration(CachingConfiguration.class);

	@Test
	void memcachedDetailsBeanSelectsMemcachedAndSaysWhy() {
		define("cacheServers", CachekitMemcachedConnectionDetails.class);
		BackendSelection selection = select();
		assertThat(selection.type()).isEqualTo(BackendType.MEMCACHED);
		assertThat(selection.reason()).contains("memcached connection details bean", "cacheServers");
		assertThat(selection.property()).isNull();
	}

	@Test
	void redisDetailsBeanSelectsRedis() {
		define("redisServer", CachekitRedisConnectionDetails.class);
		assertThat(select().type()).isEqualTo(BackendType.REDIS);
	}

	@Test
	void detailsBeanComesBeforeProperties() {
		this.environment.setProperty("cachekit.memcached.servers", "mc1:11211");
		define("redisServer", CachekitRedisConnectionDetails.class);
		assertThat(select().type()).isEqualTo(BackendType.REDIS);
	}

	@Test
	void memcachedDetailsComeBeforeRedisDetails() {
		define("redisServer", CachekitRedisConnectionDetails.class);
		define("cacheServers", CachekitMemcachedConnectionDetails.class);
		assertThat(select().type()).isEqualTo(BackendType.MEMCACHED);
	}

	@Test
	void explicitBackendWinsOverDetailsBean() {
		this.environment.setProperty("cachekit.backend", "file");
		define("cacheServers", CachekitMemcachedConnectionDetails.class);
		assertThat(select().type()).isEqualTo(BackendType.FILE);
	}

	@Test
	void withoutBeanFactoryOnlyPropertiesCount() {
		define("cacheServers", CachekitMemcachedConnectionDetails.class);
		assertThat(BackendSelection.of(this.environment, null, null).type()).isEqualTo(BackendType.NONE);
	}

	@Test
	void noneBackendIgnoresDetailsBean() {
		this.contextRunner.withPropertyValues("cachekit.backend=none")
			.withBean(CachekitMemcachedConnectionDetails.class, () -> () -> List.of("127.0.0.1:1"))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(Backend.class));
	}

	@Test
	void memcachedDetailsWithoutServersFailStartup() {
		this.contextRunner.withBean(CachekitMemcachedConnectionDetails.class, () -> List::of)
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("memcached connection details")
				.hasMessageContaining("name no server"));
	}

	private void define(String name, Class<?> type) {
		this.beanFactory.registerBeanDefinition(name, new RootBeanDefinition(type));
	}

	private BackendSelection select() {
		return BackendSelection.of(this.environment, null, this.beanFactory);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class CachingConfiguration {

	}

}
