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
 * mode a details bean chooses its backend only when no cachekit backend property is set,
 * and never moves cachekit to another backend than its properties choose; an explicit
 * {@code cachekit.backend} still wins.
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
	void detailsBeanDoesNotMoveCachekitOffTheBackendItsPropertiesChoose() {
		this.environment.setProperty("cachekit.memcached.servers", "mc1:11211");
		define("redisContainer", CachekitRedisConnectionDetails.class);
		BackendSelection selection = select();
		assertThat(selection.type()).isEqualTo(BackendType.MEMCACHED);
		assertThat(selection.property()).isEqualTo("cachekit.memcached.servers");
		assertThat(selection.ignored()).containsExactly("Redis connection details bean 'redisContainer'");
	}

	@Test
	void everyBackendPropertyKeepsADetailsBeanOfAnotherBackendFromChoosing() {
		DefaultListableBeanFactory memcachedDetails = new DefaultListableBeanFactory();
		memcachedDetails.registerBeanDefinition("cacheServers",
				new RootBeanDefinition(CachekitMemcachedConnectionDetails.class));
		DefaultListableBeanFactory redisDetails = new DefaultListableBeanFactory();
		redisDetails.registerBeanDefinition("redisContainer",
				new RootBeanDefinition(CachekitRedisConnectionDetails.class));
		for (BackendSelection.BackendProperty property : BackendSelection.BACKEND_PROPERTIES) {
			MockEnvironment environment = new MockEnvironment().withProperty(property.name(), "cache.internal:11211");
			DefaultListableBeanFactory other = (property.backend() == BackendType.MEMCACHED) ? redisDetails
					: memcachedDetails;
			BackendSelection selection = BackendSelection.of(environment, null, other);
			assertThat(selection.type()).as(property.name()).isEqualTo(property.backend());
			assertThat(selection.property()).as(property.name()).isEqualTo(property.name());
			assertThat(selection.ignored()).as(property.name()).hasSize(1);
		}
	}

	@Test
	void detailsBeanOfTheChosenBackendIsNotIgnored() {
		this.environment.setProperty("cachekit.memcached.servers", "mc1:11211");
		define("cacheServers", CachekitMemcachedConnectionDetails.class);
		BackendSelection selection = select();
		assertThat(selection.type()).isEqualTo(BackendType.MEMCACHED);
		assertThat(selection.ignored()).isEmpty();
	}

	@Test
	void detailsBeanComesBeforeThePlatformRedisUrl() {
		this.environment.setProperty("REDIS_URL", "redis://platform:6379");
		define("cacheServers", CachekitMemcachedConnectionDetails.class);
		assertThat(select().type()).isEqualTo(BackendType.MEMCACHED);
	}

	@Test
	void memcachedDetailsComeBeforeRedisDetails() {
		define("redisServer", CachekitRedisConnectionDetails.class);
		define("cacheServers", CachekitMemcachedConnectionDetails.class);
		assertThat(select().type()).isEqualTo(BackendType.MEMCACHED);
	}

	@Test
	void explicitBackendWinsOverDetailsBeanAndListsIt() {
		this.environment.setProperty("cachekit.backend", "file");
		define("cacheServers", CachekitMemcachedConnectionDetails.class);
		assertThat(select().type()).isEqualTo(BackendType.FILE);
		assertThat(select().ignored()).containsExactly("memcached connection details bean 'cacheServers'");
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
