package io.cachekit.backend.redis;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import io.lettuce.core.api.AsyncCloseable;

import io.lettuce.core.cluster.models.partitions.ClusterPartitionParser;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The mapping of {@code CLUSTER NODES}, {@code CLUSTER INFO} and a sentinel's answers to
 * health details.
 */
class RedisTopologyDetailsTests {

	private static final String NODES = """
			07c37dfeb235213a872192d90877d0cd55635b91 127.0.0.1:30004@31004 slave e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 0 1426238317239 4 connected
			67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1 127.0.0.1:30002@31002 master - 0 1426238316232 2 connected 5461-10922
			292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f 127.0.0.1:30003@31003 master,fail - 1426238318243 1426238316232 3 disconnected
			6ec23923021cf3ffec47632106199cb7f496ce01 127.0.0.1:30005@31005 master - 0 1426238316232 5 connected 10923-16383
			e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 127.0.0.1:30001@31001 myself,master - 0 0 1 connected 0-5460
			824fe116063bc5fcf9f4ffd895bc17aee7731ac3 127.0.0.1:30006@31006 slave,fail? 292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f 0 1426238317741 6 connected
			""";

	@Test
	void clusterNodesHaveRoleStateAndSlots() {
		Map<String, Object> details = RedisTopologyDetails.cluster(ClusterPartitionParser.parse(NODES),
				"cluster_enabled:1\r\ncluster_state:ok\r\ncluster_slots_assigned:16384\r\n");
		assertThat(details).containsEntry("cluster_state", "ok").containsEntry("slots_served", 16384);
		@SuppressWarnings("unchecked")
		Map<String, Map<String, Object>> nodes = (Map<String, Map<String, Object>>) details.get("nodes");
		assertThat(nodes).containsOnlyKeys("127.0.0.1:30001", "127.0.0.1:30002", "127.0.0.1:30003", "127.0.0.1:30004",
				"127.0.0.1:30005", "127.0.0.1:30006");
		assertThat(nodes.get("127.0.0.1:30001")).containsEntry("role", "master")
			.containsEntry("state", "up")
			.containsEntry("slots", "0-5460");
		assertThat(nodes.get("127.0.0.1:30003")).containsEntry("role", "master")
			.containsEntry("state", "fail")
			.doesNotContainKey("slots");
		assertThat(nodes.get("127.0.0.1:30004")).containsEntry("role", "replica").containsEntry("state", "up");
		assertThat(nodes.get("127.0.0.1:30006")).containsEntry("state", "pfail");
	}

	@Test
	void slotsOfAMasterThatIsDownAreNotServed() {
		String nodes = NODES.replace("master - 0 1426238316232 2 connected 5461-10922",
				"master,fail - 0 1426238316232 2 disconnected 5461-10922");
		Map<String, Object> details = RedisTopologyDetails.cluster(ClusterPartitionParser.parse(nodes),
				"cluster_state:fail\r\n");
		assertThat(details).containsEntry("cluster_state", "fail").containsEntry("slots_served", 16384 - 5462);
	}

	@Test
	void slotRangesAreCompact() {
		assertThat(RedisTopologyDetails.ranges(List.of(3, 0, 1, 2, 7, 9, 10))).isEqualTo("0-3,7,9-10");
		assertThat(RedisTopologyDetails.ranges(List.of())).isEmpty();
	}

	@Test
	void sentinelDetailsNameMasterReplicasAndSentinelsWithoutCredentials() {
		Map<String, Object> details = RedisTopologyDetails.sentinel(
				Map.of("name", "mymaster", "ip", "127.0.0.1", "port", "6380", "flags", "master", "num-other-sentinels",
						"2", "auth-pass", "s3cret"),
				List.of(Map.of("ip", "::1", "port", "6381", "flags", "slave", "master-auth", "s3cret")),
				"127.0.0.1:26379");
		assertThat(details)
			.containsEntry("master", Map.of("address", "127.0.0.1:6380", "flags", "master", "name", "mymaster"))
			.containsEntry("replicas", List.of(Map.of("address", "[::1]:6381", "flags", "slave")))
			.containsEntry("sentinels", 3)
			.containsEntry("answered_by", "127.0.0.1:26379");
		assertThat(details.toString()).doesNotContain("s3cret");
	}

	@Test
	void aSentinelConnectionMadeAfterTheTimeoutIsClosed() {
		CompletableFuture<AsyncCloseable> connecting = new CompletableFuture<>();
		assertThatExceptionOfType(TimeoutException.class)
			.isThrownBy(() -> RedisTopologyDetails.awaitConnection(connecting, Duration.ofMillis(1)));
		AtomicInteger closed = new AtomicInteger();
		connecting.complete(() -> {
			closed.incrementAndGet();
			return CompletableFuture.completedFuture(null);
		});
		assertThat(closed).hasValue(1);
	}

	@Test
	void aSentinelConnectionMadeInTimeIsReturnedOpen() throws Exception {
		AtomicInteger closed = new AtomicInteger();
		AsyncCloseable connection = () -> {
			closed.incrementAndGet();
			return CompletableFuture.completedFuture(null);
		};
		assertThat(RedisTopologyDetails.awaitConnection(CompletableFuture.completedFuture(connection),
				Duration.ofMillis(1)))
			.isSameAs(connection);
		assertThat(closed).hasValue(0);
	}

}
