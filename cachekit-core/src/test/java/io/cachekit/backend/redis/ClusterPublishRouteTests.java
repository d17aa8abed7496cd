package io.cachekit.backend.redis;

import java.util.Set;

import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode.NodeFlag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ClusterPublishRoute}: which node of a topology messages go to.
 */
class ClusterPublishRouteTests {

	private final ClusterPublishRoute route = new ClusterPublishRoute();

	@Test
	void firstChoiceIsTheUsableNodeWithTheLowestAddressAndStays() {
		Partitions partitions = partitions(node("c", 7002, NodeFlag.UPSTREAM), node("a", 7000, NodeFlag.REPLICA),
				node("b", 7001, NodeFlag.UPSTREAM));
		assertThat(this.route.node(partitions).getNodeId()).isEqualTo("a");
		assertThat(this.route.node(partitions).getNodeId()).isEqualTo("a");
	}

	@Test
	void aFailureMovesTheRouteToTheNextNodeAndAroundToTheFirst() {
		Partitions partitions = partitions(node("a", 7000, NodeFlag.UPSTREAM), node("b", 7001, NodeFlag.UPSTREAM),
				node("c", 7002, NodeFlag.UPSTREAM));
		this.route.failed(this.route.node(partitions), partitions);
		assertThat(this.route.node(partitions).getNodeId()).isEqualTo("b");
		this.route.failed(this.route.node(partitions), partitions);
		assertThat(this.route.node(partitions).getNodeId()).isEqualTo("c");
		this.route.failed(this.route.node(partitions), partitions);
		assertThat(this.route.node(partitions).getNodeId()).isEqualTo("a");
	}

	@Test
	void nodesMarkedFailedOrWithoutAnAddressAreNotChosen() {
		RedisClusterNode noAddress = new RedisClusterNode();
		noAddress.setNodeId("a");
		noAddress.setFlags(Set.of(NodeFlag.UPSTREAM));
		Partitions partitions = partitions(noAddress, node("b", 7001, NodeFlag.FAIL),
				node("c", 7002, NodeFlag.EVENTUAL_FAIL), node("d", 7003, NodeFlag.NOADDR),
				node("e", 7004, NodeFlag.REPLICA));
		assertThat(this.route.node(partitions).getNodeId()).isEqualTo("e");
	}

	@Test
	void aNodeThatLeavesTheUsableOnesIsReplacedByTheFirst() {
		Partitions partitions = partitions(node("a", 7000, NodeFlag.UPSTREAM), node("b", 7001, NodeFlag.UPSTREAM));
		this.route.failed(this.route.node(partitions), partitions);
		assertThat(this.route.node(partitions).getNodeId()).isEqualTo("b");
		Partitions bFailed = partitions(node("a", 7000, NodeFlag.UPSTREAM), node("b", 7001, NodeFlag.FAIL));
		assertThat(this.route.node(bFailed).getNodeId()).isEqualTo("a");
	}

	@Test
	void repeatedFailuresOfOneNodeMoveTheRouteOnce() {
		Partitions partitions = partitions(node("a", 7000, NodeFlag.UPSTREAM), node("b", 7001, NodeFlag.UPSTREAM),
				node("c", 7002, NodeFlag.UPSTREAM));
		RedisClusterNode first = this.route.node(partitions);
		this.route.failed(first, partitions);
		this.route.failed(first, partitions);
		assertThat(this.route.node(partitions).getNodeId()).isEqualTo("b");
	}

	@Test
	void theOnlyNodeStaysAfterAFailure() {
		Partitions partitions = partitions(node("a", 7000, NodeFlag.UPSTREAM));
		this.route.failed(this.route.node(partitions), partitions);
		assertThat(this.route.node(partitions).getNodeId()).isEqualTo("a");
	}

	@Test
	void noUsableNodeIsNoChoice() {
		assertThat(this.route.node(partitions(node("a", 7000, NodeFlag.FAIL)))).isNull();
		assertThat(this.route.node(partitions())).isNull();
	}

	private static Partitions partitions(RedisClusterNode... nodes) {
		Partitions partitions = new Partitions();
		for (RedisClusterNode node : nodes) {
			partitions.addPartition(node);
		}
		return partitions;
	}

	private static RedisClusterNode node(String id, int port, NodeFlag flag) {
		RedisClusterNode node = new RedisClusterNode();
		node.setNodeId(id);
		node.setUri(RedisURI.create("127.0.0.1", port));
		node.setFlags(Set.of(flag));
		return node;
	}

}
