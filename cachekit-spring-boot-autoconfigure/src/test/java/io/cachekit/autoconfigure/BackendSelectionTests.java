package io.cachekit.autoconfigure;

import java.util.Map;

import io.cachekit.autoconfigure.CachekitProperties.BackendType;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How {@link BackendSelection} picks the backend from properties and environment
 * variables, one test per branch.
 */
class BackendSelectionTests {

	private final MockEnvironment environment = new MockEnvironment();

	@Test
	void nothingConfiguredMeansNone() {
		assertThat(select()).isEqualTo(BackendType.NONE);
	}

	@Test
	void memcachedServersSelectMemcached() {
		this.environment.setProperty("cachekit.memcached.servers", "mc1:11211");
		assertThat(select()).isEqualTo(BackendType.MEMCACHED);
	}

	@Test
	void memcachedDiscoveryEndpointSelectsMemcachedLikeServers() {
		this.environment.setProperty("cachekit.memcached.discovery.endpoint", "cfg.example:11211");
		this.environment.setProperty("cachekit.redis.url", "redis://localhost:6379");
		BackendSelection selection = BackendSelection.of(this.environment);
		assertThat(selection.type()).isEqualTo(BackendType.MEMCACHED);
		assertThat(selection.property()).isEqualTo("cachekit.memcached.discovery.endpoint");
		assertThat(selection.reason()).isEqualTo("cachekit.memcached.discovery.endpoint is set");
	}

	@Test
	void cachekitRedisUrlSelectsRedis() {
		this.environment.setProperty("cachekit.redis.url", "redis://localhost:6379");
		assertThat(select()).isEqualTo(BackendType.REDIS);
	}

	@Test
	void platformRedisUrlSelectsRedis() {
		this.environment.setProperty("REDIS_URL", "redis://localhost:6379");
		assertThat(select()).isEqualTo(BackendType.REDIS);
		assertThat(BackendSelection.of(this.environment).reason()).contains("REDIS_URL");
	}

	@Test
	void environmentVariablesSelectLikeTheirProperties() {
		assertThat(selectWithEnvironmentVariable("CACHEKIT_MEMCACHED_SERVERS", "[\"mc1:11211\",\"mc2:11211\"]"))
			.isEqualTo(BackendType.MEMCACHED);
		assertThat(selectWithEnvironmentVariable("CACHEKIT_REDIS_URL", "redis://localhost:6379"))
			.isEqualTo(BackendType.REDIS);
		assertThat(selectWithEnvironmentVariable("CACHEKIT_FILE_DIRECTORY", "/var/cache/app"))
			.isEqualTo(BackendType.FILE);
		assertThat(selectWithEnvironmentVariable("CACHEKIT_BACKEND", "none")).isEqualTo(BackendType.NONE);
	}

	@Test
	void fileDirectorySelectsFile() {
		this.environment.setProperty("cachekit.file.directory", "/var/cache/app");
		assertThat(select()).isEqualTo(BackendType.FILE);
	}

	@Test
	void memcachedComesBeforeRedisAndRedisBeforeFile() {
		this.environment.setProperty("cachekit.file.directory", "/var/cache/app");
		this.environment.setProperty("REDIS_URL", "redis://localhost:6379");
		assertThat(select()).isEqualTo(BackendType.REDIS);
		this.environment.setProperty("cachekit.memcached.servers", "mc1:11211");
		assertThat(select()).isEqualTo(BackendType.MEMCACHED);
	}

	@Test
	void explicitBackendIsTaken() {
		this.environment.setProperty("cachekit.backend", "file");
		assertThat(select()).isEqualTo(BackendType.FILE);
		this.environment.setProperty("cachekit.backend", "none");
		assertThat(select()).isEqualTo(BackendType.NONE);
	}

	@Test
	void explicitBackendIgnoresThePlatformRedisUrl() {
		this.environment.setProperty("cachekit.backend", "memcached");
		this.environment.setProperty("cachekit.memcached.servers", "mc1:11211");
		this.environment.setProperty("REDIS_URL", "redis://localhost:6379");
		assertThat(select()).isEqualTo(BackendType.MEMCACHED);
	}

	@Test
	void explicitBackendWinsOverAnotherBackendsSettingsAndListsThem() {
		this.environment.setProperty("cachekit.backend", "memcached");
		this.environment.setProperty("cachekit.memcached.servers", "mc1:11211");
		this.environment.setProperty("cachekit.file.directory", "/var/cache/app");
		this.environment.setProperty("cachekit.redis.url", "redis://localhost:6379");
		BackendSelection selection = BackendSelection.of(this.environment);
		assertThat(selection.type()).isEqualTo(BackendType.MEMCACHED);
		assertThat(selection.ignored()).containsExactlyInAnyOrder("cachekit.file.directory", "cachekit.redis.url");
		assertThat(selection.property()).isEqualTo("cachekit.backend");
	}

	@Test
	void noneWinsOverABackendsSettingsAndListsThem() {
		this.environment.setProperty("cachekit.backend", "none");
		this.environment.setProperty("cachekit.file.directory", "/var/cache/app");
		BackendSelection selection = BackendSelection.of(this.environment);
		assertThat(selection.type()).isEqualTo(BackendType.NONE);
		assertThat(selection.ignored()).containsExactly("cachekit.file.directory");
	}

	@Test
	void autoListsNothingAsIgnored() {
		this.environment.setProperty("cachekit.memcached.servers", "mc1:11211");
		this.environment.setProperty("cachekit.file.directory", "/var/cache/app");
		assertThat(BackendSelection.of(this.environment).ignored()).isEmpty();
	}

	@Test
	void platformRedisUrlIsSkippedWhenTheRedisClientIsMissing() {
		this.environment.setProperty("REDIS_URL", "redis://localhost:6379");
		this.environment.setProperty("cachekit.file.directory", "/var/cache/app");
		BackendSelection selection = BackendSelection.of(this.environment, new FilteredClassLoader("io.lettuce"));
		assertThat(selection.type()).isEqualTo(BackendType.FILE);
		assertThat(selection.missingClient(new FilteredClassLoader("io.lettuce"))).isNull();
	}

	@Test
	void missingClientNamesTheMavenCoordinatesToAdd() {
		this.environment.setProperty("cachekit.redis.url", "redis://localhost:6379");
		FilteredClassLoader withoutLettuce = new FilteredClassLoader("io.lettuce");
		assertThat(BackendSelection.of(this.environment, withoutLettuce).missingClient(withoutLettuce)).contains(
				"org.springframework.data:spring-data-redis", "io.lettuce:lettuce-core",
				"org.springframework.boot:spring-boot-starter-data-redis");
		assertThat(BackendSelection.of(this.environment).missingClient(null)).isNull();
		this.environment.setProperty("cachekit.memcached.servers", "mc1:11211");
		FilteredClassLoader withoutSpymemcached = new FilteredClassLoader("net.spy.memcached");
		assertThat(BackendSelection.of(this.environment, withoutSpymemcached).missingClient(withoutSpymemcached))
			.contains("com.amazonaws:elasticache-java-cluster-client");
	}

	private static BackendType selectWithEnvironmentVariable(String name, String value) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new SystemEnvironmentPropertySource(
					StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.of(name, value)));
		return BackendSelection.of(environment).type();
	}

	private BackendType select() {
		return BackendSelection.of(this.environment).type();
	}

}
