package io.cachekit.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cachekit.autoconfigure.CachekitProperties.BackendType;
import io.cachekit.backend.redis.RedisBackendConfig;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Redis Cluster and Sentinel properties of cachekit's own connection
 * ({@code cachekit.redis.cluster.*}, {@code cachekit.redis.sentinel.*},
 * {@code cachekit.redis.username/password/database/ssl.enabled}): how they bind and map
 * to the engine's configuration, how they choose the Redis backend, and how bad values
 * fail startup naming the property, never showing a password.
 */
class RedisTopologyPropertiesTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CachekitAutoConfiguration.class, CacheAutoConfiguration.class,
				DataRedisAutoConfiguration.class))
		.withUserConfiguration(CachingConfiguration.class);

	@Test
	void clusterPropertiesMapToTheEngineConfiguration() {
		RedisBackendConfig config = redis("cachekit.redis.cluster.nodes=10.0.0.1:7000,10.0.0.2:7001,[::1]:7002",
				"cachekit.redis.cluster.refresh-period=2s", "cachekit.redis.cluster.max-redirects=3",
				"cachekit.redis.username=app", "cachekit.redis.password=t0p-secret", "cachekit.redis.ssl.enabled=true",
				"cachekit.redis.timeout=500ms", "cachekit.redis.connect-timeout=300ms");
		assertThat(config.clusterNodes()).containsExactly("10.0.0.1:7000", "10.0.0.2:7001", "[::1]:7002");
		assertThat(config.clusterRefreshPeriod()).isEqualTo(Duration.ofSeconds(2));
		assertThat(config.maxRedirects()).isEqualTo(3);
		assertThat(config.username()).contains("app");
		assertThat(config.hasPassword()).isTrue();
		assertThat(config.ssl()).isTrue();
		assertThat(config.commandTimeout()).isEqualTo(Duration.ofMillis(500));
		assertThat(config.connectTimeout()).isEqualTo(Duration.ofMillis(300));
		assertThat(config.url()).isEmpty();
		assertThat(config.toString()).doesNotContain("t0p-secret");
	}

	@Test
	void clusterDefaultsAreTheEngineDefaults() {
		RedisBackendConfig config = redis("cachekit.redis.cluster.nodes=10.0.0.1:7000");
		assertThat(config.clusterRefreshPeriod()).isEqualTo(RedisBackendConfig.DEFAULT_CLUSTER_REFRESH_PERIOD)
			.isEqualTo(Duration.ofSeconds(5));
		assertThat(config.maxRedirects()).isEqualTo(RedisBackendConfig.DEFAULT_MAX_REDIRECTS).isEqualTo(5);
		assertThat(config.ssl()).isFalse();
		assertThat(config.database()).isZero();
	}

	@Test
	void sentinelPropertiesMapToTheEngineConfiguration() {
		RedisBackendConfig config = redis("cachekit.redis.sentinel.master=mymaster",
				"cachekit.redis.sentinel.nodes=s1:26379, s2:26379", "cachekit.redis.sentinel.username=watcher",
				"cachekit.redis.sentinel.password=s3ntinel", "cachekit.redis.password=t0p-secret",
				"cachekit.redis.database=3");
		assertThat(config.sentinelMaster()).contains("mymaster");
		assertThat(config.sentinelNodes()).containsExactly("s1:26379", "s2:26379");
		assertThat(config.sentinelUsername()).contains("watcher");
		assertThat(config.hasSentinelPassword()).isTrue();
		assertThat(config.hasPassword()).isTrue();
		assertThat(config.database()).isEqualTo(3);
		assertThat(config.toString()).doesNotContain("t0p-secret", "s3ntinel");
	}

	@Test
	void theTimeoutAlsoBoundsTheSharedFactory() {
		RedisBackendConfig config = redis("cachekit.redis.timeout=400ms");
		assertThat(config.commandTimeout()).isEqualTo(Duration.ofMillis(400));
		assertThat(config.clusterNodes()).isEmpty();
	}

	@Test
	void clusterNodesOrSentinelMasterSelectRedisLikeTheUrl() {
		assertThat(selection("cachekit.redis.cluster.nodes", "10.0.0.1:7000").type()).isEqualTo(BackendType.REDIS);
		assertThat(selection("cachekit.redis.cluster.nodes", "10.0.0.1:7000").reason())
			.isEqualTo("cachekit.redis.cluster.nodes is set");
		assertThat(selection("cachekit.redis.sentinel.master", "mymaster").type()).isEqualTo(BackendType.REDIS);
		assertThat(selection("cachekit.redis.sentinel.master", "mymaster").property())
			.isEqualTo("cachekit.redis.sentinel.master");
	}

	@Test
	void anExplicitOtherBackendListsTheClusterNodesAsIgnored() {
		MockEnvironment environment = new MockEnvironment().withProperty("cachekit.backend", "none")
			.withProperty("cachekit.redis.cluster.nodes", "10.0.0.1:7000")
			.withProperty("cachekit.redis.sentinel.master", "mymaster");
		assertThat(BackendSelection.of(environment).ignored()).containsExactlyInAnyOrder("cachekit.redis.cluster.nodes",
				"cachekit.redis.sentinel.master");
		environment.setProperty("cachekit.backend", "redis");
		assertThat(BackendSelection.of(environment).ignored()).isEmpty();
	}

	@Test
	void urlAndClusterNodesFailStartupNamingBoth() {
		assertFailure("cachekit.redis.cluster.nodes", "cachekit.redis.url=redis://:t0p-secret@localhost:6379",
				"cachekit.redis.cluster.nodes=10.0.0.1:7000")
			.hasMessageContaining("cachekit.redis.url and cachekit.redis.cluster.nodes are both set");
	}

	@Test
	void clusterNodesAndSentinelFailStartupNamingBoth() {
		assertFailure("cachekit.redis.sentinel.master", "cachekit.redis.cluster.nodes=10.0.0.1:7000",
				"cachekit.redis.sentinel.master=mymaster", "cachekit.redis.sentinel.nodes=s1:26379")
			.hasMessageContaining("cachekit.redis.cluster.nodes and cachekit.redis.sentinel.master");
	}

	@Test
	void aBadClusterNodeFailsStartupNamingTheProperty() {
		assertFailure("cachekit.redis.cluster.nodes", "cachekit.redis.cluster.nodes=10.0.0.1:7000,10.0.0.2")
			.hasMessageContaining("10.0.0.2");
	}

	@Test
	void aBadRefreshPeriodFailsStartupNamingTheProperty() {
		assertFailure("cachekit.redis.cluster.refresh-period", "cachekit.redis.cluster.nodes=10.0.0.1:7000",
				"cachekit.redis.cluster.refresh-period=0s")
			.hasMessageContaining("must be positive");
	}

	@Test
	void aBadMaxRedirectsFailsStartupNamingTheProperty() {
		assertFailure("cachekit.redis.cluster.max-redirects", "cachekit.redis.cluster.nodes=10.0.0.1:7000",
				"cachekit.redis.cluster.max-redirects=0")
			.hasMessageContaining("between 1 and 16");
	}

	@Test
	void aDatabaseOnAClusterFailsStartupNamingTheProperty() {
		assertFailure("cachekit.redis.database", "cachekit.redis.cluster.nodes=10.0.0.1:7000",
				"cachekit.redis.database=2")
			.hasMessageContaining("only database 0");
	}

	@Test
	void aSentinelMasterWithoutNodesFailsStartupNamingTheNodes() {
		assertFailure("cachekit.redis.sentinel.nodes", "cachekit.redis.sentinel.master=mymaster");
	}

	@Test
	void sentinelNodesWithoutAMasterFailStartupNamingTheMaster() {
		assertFailure("cachekit.redis.sentinel.master", "cachekit.backend=redis",
				"cachekit.redis.sentinel.nodes=s1:26379");
	}

	@Test
	void sentinelNodesWithoutAMasterFailStartupNamingTheMasterWhenTheBackendIsChosenByItself() {
		assertFailure("cachekit.redis.sentinel.master", "cachekit.redis.sentinel.nodes=s1:26379")
			.hasMessageContaining("set the name the sentinels monitor the master by");
	}

	@Test
	void aPasswordWithAUrlFailsStartupHidingIt() {
		assertFailure("cachekit.redis.password", "cachekit.redis.url=redis://localhost:6379",
				"cachekit.redis.password=t0p-secret")
			.hasMessageContaining("carries it")
			.hasMessageNotContaining("t0p-secret");
	}

	@Test
	void aPasswordForTheSharedFactoryFailsStartupNamingSpringsProperty() {
		assertFailure("cachekit.redis.password", "cachekit.backend=redis", "cachekit.redis.password=t0p-secret")
			.hasMessageContaining("spring.data.redis.password")
			.hasMessageNotContaining("t0p-secret");
	}

	@Test
	void sslEnabledForTheSharedFactoryFailsStartupNamingSpringsProperty() {
		assertFailure("cachekit.redis.ssl.enabled", "cachekit.backend=redis", "cachekit.redis.ssl.enabled=true")
			.hasMessageContaining("spring.data.redis.ssl.enabled");
	}

	@Test
	void aSentinelPasswordWithoutASentinelFailsStartupHidingIt() {
		assertFailure("cachekit.redis.sentinel.password", "cachekit.redis.cluster.nodes=10.0.0.1:7000",
				"cachekit.redis.sentinel.password=s3ntinel")
			.hasMessageContaining("cachekit.redis.sentinel.master")
			.hasMessageNotContaining("s3ntinel");
	}

	@Test
	void aUsernameWithoutAPasswordFailsStartupNamingTheUsername() {
		assertFailure("cachekit.redis.username", "cachekit.redis.cluster.nodes=10.0.0.1:7000",
				"cachekit.redis.username=app")
			.hasMessageContaining("cachekit.redis.password");
	}

	@Test
	void aBundleWithoutSslEnabledOnAClusterFailsStartupNamingTheSwitch() {
		assertFailure("cachekit.redis.ssl.bundle", "cachekit.redis.cluster.nodes=10.0.0.1:7000",
				"cachekit.redis.ssl.bundle=cluster-ca")
			.hasMessageContaining("cachekit.redis.ssl.enabled=true");
	}

	@Test
	void aMalformedValueFailsBindingNamingTheProperty() {
		this.contextRunner
			.withPropertyValues("cachekit.redis.cluster.nodes=10.0.0.1:7000",
					"cachekit.redis.cluster.max-redirects=many")
			.run((context) -> assertThat(messages(context.getStartupFailure()))
				.contains("cachekit.redis.cluster.max-redirects"));
	}

	@Test
	void theNewPasswordsAreSanitized() {
		for (String name : List.of("cachekit.redis.password", "cachekit.redis.sentinel.password",
				"CACHEKIT_REDIS_PASSWORD", "CACHEKIT_REDIS_SENTINEL_PASSWORD")) {
			assertThat(
					CachekitSanitizingConfiguration.sanitize(new SanitizableData(null, name, "t0p-secret")).getValue())
				.as(name)
				.isEqualTo(SanitizableData.SANITIZED_VALUE);
		}
		assertThat(CachekitSanitizingConfiguration
			.sanitize(new SanitizableData(null, "cachekit.redis.cluster.nodes", "10.0.0.1:7000"))
			.getValue()).isEqualTo("10.0.0.1:7000");
	}

	@Test
	void everyNewPropertyIsInTheMetadataWithADescription() throws IOException {
		Map<String, Map<String, Object>> properties = metadata();
		for (String name : List.of("cachekit.redis.cluster.nodes", "cachekit.redis.cluster.refresh-period",
				"cachekit.redis.cluster.max-redirects", "cachekit.redis.sentinel.master",
				"cachekit.redis.sentinel.nodes", "cachekit.redis.sentinel.username", "cachekit.redis.sentinel.password",
				"cachekit.redis.username", "cachekit.redis.password", "cachekit.redis.database",
				"cachekit.redis.ssl.enabled")) {
			assertThat(properties).as(name).containsKey(name);
			assertThat(properties.get(name).get("description")).as("description of %s", name).asString().isNotBlank();
		}
		assertThat(properties.get("cachekit.redis.cluster.refresh-period")).containsEntry("defaultValue", "5s");
		assertThat(properties.get("cachekit.redis.cluster.max-redirects")).containsEntry("defaultValue", 5);
	}

	private static RedisBackendConfig redis(String... pairs) {
		MockEnvironment environment = new MockEnvironment();
		for (String pair : pairs) {
			int equals = pair.indexOf('=');
			environment.setProperty(pair.substring(0, equals), pair.substring(equals + 1));
		}
		CachekitProperties properties = Binder.get(environment).bindOrCreate("cachekit", CachekitProperties.class);
		CachekitProperties.Redis redis = properties.getRedis();
		return BackendConfigFactory.redis(redis, redis.getUrl(), BackendSelection.REDIS_URL, null);
	}

	private static BackendSelection selection(String property, String value) {
		return BackendSelection.of(new MockEnvironment().withProperty(property, value));
	}

	private org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> assertFailure(String property,
			String... pairs) {
		InvalidConfigurationPropertyValueException[] failure = new InvalidConfigurationPropertyValueException[1];
		this.contextRunner.withPropertyValues(pairs).run((context) -> {
			assertThat(context).hasFailed();
			failure[0] = rootCause(context.getStartupFailure());
			assertThat(messages(context.getStartupFailure())).doesNotContain("t0p-secret", "s3ntinel");
		});
		assertThat(failure[0].getName()).isEqualTo(property);
		return assertThat((Throwable) failure[0]);
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

	@SuppressWarnings("unchecked")
	private static Map<String, Map<String, Object>> metadata() throws IOException {
		try (InputStream in = new ClassPathResource("META-INF/spring-configuration-metadata.json").getInputStream()) {
			List<Map<String, Object>> properties = (List<Map<String, Object>>) new ObjectMapper()
				.readValue(in, Map.class)
				.get("properties");
			Map<String, Map<String, Object>> byName = new java.util.HashMap<>();
			properties.forEach((property) -> byName.put((String) property.get("name"), property));
			return byName;
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class CachingConfiguration {

	}

}
