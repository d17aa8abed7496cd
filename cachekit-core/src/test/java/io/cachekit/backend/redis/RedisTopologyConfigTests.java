package io.cachekit.backend.redis;

import java.time.Duration;
import java.util.List;

import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The cluster and sentinel settings of {@link RedisBackendConfig}: parsing, exclusivity,
 * messages that name the setting, and masking.
 */
class RedisTopologyConfigTests {

	@Test
	void clusterDefaults() {
		RedisBackendConfig config = RedisBackendConfig.builder()
			.cluster(List.of("127.0.0.1:7000", "[::1]:7001", " redis-2:7002 "))
			.build();
		assertThat(config.clusterNodes()).containsExactly("127.0.0.1:7000", "[::1]:7001", "redis-2:7002");
		assertThat(config.clusterRefreshPeriod()).isEqualTo(Duration.ofSeconds(5));
		assertThat(config.maxRedirects()).isEqualTo(5);
		assertThat(config.sentinelMaster()).isEmpty();
		assertThat(config.sentinelNodes()).isEmpty();
		assertThat(config.ssl()).isFalse();
		assertThat(config.database()).isZero();
		assertThat(config.url()).isEmpty();
	}

	@Test
	void repeatedClusterNodesAreDroppedInOrder() {
		RedisBackendConfig config = RedisBackendConfig.builder().cluster(List.of("a:1", "b:2", "a:1")).build();
		assertThat(config.clusterNodes()).containsExactly("a:1", "b:2");
	}

