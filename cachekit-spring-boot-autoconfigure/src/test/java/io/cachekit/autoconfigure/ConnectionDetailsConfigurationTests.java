package io.cachekit.autoconfigure;

import java.util.List;
import java.util.Map;

import io.cachekit.autoconfigure.service.CachekitMemcachedConnectionDetails;
import io.cachekit.autoconfigure.service.CachekitRedisConnectionDetails;
import io.cachekit.backend.memcached.MemcachedBackend;
import io.cachekit.backend.memcached.MemcachedConfig;
import io.cachekit.backend.memcached.ServerAddress;
import io.cachekit.backend.redis.RedisBackendConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslStoreBundle;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * What a connection details bean takes from the properties and what it replaces, and how
 * its bad values are reported: by the bean's class and getter, never by a property the
 * user did not write. No server is needed.
 */
@ExtendWith(OutputCaptureExtension.class)
class ConnectionDetailsConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CachekitAutoConfiguration.class, CacheAutoConfiguration.class))
		.withUserConfiguration(CountingBooks.class)
		.withPropertyValues("cachekit.memcached.connect-timeout=10ms");

	@Test
	void memcachedDetailsReplaceTheDiscoveryEndpointAndWeightsOfTheProperties(CapturedOutput output) {
		this.contextRunner.withBean(CachekitMemcachedConnectionDetails.class, () -> () -> List.of("127.0.0.1:1"))
			.withInitializer(
					MemcachedDiscoveryPropertiesTests.properties(Map.of("cachekit.memcached.discovery.endpoint",
							"cfg.prod.internal:11211", "cachekit.memcached.weights[prod.internal:11211]", "3")))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				MemcachedConfig config = context.getBean(MemcachedBackend.class).config();
				assertThat(config.servers()).containsExactly(new ServerAddress("127.0.0.1", 1));
				assertThat(config.discoveryEndpoint()).isNull();
			});
		String line = "cachekit: the memcached connection details (";
		assertThat(output).contains(line)
			.contains(") name the servers; ignoring cachekit.memcached.discovery.* and cachekit.memcached.weights");
		assertThat(output.getOut().lines().filter((logged) -> logged.contains(line))).as("times logged").hasSize(1);
	}

	@Test
	void redisDetailsReplaceTheClusterSentinelAndCredentialsOfTheProperties(CapturedOutput output) {
		CachekitProperties.Redis properties = new CachekitProperties().getRedis();
		properties.getCluster().setNodes(List.of("redis-1.prod.internal:6379", "redis-2.prod.internal:6379"));
		properties.setUsername("prod-user");
		properties.setPassword("prod-secret");
		properties.getSsl().setEnabled(true);
		RedisBackendConfig config = BackendConfigFactory.redis(properties, () -> "redis://127.0.0.1:6390");
		assertThat(config.url()).hasValueSatisfying((url) -> assertThat(url).startsWith("redis://127.0.0.1:6390"));
		assertThat(config.clusterNodes()).isEmpty();
		assertThat(config.username()).isEmpty();
		assertThat(config.hasPassword()).isFalse();
		assertThat(config.ssl()).isFalse();
		assertThat(output).contains("cachekit: the Redis connection details (")
			.contains(") name the server; ignoring cachekit.redis.cluster.nodes, cachekit.redis.username, "
					+ "cachekit.redis.password, cachekit.redis.ssl.enabled")
			.doesNotContain("prod-secret");
	}

	@Test
	void redisDetailsReplaceTheSentinelOfTheProperties() {
		CachekitProperties.Redis properties = new CachekitProperties().getRedis();
		properties.getSentinel().setMaster("mymaster");
		properties.getSentinel().setNodes(List.of("sentinel-1.prod.internal:26379"));
		properties.getSentinel().setPassword("sentinel-secret");
		RedisBackendConfig config = BackendConfigFactory.redis(properties, () -> "redis://127.0.0.1:6390");
		assertThat(config.url()).hasValueSatisfying((url) -> assertThat(url).startsWith("redis://127.0.0.1:6390"));
		assertThat(config.sentinelMaster()).isEmpty();
		assertThat(config.hasSentinelPassword()).isFalse();
	}

	@Test
	void memcachedDetailsAloneLogNothingAboutDiscovery(CapturedOutput output) {
		this.contextRunner.withBean(CachekitMemcachedConnectionDetails.class, () -> () -> List.of("127.0.0.1:1"))
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).doesNotContain("cachekit: the memcached connection details (");
	}

	@Test
	void memcachedDetailsServerWithoutPortNamesTheBeanAndGetter() {
		CachekitMemcachedConnectionDetails details = () -> List.of("cache");
		assertThatIllegalStateException()
			.isThrownBy(() -> BackendConfigFactory.memcached(new CachekitProperties().getMemcached(), details, null))
			.withMessageStartingWith("the memcached connection details (" + details.getClass().getName()
					+ ") are invalid: getServers()[0]: 'cache' is not a memcached server address")
			.withMessageNotContaining("cachekit.memcached.servers");
	}

	@Test
	void memcachedDetailsServerWithoutPortFailsStartupNamingTheBean() {
		this.contextRunner.withBean(CachekitMemcachedConnectionDetails.class, () -> () -> List.of("cache"))
			.withPropertyValues("cachekit.memcached.servers=127.0.0.1:1")
			.run((context) -> {
				Throwable failure = context.getStartupFailure();
				while (!(failure instanceof IllegalStateException) && failure.getCause() != null) {
					failure = failure.getCause();
				}
				assertThat(failure).isInstanceOf(IllegalStateException.class)
					.hasMessageContaining("memcached connection details (")
					.hasMessageContaining("getServers()[0]: 'cache'")
					.hasMessageNotContaining("Property");
			});
	}

	@Test
	void redisDetailsInvalidUrlNamesTheBeanAndGetterWithoutThePassword() {
		CachekitRedisConnectionDetails details = () -> "redis://:secret@cache:99999";
		assertThatIllegalStateException()
			.isThrownBy(() -> BackendConfigFactory.redis(new CachekitProperties().getRedis(), details))
			.withMessageStartingWith(
					"the Redis connection details (" + details.getClass().getName() + ") are invalid: getUrl() '")
			.withMessageContaining("is not a Redis URL")
			.withMessageNotContaining("secret")
			.withMessageNotContaining("connection details' URL");
	}

	@Test
	void redisDetailsSslBundleWithAPlainUrlNamesBothGetters() {
		CachekitRedisConnectionDetails details = new CachekitRedisConnectionDetails() {

			@Override
			public String getUrl() {
				return "redis://:secret@cache:6379";
			}

			@Override
			public SslBundle getSslBundle() {
				return SslBundle.of(SslStoreBundle.NONE);
			}

		};
		assertThatIllegalStateException()
			.isThrownBy(() -> BackendConfigFactory.redis(new CachekitProperties().getRedis(), details))
			.withMessageContaining("Redis connection details (" + details.getClass().getName() + ")")
			.withMessageContaining("getSslBundle() returns a bundle, which needs a rediss:// URL, but getUrl() is "
					+ "'redis://****@cache:6379'");
	}

}
