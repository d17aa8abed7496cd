package io.cachekit.backend.redis;

import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import org.jspecify.annotations.Nullable;

/**
 * The node of a Redis Cluster that {@link RedisBackend} sends its {@code PUBLISH}
 * commands to.
 *
 * <p>
 * A classic {@code PUBLISH} sent to any node reaches the subscribers of every node over
 * the cluster bus, but Lettuce routes it like a key command, to the master of the
 * channel's slot: while that master is down, or its slot has no master (a master without
 * a replica that failed), every message on the channel is lost. So messages go to one
 * node of the topology chosen here instead, whatever their channel: the same node while
 * it answers; after a failure, the next usable node (in the order of their addresses,
 * around), so that the next message goes elsewhere. A node is usable unless the cluster
 * marks it failed or it has no address. Thread-safe: concurrent failures of one node move
 * the route once.
 */
final class ClusterPublishRoute {

	private static final Comparator<RedisClusterNode> BY_ADDRESS = Comparator
		.comparing((RedisClusterNode node) -> address(node));

	/** The id of the node messages go to, or {@code null} before the first choice. */
	private final AtomicReference<@Nullable String> nodeId = new AtomicReference<>();

	/**
	 * Returns the node to publish through: the current one while the topology holds it as
	 * usable, else the first usable node in the order of their addresses.
	 * @param partitions the client's view of the topology
	 * @return the node, or {@code null} when no node is usable
	 */
	@Nullable RedisClusterNode node(Partitions partitions) {
		List<RedisClusterNode> usable = usable(partitions);
		if (usable.isEmpty()) {
			return null;
		}
		String current = this.nodeId.get();
		if (current != null) {
			for (RedisClusterNode node : usable) {
				if (current.equals(node.getNodeId())) {
					return node;
				}
			}
		}
		RedisClusterNode first = usable.get(0);
		this.nodeId.compareAndSet(current, first.getNodeId());
		return first;
	}

	/**
	 * Moves the route off a node that failed to publish: the next message goes to the
	 * usable node after it in the order of their addresses. Does nothing when the route
	 * has already moved.
	 * @param failed the node that failed
	 * @param partitions the topology it was chosen from
	 */
	void failed(RedisClusterNode failed, Partitions partitions) {
		List<RedisClusterNode> usable = usable(partitions);
		RedisClusterNode next = null;
		for (RedisClusterNode node : usable) {
			if (!node.getNodeId().equals(failed.getNodeId()) && BY_ADDRESS.compare(node, failed) > 0) {
				next = node;
				break;
			}
		}
		if (next == null) {
			next = usable.stream()
				.filter((node) -> !node.getNodeId().equals(failed.getNodeId()))
				.findFirst()
				.orElse(null);
		}
		if (next != null) {
			this.nodeId.compareAndSet(failed.getNodeId(), next.getNodeId());
		}
	}

	private static List<RedisClusterNode> usable(Partitions partitions) {
		return partitions.getPartitions()
			.stream()
			.filter((node) -> node.getUri() != null && OwnedConnectionFactory.isUsable(node))
			.sorted(BY_ADDRESS)
			.toList();
	}

	private static String address(RedisClusterNode node) {
		RedisURI uri = node.getUri();
		return (uri != null) ? uri.getHost() + ":" + uri.getPort() : "";
	}

}