	@ParameterizedTest
	@ValueSource(strings = { "127.0.0.1", "host:", ":7000", "host:0", "host:65536", "host:x", "::1:7000", "[::1]7000",
			"[::1", "ho st:7000", "user@host:7000" })
	void malformedClusterNodesNameTheSettingAndTheEntry(String address) {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RedisBackendConfig.builder().cluster(List.of("good:7000", address)))
			.withMessageStartingWith("cluster nodes entry '" + address + "' is not host:port");
	}

	@Test
	void emptyNodeListsAreRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> RedisBackendConfig.builder().cluster(List.of()))
			.withMessageContaining("cluster nodes must name at least one node");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RedisBackendConfig.builder().sentinel("mymaster", List.of()))
			.withMessageContaining("sentinel nodes must name at least one node");
	}

	@Test
	void sentinelSettingsAreKept() {
		RedisBackendConfig config = RedisBackendConfig.builder()
			.sentinel("mymaster", List.of("127.0.0.1:26379", "127.0.0.1:26380"))
			.username("app")
			.password("data-s3cret")
			.sentinelUsername("watcher")
			.sentinelPassword("sentinel-s3cret")
			.database(3)
			.build();
		assertThat(config.sentinelMaster()).contains("mymaster");
		assertThat(config.sentinelNodes()).containsExactly("127.0.0.1:26379", "127.0.0.1:26380");
		assertThat(config.username()).contains("app");
		assertThat(config.hasPassword()).isTrue();
		assertThat(config.sentinelUsername()).contains("watcher");
		assertThat(config.hasSentinelPassword()).isTrue();
		assertThat(config.database()).isEqualTo(3);
		assertThat(config.toString()).contains("sentinel=mymaster [127.0.0.1:26379, 127.0.0.1:26380]")
			.contains("username=app", "password=****", "sentinelUsername=watcher", "sentinelPassword=****",
					"database=3")
			.doesNotContain("s3cret");
		assertThat(config.toBuilder().build()).hasToString(config.toString());
	}

	@Test
	void blankSentinelMasterIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RedisBackendConfig.builder().sentinel(" ", List.of("127.0.0.1:26379")))
			.withMessageContaining("sentinel master must not be blank");
	}

	@Test
	void clusterToStringShowsNodesAndMasksThePassword() {
		RedisBackendConfig config = RedisBackendConfig.builder()
			.cluster(List.of("127.0.0.1:7000"))
			.username("app")
			.password("s3cret")
			.clusterRefreshPeriod(Duration.ofSeconds(2))
			.maxRedirects(3)
			.ssl(true)
			.build();
		assertThat(config.toString())
			.contains("cluster=[127.0.0.1:7000]", "clusterRefreshPeriod=2s", "maxRedirects=3", "username=app",
					"password=****", "tls=[default trust]")
			.doesNotContain("s3cret");
		assertThat(config.toBuilder().build()).hasToString(config.toString());
	}

	@Test
	void onlyOneOfUrlClusterAndSentinelMayBeSet() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RedisBackendConfig.builder()
				.url("redis://:s3cret@cache:6379")
				.cluster(List.of("127.0.0.1:7000"))
				.build())
			.withMessage("set only one of url, cluster nodes and sentinel, found url and cluster nodes");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RedisBackendConfig.builder()
				.cluster(List.of("127.0.0.1:7000"))
				.sentinel("mymaster", List.of("127.0.0.1:26379"))
				.build())
			.withMessage("set only one of url, cluster nodes and sentinel, found cluster nodes and sentinel");
	}

	@Test
	void credentialsDatabaseAndSslAreRefusedWithAUrl() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RedisBackendConfig.builder()
				.url("redis://:s3cret@cache:6379")
				.username("app")
				.password("other")
				.database(2)
				.ssl(true)
				.build())
			.withMessageStartingWith("username, password, database, ssl must not be set with a url")
			.withMessageNotContaining("s3cret")
			.withMessageNotContaining("other");
	}

	@Test
	void clusterHasOnlyDatabaseZero() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RedisBackendConfig.builder().cluster(List.of("127.0.0.1:7000")).database(1).build())
			.withMessageContaining("database must be 0 for a Redis Cluster");
	}

	@Test
	void sentinelCredentialsNeedASentinel() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RedisBackendConfig.builder()
				.cluster(List.of("127.0.0.1:7000"))
				.sentinelPassword("s3cret")
				.build())
			.withMessageContaining("sentinel username and sentinel password need a sentinel")
			.withMessageNotContaining("s3cret");
	}

	@Test
	void aUsernameNeedsAPassword() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RedisBackendConfig.builder().cluster(List.of("127.0.0.1:7000")).username("app").build())
			.withMessageContaining("username 'app' is set without a password");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RedisBackendConfig.builder()
				.sentinel("mymaster", List.of("127.0.0.1:26379"))
				.sentinelUsername("watcher")
				.build())
			.withMessageContaining("sentinel username 'watcher' is set without a sentinel password");
	}

	@Test
	void tlsSettingsOnAClusterNeedSsl() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RedisBackendConfig.builder()
				.cluster(List.of("127.0.0.1:7000"))
				.tlsProtocols(List.of("TLSv1.3"))
				.build())
			.withMessageContaining("or ssl be true for cluster nodes or a sentinel; ssl is false");
		RedisBackendConfig config = RedisBackendConfig.builder()
			.cluster(List.of("127.0.0.1:7000"))
			.ssl(true)
			.tlsProtocols(List.of("TLSv1.3"))
			.build();
		assertThat(config.toString()).contains("tls=[default trust, protocols [TLSv1.3]]");
	}

	@Test
	void outOfRangeValuesNameTheSetting() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RedisBackendConfig.builder().clusterRefreshPeriod(Duration.ZERO))
			.withMessageContaining("cluster refresh period must be positive");
		assertThatIllegalArgumentException().isThrownBy(() -> RedisBackendConfig.builder().maxRedirects(0))
			.withMessage("max redirects must be between 1 and 16, was 0");
		assertThatIllegalArgumentException().isThrownBy(() -> RedisBackendConfig.builder().database(-1))
			.withMessageContaining("database must be between 0");
		assertThatIllegalArgumentException().isThrownBy(() -> RedisBackendConfig.builder().password(""))
			.withMessage("password must not be empty");
		assertThatIllegalArgumentException().isThrownBy(() -> RedisBackendConfig.builder().username(" "))
			.withMessage("username must not be blank");
	}

	@Test
	void aGivenConnectionFactoryRefusesClusterAndCredentials() {
		RedisBackendConfig config = RedisBackendConfig.builder()
			.cluster(List.of("127.0.0.1:7000"))
			.password("s3cret")
			.build();
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RedisBackend.create(new LettuceConnectionFactory(), config))
			.withMessageStartingWith("cluster nodes, password set but a RedisConnectionFactory was given")
			.withMessageNotContaining("s3cret");
	}

	@Test
	void ownedClusterFactoryRefreshesPeriodicallyAndOnEveryTrigger() {
		RedisBackendConfig config = RedisBackendConfig.builder()
			.cluster(List.of("127.0.0.1:7000"))
			.clusterRefreshPeriod(Duration.ofSeconds(3))
			.build();
		ClusterTopologyRefreshOptions refresh = OwnedConnectionFactory.topologyRefresh(config);
		assertThat(refresh.isPeriodicRefreshEnabled()).isTrue();
		assertThat(refresh.getRefreshPeriod()).isEqualTo(Duration.ofSeconds(3));
		assertThat(refresh.getAdaptiveRefreshTriggers())
			.containsExactlyInAnyOrder(ClusterTopologyRefreshOptions.RefreshTrigger.values());
		assertThat(refresh.isCloseStaleConnections()).isTrue();
	}

	@Test
	void failedAndAddresslessNodesAreNotRoutedTo() {
		assertThat(OwnedConnectionFactory.isUsable(node(RedisClusterNode.NodeFlag.UPSTREAM))).isTrue();
		assertThat(OwnedConnectionFactory.isUsable(node(RedisClusterNode.NodeFlag.REPLICA))).isTrue();
		assertThat(OwnedConnectionFactory.isUsable(node(RedisClusterNode.NodeFlag.FAIL))).isFalse();
		assertThat(OwnedConnectionFactory.isUsable(node(RedisClusterNode.NodeFlag.EVENTUAL_FAIL))).isFalse();
		assertThat(OwnedConnectionFactory.isUsable(node(RedisClusterNode.NodeFlag.NOADDR))).isFalse();
	}

	@Test
	void ownedFactoriesAreBuiltForClusterAndSentinelWithoutConnecting() {
		try (OwnedConnectionFactory cluster = OwnedConnectionFactory
			.create(RedisBackendConfig.builder().cluster(List.of("127.0.0.1:7000")).maxRedirects(4).build())) {
			assertThat(cluster.factory().isClusterAware()).isTrue();
			assertThat(cluster.factory().getClusterConfiguration().getMaxRedirects()).isEqualTo(4);
		}
		try (OwnedConnectionFactory sentinel = OwnedConnectionFactory.create(RedisBackendConfig.builder()
			.sentinel("mymaster", List.of("127.0.0.1:26379"))
			.password("s3cret")
			.sentinelPassword("other")
			.database(2)
			.build())) {
			assertThat(sentinel.factory().isRedisSentinelAware()).isTrue();
			assertThat(sentinel.factory().getSentinelConfiguration().getMaster().getName()).isEqualTo("mymaster");
			assertThat(sentinel.factory().getSentinelConfiguration().getDatabase()).isEqualTo(2);
		}
	}

	private static RedisClusterNode node(RedisClusterNode.NodeFlag flag) {
		RedisClusterNode node = new RedisClusterNode();
		node.setFlags(java.util.Set.of(flag));
		return node;
	}

}
