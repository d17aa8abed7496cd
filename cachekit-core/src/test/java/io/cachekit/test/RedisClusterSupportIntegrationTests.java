package io.cachekit.test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The Redis Cluster and Sentinel test support against real servers: the cluster serves
 * every slot and promotes a replica when its master is killed; the sentinels name the
 * master and follow a requested failover. (A crashed sentinel master is followed in
 * {@code RedisSentinelAutoConfigurationIntegrationTests}.)
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisClusterSupportIntegrationTests {

	private static final byte[] KEY = "support:key".getBytes(StandardCharsets.UTF_8);

	private static RedisCluster cluster;

	private static RedisSentinels sentinels;

	@BeforeAll
	static void start() {
		long started = System.nanoTime();
		cluster = RedisCluster.start(3, 1);
		System.out.println("[figure] Redis Cluster of 3 masters and 3 replicas ready in: "
				+ Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms");
		started = System.nanoTime();
		sentinels = RedisSentinels.start();
		System.out.println("[figure] Redis Sentinel group (master, replica, 3 sentinels) ready in: "
				+ Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms");
	}

	@AfterAll
	static void stop() {
		try {
			if (cluster != null) {
				cluster.close();
			}
		}
		finally {
			if (sentinels != null) {
				sentinels.close();
			}
		}
	}

	@Test
	@Order(1)
	void clusterServesEverySlotFromThreeMastersWithOneReplicaEach() {
		assertThat(cluster.nodes()).hasSize(6);
		assertThat(cluster.seedAddresses()).hasSize(6).allMatch((address) -> address.startsWith("127.0.0.1:"));
		for (ServerProcess node : cluster.nodes()) {
			try (RawRedis redis = RawRedis.connect(node.address())) {
				assertThat(redis.text("CLUSTER", "INFO")).contains("cluster_state:ok", "cluster_slots_ok:16384",
						"cluster_known_nodes:6");
			}
		}
		List<ServerProcess> masters = cluster.masters();
		assertThat(masters).hasSize(3);
		for (ServerProcess master : masters) {
			ServerProcess replica = cluster.replicaOf(master);
			assertThat(masters).doesNotContain(replica);
			try (RawRedis redis = RawRedis.connect(replica.address())) {
				assertThat(redis.text("INFO", "replication")).contains("master_port:" + master.port(),
						"master_link_status:up");
			}
		}
	}

	@Test
	@Order(2)
	void masterForKeyIsTheNodeThatAcceptsTheKey() {
		ServerProcess owner = cluster.masterForKey(KEY);
		try (RawRedis redis = RawRedis.connect(owner.address())) {
			redis.set(KEY, "value".getBytes(StandardCharsets.UTF_8));
			assertThat(redis.get(KEY)).asString(StandardCharsets.UTF_8).isEqualTo("value");
		}
		ServerProcess other = cluster.masters().stream().filter((master) -> master != owner).findFirst().orElseThrow();
		try (RawRedis redis = RawRedis.connect(other.address())) {
			assertThatIllegalStateException().isThrownBy(() -> redis.get(KEY))
				.withMessageContaining("MOVED " + cluster.slotOf(KEY) + " " + owner.address());
		}
	}

	@Test
	@Order(3)
	void killingAMasterPromotesItsReplica() {
		ServerProcess master = cluster.masterForKey(KEY);
		ServerProcess replica = cluster.replicaOf(master);
		Instant killed = cluster.kill(master);
		assertThat(master.isRunning()).isFalse();
		Instant promoted = cluster.awaitPromotion(replica);
		System.out.println("[figure] Redis Cluster replica promoted after its master's SIGKILL in: "
				+ Duration.between(killed, promoted).toMillis() + " ms");
		cluster.awaitStateOk();
		assertThat(cluster.masters()).hasSize(3).contains(replica).doesNotContain(master);
		assertThat(cluster.masterForKey(KEY)).isEqualTo(replica);
		try (RawRedis redis = RawRedis.connect(replica.address())) {
			assertThat(redis.get(KEY)).asString(StandardCharsets.UTF_8).isEqualTo("value");
		}
	}

	@Test
	@Order(4)
	void sentinelsNameTheMasterAndFollowARequestedFailover() {
		ServerProcess first = sentinels.servers().get(0);
		ServerProcess second = sentinels.servers().get(1);
		assertThat(sentinels.sentinelAddresses()).hasSize(3);
		for (ServerProcess sentinel : sentinels.sentinels()) {
			try (RawRedis redis = RawRedis.connect(sentinel.address())) {
				assertThat(redis.call("SENTINEL", "get-master-addr-by-name", RedisSentinels.MASTER_NAME)).asList()
					.map((part) -> new String((byte[]) part, StandardCharsets.UTF_8))
					.containsExactly("127.0.0.1", Integer.toString(first.port()));
			}
		}
		Instant asked = sentinels.failover();
		Instant followed = sentinels.awaitMaster(second.address());
		System.out.println("[figure] Redis Sentinel: every sentinel names the new master after SENTINEL FAILOVER in: "
				+ Duration.between(asked, followed).toMillis() + " ms");
		assertThat(sentinels.master()).isEqualTo(second);
		try (RawRedis redis = RawRedis.connect(second.address())) {
			assertThat(redis.text("INFO", "replication")).contains("role:master");
		}
	}

	@Test
	@Order(10)
	void aClusterNodeWhoseBusPortIsTakenStartsOnAnotherOne() throws Exception {
		Path directory = Files.createTempDirectory("cachekit-redis-cluster-node-");
		try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			int free = ServerProcess.freePort();
			Iterator<Integer> ports = List.of(taken.getLocalPort(), free).iterator();
			try (ServerProcess node = RedisCluster.startNode(directory, "node", ports::next);
					RawRedis redis = RawRedis.connect(node.address())) {
				List<?> port = (List<?>) redis.call("CONFIG", "GET", "cluster-port");
				assertThat(port).isNotNull();
				assertThat(new String((byte[]) port.get(1), StandardCharsets.UTF_8)).isEqualTo(Integer.toString(free));
				assertThat(ports.hasNext()).isFalse();
			}
		}
		finally {
			RedisCluster.RedisTools.deleteRecursively(directory);
		}
	}

	@Test
	@Order(11)
	void theMasterAndTheReplicaOfASentinelGroupHaveDirectoriesOfTheirOwn() {
		List<ServerProcess> servers = sentinels.servers().stream().filter(ServerProcess::isRunning).toList();
		assertThat(servers).hasSize(2);
		assertThat(sentinels.directoryOf(servers.get(0))).isNotEqualTo(sentinels.directoryOf(servers.get(1)));
	}

}
