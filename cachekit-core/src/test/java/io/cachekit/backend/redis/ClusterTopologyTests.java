package io.cachekit.backend.redis;

import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rate limit and the change detection of {@link ClusterTopology}, with a fake clock
 * and hand-made topologies.
 */
class ClusterTopologyTests {

	private final AtomicLong now = new AtomicLong(1_000_000_000L);

	private final ClusterTopology topology = new ClusterTopology(
			new LettuceConnectionFactory(new RedisClusterConfiguration(List.of("127.0.0.1:7000"))), this.now::get);

	@Test
	void onlyClusterAwareLettuceFactoriesHaveATopology() {
		assertThat(ClusterTopology.of(new LettuceConnectionFactory(new RedisStandaloneConfiguration()))).isNull();
		assertThat(ClusterTopology
			.of(new LettuceConnectionFactory(new RedisClusterConfiguration(List.of("127.0.0.1:7000"))))).isNotNull();
	}

	@Test
	void refreshesAreStartedAtMostOncePerHalfSecond() {
		assertThat(this.topology.due()).isTrue();
		this.topology.finished();
		assertThat(this.topology.due()).isFalse();
		this.now.addAndGet(TimeUnit.MILLISECONDS.toNanos(499));
		assertThat(this.topology.due()).isFalse();
		this.now.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
		assertThat(this.topology.due()).isTrue();
		this.topology.finished();
		assertThat(this.topology.due()).isFalse();
	}

	@Test
	void noRefreshIsStartedWhileOneIsRunning() {
		assertThat(this.topology.due()).isTrue();
		// A refresh waiting for a connect timeout of 10 s: twenty intervals pass.
		for (int i = 0; i < 20; i++) {
			this.now.addAndGet(ClusterTopology.MIN_INTERVAL_NANOS);
			assertThat(this.topology.due()).isFalse();
		}
		this.topology.finished();
		assertThat(this.topology.due()).isTrue();
	}

	@Test
	void aNudgeOnAFactoryThatIsNotStartedNeitherThrowsNorRefreshes() {
		assertThat(this.topology.nudge()).isFalse();
	}

	@Test
	void aChangeOfMastersIsReportedOnceAndTheFirstTopologyIsNoChange() {
		Partitions before = partitions(master("a", 7000, 0), master("b", 7001, 1), replica("c", 7002));
		assertThat(this.topology.compare(before)).isFalse();
		assertThat(this.topology.compare(before)).isFalse();
		Partitions after = partitions(failedMaster("a", 7000), master("b", 7001, 1), master("c", 7002, 0));
		assertThat(ClusterTopology.masters(after)).containsExactly("127.0.0.1:7001", "127.0.0.1:7002");
		assertThat(this.topology.compare(after)).isTrue();
		assertThat(this.topology.compare(after)).isFalse();
	}

	private static Partitions partitions(RedisClusterNode... nodes) {
		Partitions partitions = new Partitions();
		for (RedisClusterNode node : nodes) {
			partitions.addPartition(node);
		}
		partitions.updateCache();
		return partitions;
	}

	private static RedisClusterNode master(String id, int port, int slot) {
		return node(id, port, List.of(slot), RedisClusterNode.NodeFlag.UPSTREAM);
	}

	private static RedisClusterNode failedMaster(String id, int port) {
		return node(id, port, List.of(), RedisClusterNode.NodeFlag.UPSTREAM, RedisClusterNode.NodeFlag.FAIL);
	}

	private static RedisClusterNode replica(String id, int port) {
		return node(id, port, List.of(), RedisClusterNode.NodeFlag.REPLICA);
	}

	private static RedisClusterNode node(String id, int port, List<Integer> slots, RedisClusterNode.NodeFlag... flags) {
		RedisClusterNode node = new RedisClusterNode();
		node.setNodeId(id);
		node.setUri(RedisURI.create("127.0.0.1", port));
		node.setSlots(slots);
		node.setFlags(Set.of(flags));
		return node;
	}

}
