package io.cachekit.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import io.cachekit.backend.redis.RedisBackend;
import io.cachekit.test.RawRedis;
import io.cachekit.test.RedisCluster;
import io.cachekit.test.ServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Spring cache contract on a real Redis Cluster of three masters with a replica each,
 * through both connections cachekit can use: Spring Boot's connection factory from
 * {@code spring.data.redis.cluster.nodes} at its defaults, and cachekit's own from
 * {@code cachekit.redis.cluster.nodes}. {@code @Cacheable}, {@code @CacheEvict} and
 * {@code clear()} over keys on every master, the load lease across two application
 * contexts ({@link LoadLeaseContract}) and coherence between two contexts
 * ({@link CoherenceContract}).
 */
class RedisClusterAutoConfigurationIntegrationTests {

	private static final int IDS = 60;

	private static RedisCluster cluster;

	@BeforeAll
	static void startCluster() {
		cluster = RedisCluster.start(3, 1);
	}

	@AfterAll
	static void stopCluster() {
		if (cluster != null) {
			cluster.close();
		}
	}

	static String nodes() {
		return String.join(",", cluster.seedAddresses());
	}

	static ApplicationContextRunner overSpringBootsFactory(ApplicationContextRunner runner) {
		return runner.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
			.withPropertyValues("cachekit.backend=redis");
	}

	/**
	 * {@code @Cacheable}, {@code @CacheEvict} and {@code clear()} through one factory.
	 */
	abstract static class SpringCacheContract {

		abstract ApplicationContextRunner runner();

		abstract boolean sharesSpringBootsFactory();

		@Test
		void cacheableEvictAndClearWorkOnKeysOfEveryMaster() {
			runner().run((context) -> {
				assertThat(context).hasNotFailed();
				RedisBackend backend = context.getBean(RedisBackend.class);
				assertThat(backend.config().clusterNodes()).hasSize(sharesSpringBootsFactory() ? 0 : 6);
				if (sharesSpringBootsFactory()) {
					assertThat(context).hasSingleBean(RedisConnectionFactory.class);
				}
				Library library = context.getBean(Library.class);
				String kind = sharesSpringBootsFactory() ? "shared" : "own";
				List<String> ids = IntStream.range(0, IDS).mapToObj((i) -> kind + "-book-" + i).toList();
				ids.forEach((id) -> assertThat(library.find(id)).isEqualTo(id + "#1"));
				assertThat(library.loads()).isEqualTo(IDS);
				ids.forEach((id) -> assertThat(library.find(id)).as("an L2 hit").isEqualTo(id + "#1"));
				assertThat(library.loads()).isEqualTo(IDS);

				java.util.Map<ServerProcess, Integer> holders = new java.util.HashMap<>();
				for (String id : ids) {
					holders.merge(holderOf(id), 1, Integer::sum);
				}
				assertThat(holders).as("entries per master").hasSize(3);

				library.evict(ids.get(0));
				assertThat(library.find(ids.get(0))).isEqualTo(ids.get(0) + "#2");
				assertThat(library.find(ids.get(1))).isEqualTo(ids.get(1) + "#1");

				int loads = library.loads();
				library.clear();
				ids.forEach(library::find);
				assertThat(library.loads()).as("every entry reloaded after clear()").isEqualTo(loads + IDS);
			});
		}

		/**
		 * The master whose slot holds an id's entry: it answers a key that ends with it.
		 */
		private static ServerProcess holderOf(String id) {
			for (ServerProcess master : cluster.masters()) {
				try (RawRedis redis = RawRedis.connect(master.address())) {
					List<?> keys = (List<?>) redis.call("KEYS", "books:*:" + id);
					if (keys != null && !keys.isEmpty()) {
						String key = new String((byte[]) keys.get(0), StandardCharsets.UTF_8);
						assertThat(cluster.masterForKey(key.getBytes(StandardCharsets.UTF_8))).isEqualTo(master);
						return master;
					}
				}
			}
			throw new AssertionError("no master holds " + id);
		}

	}

	@Nested
	class OverSpringBootsFactoryAtDefaults extends SpringCacheContract {

