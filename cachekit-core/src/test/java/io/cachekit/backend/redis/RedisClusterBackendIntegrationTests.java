package io.cachekit.backend.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.cachekit.backend.AddIfAbsent;
import io.cachekit.backend.Backend;
import io.cachekit.backend.BackendContract;
import io.cachekit.backend.BackendErrorType;
import io.cachekit.backend.BackendException;
import io.cachekit.backend.BackendHealth;
import io.cachekit.backend.Broadcast;
import io.cachekit.backend.BulkGet;
import io.cachekit.backend.Increment;
import io.cachekit.backend.TtlInspection;
import io.cachekit.test.RedisCluster;
import io.cachekit.test.ServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link RedisBackend} on a real Redis Cluster of three masters with one replica each:
 * the backend contract over cachekit's own cluster connection and over an application's
 * {@code LettuceConnectionFactory} at its defaults, bulk gets across the slots of every
 * master, and the message a URL naming one cluster node gets.
 */
class RedisClusterBackendIntegrationTests {

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

	private static Set<Class<?>> capabilities() {
		return Set.of(AddIfAbsent.class, BulkGet.class, Broadcast.class, Increment.class, TtlInspection.class);
	}

	private static RedisBackendConfig.Builder owned() {
		return RedisBackendConfig.builder().cluster(cluster.seedAddresses()).commandTimeout(Duration.ofSeconds(1));
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	@Nested
	class OwnedClusterConnection extends BackendContract {

		@Override
		protected Backend createBackend() {
			return RedisBackend.create(owned().build());
		}

		@Override
		protected String expectedBackendType() {
			return "redis";
		}

		@Override
		protected Set<Class<?>> expectedCapabilities() {
			return capabilities();
		}

	}

	@Nested
	class ApplicationClusterFactoryAtDefaults extends BackendContract {

		private LettuceConnectionFactory factory;

		@Override
		protected Backend createBackend() {
			this.factory = new LettuceConnectionFactory(new RedisClusterConfiguration(cluster.seedAddresses()));
			this.factory.afterPropertiesSet();
			return RedisBackend.create(this.factory, RedisBackendConfig.builder().build());
		}

		@AfterEach
		void stopFactory() {
			if (this.factory != null) {
				this.factory.destroy();
			}
		}

		@Override
		protected String expectedBackendType() {
			return "redis";
		}

		@Override
		protected Set<Class<?>> expectedCapabilities() {
			return capabilities();
		}

	}

	@Test
	void bulkGetSpansTheSlotsOfEveryMaster() {
		try (RedisBackend backend = RedisBackend.create(owned().keyPrefix("bulk:").build())) {
			List<String> keys = new ArrayList<>();
			Set<Integer> masters = new HashSet<>();
			for (int i = 0; i < 100; i++) {
				String key = "key-" + i;
				keys.add(key);
				if (i < 10) {
					masters.add(cluster.masterForKey(bytes("bulk:" + key)).port());
				}
				if (i % 2 == 0) {
					backend.set(key, bytes("value-" + i), null);
				}
			}
			assertThat(masters).hasSize(3);
			Map<String, byte[]> found = backend.getAll(keys);
			assertThat(found).hasSize(50);
			for (int i = 0; i < 100; i += 2) {
				assertThat(found.get("key-" + i)).isEqualTo(bytes("value-" + i));
			}
			assertThat(new ArrayList<>(found.keySet())).isEqualTo(keys.stream().filter((key) -> {
				int number = Integer.parseInt(key.substring(4));
				return number % 2 == 0;
			}).toList());
		}
	}

	@Test
	void countersAndAddIfAbsentWorkOnEveryMaster() {
		try (RedisBackend backend = RedisBackend.create(owned().keyPrefix("count:").build())) {
			Set<Integer> masters = new HashSet<>();
			for (int i = 0; i < 30; i++) {
				if (i < 10) {
					masters.add(cluster.masterForKey(bytes("count:c-" + i)).port());
				}
				assertThat(backend.increment("c-" + i, 2, 10, Duration.ofMinutes(1))).isEqualTo(10);
				assertThat(backend.increment("c-" + i, 2, 10, Duration.ofMinutes(1))).isEqualTo(12);
				assertThat(backend.addIfAbsent("a-" + i, bytes("first"), null)).isTrue();
				assertThat(backend.addIfAbsent("a-" + i, bytes("second"), null)).isFalse();
				assertThat(backend.get("a-" + i)).isEqualTo(bytes("first"));
			}
			assertThat(masters).hasSize(3);
		}
	}

	@Test
	void aUrlNamingOneClusterNodeSaysToSetTheClusterNodes() {
		ServerProcess node = cluster.masters().get(0);
		try (RedisBackend backend = RedisBackend
			.create(RedisBackendConfig.builder().url("redis://" + node.address()).retryAttempts(0).build())) {
			String elsewhere = null;
			for (int i = 0; elsewhere == null; i++) {
				if (cluster.masterForKey(bytes("k-" + i)).port() != node.port()) {
					elsewhere = "k-" + i;
				}
			}
			String key = elsewhere;
			assertThatExceptionOfType(BackendException.class).isThrownBy(() -> backend.get(key))
				.satisfies((ex) -> assertThat(ex.getErrorType()).isEqualTo(BackendErrorType.PERMANENT))
				.withMessageContaining("Redis answered MOVED")
				.withMessageContaining("set cachekit.redis.cluster.nodes (or spring.data.redis.cluster.nodes)");
		}
	}

	@Test
	void healthNamesEveryNodeWithItsRoleStateAndSlots() {
		try (RedisBackend backend = RedisBackend.create(owned().build())) {
			BackendHealth health = backend.health();
			assertThat(health.healthy()).isTrue();
			assertThat(health.details()).containsEntry("cluster_state", "ok").containsEntry("slots_served", 16384);
			@SuppressWarnings("unchecked")
			Map<String, Map<String, Object>> nodes = (Map<String, Map<String, Object>>) health.details().get("nodes");
			assertThat(nodes).containsOnlyKeys(cluster.seedAddresses());
			for (ServerProcess master : cluster.masters()) {
				assertThat(nodes.get(master.address())).containsEntry("role", "master")
					.containsEntry("state", "up")
					.containsKey("slots");
			}
			assertThat(nodes.values()).filteredOn((node) -> "replica".equals(node.get("role"))).hasSize(3);
		}
	}

}