		@Override
		ApplicationContextRunner runner() {
			return overSpringBootsFactory(new ApplicationContextRunner()
				.withConfiguration(AutoConfigurations.of(CachekitAutoConfiguration.class, CacheAutoConfiguration.class))
				.withUserConfiguration(LibraryConfiguration.class)
				.withPropertyValues("spring.data.redis.cluster.nodes=" + nodes(), "cachekit.l1.enabled=false"));
		}

		@Override
		boolean sharesSpringBootsFactory() {
			return true;
		}

	}

	@Nested
	class OverCachekitsOwnConnection extends SpringCacheContract {

		@Override
		ApplicationContextRunner runner() {
			return new ApplicationContextRunner()
				.withConfiguration(AutoConfigurations.of(CachekitAutoConfiguration.class, CacheAutoConfiguration.class))
				.withUserConfiguration(LibraryConfiguration.class)
				.withPropertyValues("cachekit.redis.cluster.nodes=" + nodes(), "cachekit.l1.enabled=false");
		}

		@Override
		boolean sharesSpringBootsFactory() {
			return false;
		}

	}

	@Nested
	class LeaseOverSpringBootsFactoryAtDefaults extends LoadLeaseContract {

		@Override
		ApplicationContextRunner customize(ApplicationContextRunner runner) {
			return overSpringBootsFactory(runner);
		}

		@Override
		String[] backendProperties() {
			return new String[] { "spring.data.redis.cluster.nodes=" + nodes() };
		}

		@Override
		Duration expiryGranularity() {
			return Duration.ZERO;
		}

		@Override
		String backendName() {
			return "a Redis Cluster through spring.data.redis.cluster.nodes";
		}

	}

	@Nested
	class LeaseOverCachekitsOwnConnection extends LoadLeaseContract {

		@Override
		String[] backendProperties() {
			return new String[] { "cachekit.redis.cluster.nodes=" + nodes() };
		}

		@Override
		Duration expiryGranularity() {
			return Duration.ZERO;
		}

		@Override
		String backendName() {
			return "a Redis Cluster through cachekit.redis.cluster.nodes";
		}

	}

	@Nested
	class CoherenceOverSpringBootsFactoryAtDefaults extends CoherenceContract {

		@Override
		ApplicationContextRunner customize(ApplicationContextRunner runner) {
			return overSpringBootsFactory(runner);
		}

		@Override
		String backendProperty() {
			return "spring.data.redis.cluster.nodes=" + nodes();
		}

		@Override
		String backendName() {
			return "Redis Cluster through spring.data.redis.cluster.nodes";
		}

		@Override
		Duration staleness() {
			return Duration.ofMillis(250);
		}

		@Override
		int requestsPerRefresh() {
			return 1;
		}

		@Override
		boolean pushes() {
			return true;
		}

	}

	@Nested
	class CoherenceOverCachekitsOwnConnection extends CoherenceContract {

		@Override
		String backendProperty() {
			return "cachekit.redis.cluster.nodes=" + nodes();
		}

		@Override
		String backendName() {
			return "Redis Cluster through cachekit.redis.cluster.nodes";
		}

		@Override
		Duration staleness() {
			return Duration.ofMillis(250);
		}

		@Override
		int requestsPerRefresh() {
			return 1;
		}

		@Override
		boolean pushes() {
			return true;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class LibraryConfiguration {

		@Bean
		Library library() {
			return new Library();
		}

	}

	/** Answers an id with the number of times it was loaded. */
	static class Library {

		private final java.util.concurrent.ConcurrentHashMap<String, Integer> runs = new java.util.concurrent.ConcurrentHashMap<>();

		@Cacheable("books")
		public String find(String id) {
			return id + "#" + this.runs.merge(id, 1, Integer::sum);
		}

		@CacheEvict("books")
		public void evict(String id) {
		}

		@CacheEvict(cacheNames = "books", allEntries = true)
		public void clear() {
		}

		int loads() {
			return this.runs.values().stream().mapToInt(Integer::intValue).sum();
		}

	}

}
