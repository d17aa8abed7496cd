package io.cachekit.backend.redis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisNode;
import org.springframework.data.redis.connection.RedisSentinelConfiguration;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * A Lettuce connection factory, with its own client resources (event loops, timer), that
 * a {@link RedisBackend} builds from its configuration's url, cluster nodes or sentinel,
 * and shuts down when it closes.
 *
 * <p>
 * Choices that differ from Lettuce's defaults, for a cache:
 * <ul>
 * <li>While disconnected, commands are rejected at once ({@code TRANSIENT}) instead of
 * being queued until the command timeout: a cache miss now beats a slow one.</li>
 * <li>Reconnection attempts back off exponentially up to {@link #MAX_RECONNECT_DELAY}
 * (Lettuce's default cap is 30 seconds), so a restarted server is connected to again
 * within half a second, whatever the phase of the back-off; an attempt on a server that
 * is down costs one refused connection.</li>
 * <li>Shutdown has no quiet period.</li>
 * <li>Over TLS ({@code rediss://}), the server's certificate and host name are verified
 * (against the configured trust, else the JDK's default authorities), through the JDK's
 * TLS provider.</li>
 * <li>On a cluster, the topology is refreshed periodically
 * ({@link RedisBackendConfig#clusterRefreshPeriod()}) and on every adaptive trigger, and
 * nodes marked failed are left out of routing, so that a failed-over master's slots move
 * to its promoted replica without waiting for the period (Lettuce's default has no
 * refresh at all).</li>
 * <li>Through Sentinel, Lettuce asks the sentinels for the master on every reconnection;
 * Sentinel closes the clients of a demoted master, so a failover is followed.</li>
 * </ul>
 * The native connection is shared by every caller (Lettuce's default), and connected on
 * first use rather than at creation.
 */
final class OwnedConnectionFactory implements AutoCloseable {

	/** The cap of the back-off between reconnection attempts. */
	static final Duration MAX_RECONNECT_DELAY = Duration.ofMillis(500);

	/** How long adaptive refresh triggers of one kind are ignored after a refresh. */
	static final Duration ADAPTIVE_REFRESH_TIMEOUT = Duration.ofSeconds(1);

	private static final Logger logger = LoggerFactory.getLogger(OwnedConnectionFactory.class);

	private final ClientResources resources;

	private final LettuceConnectionFactory factory;

	private OwnedConnectionFactory(ClientResources resources, LettuceConnectionFactory factory) {
		this.resources = resources;
		this.factory = factory;
	}

	/**
	 * Creates the factory for the configuration's url, cluster nodes or sentinel.
	 * @param config a configuration with one of them
	 * @return the factory, started
	 * @throws IllegalArgumentException when the configuration names no server
	 */
	// Shutting down after a failure is best effort.
	@SuppressWarnings("FutureReturnValueIgnored")
	static OwnedConnectionFactory create(RedisBackendConfig config) {
		ClientResources resources = DefaultClientResources.builder()
			.reconnectDelay(Delay.exponential(Duration.ZERO, MAX_RECONNECT_DELAY, 2, TimeUnit.MILLISECONDS))
			.build();
		try {
			LettuceConnectionFactory factory = factory(config, resources);
			factory.afterPropertiesSet();
			return new OwnedConnectionFactory(resources, factory);
		}
		catch (RuntimeException ex) {
			resources.shutdown(0, 0, TimeUnit.SECONDS);
			throw ex;
		}
	}

	private static LettuceConnectionFactory factory(RedisBackendConfig config, ClientResources resources) {
		RedisUrl url = config.parsedUrl();
		if (url != null) {
			RedisStandaloneConfiguration server = new RedisStandaloneConfiguration(url.host(), url.port());
			server.setDatabase(url.database());
			if (url.username() != null) {
				server.setUsername(url.username());
			}
			if (url.password() != null) {
				server.setPassword(url.password());
			}
			ClientOptions.Builder options = ClientOptions.builder();
			return new LettuceConnectionFactory(server, client(config, resources, options, url.ssl()));
		}
		if (config.isCluster()) {
			RedisClusterConfiguration cluster = new RedisClusterConfiguration();
			cluster.setClusterNodes(redisNodes(config.parsedClusterNodes()));
			cluster.setMaxRedirects(config.maxRedirects());
			config.username().ifPresent(cluster::setUsername);
			String password = config.password();
			if (password != null) {
				cluster.setPassword(password);
			}
			ClusterClientOptions.Builder options = ClusterClientOptions.builder()
				.topologyRefreshOptions(topologyRefresh(config))
				.maxRedirects(config.maxRedirects())
				.nodeFilter(OwnedConnectionFactory::isUsable);
			return new LettuceConnectionFactory(cluster, client(config, resources, options, config.ssl()));
		}
		String master = config.sentinelMaster().orElse(null);
		if (master != null) {
			RedisSentinelConfiguration sentinel = new RedisSentinelConfiguration();
			sentinel.setMaster(master);
			sentinel.setSentinels(redisNodes(config.parsedSentinelNodes()));
			sentinel.setDatabase(config.database());
			config.username().ifPresent(sentinel::setUsername);
			String password = config.password();
			if (password != null) {
				sentinel.setPassword(password);
			}
			config.sentinelUsername().ifPresent(sentinel::setSentinelUsername);
			String sentinelPassword = config.sentinelPassword();
			if (sentinelPassword != null) {
				sentinel.setSentinelPassword(sentinelPassword);
			}
			ClientOptions.Builder options = ClientOptions.builder();
			return new LettuceConnectionFactory(sentinel, client(config, resources, options, config.ssl()));
		}
		throw new IllegalArgumentException("set the url, the cluster nodes or the sentinel for a backend that "
				+ "connects by itself; otherwise create the backend over a RedisConnectionFactory");
	}

	/**
	 * The topology refresh of a cluster: periodic, and at once on every adaptive trigger
	 * (MOVED/ASK redirects, reconnection attempts, unknown nodes, uncovered slots), so
	 * that a promoted replica takes over its slots within about a second of promotion.
	 * Connections to nodes that left the topology are closed.
	 */
	static ClusterTopologyRefreshOptions topologyRefresh(RedisBackendConfig config) {
		return ClusterTopologyRefreshOptions.builder()
			.enablePeriodicRefresh(config.clusterRefreshPeriod())
			.enableAllAdaptiveRefreshTriggers()
			.adaptiveRefreshTriggersTimeout(ADAPTIVE_REFRESH_TIMEOUT)
			.refreshTriggersReconnectAttempts(1)
			.closeStaleConnections(true)
			.dynamicRefreshSources(true)
			.build();
	}

	/**
	 * Tells whether a node of the topology may be connected to and routed to: not one
	 * that the cluster marks failed or that has no address.
	 */
	static boolean isUsable(RedisClusterNode node) {
		return !(node.is(RedisClusterNode.NodeFlag.FAIL) || node.is(RedisClusterNode.NodeFlag.EVENTUAL_FAIL)
				|| node.is(RedisClusterNode.NodeFlag.NOADDR));
	}

	private static List<RedisNode> redisNodes(List<RedisNodes.Node> nodes) {
		return nodes.stream().map((node) -> new RedisNode(node.host(), node.port())).toList();
	}

	private static LettuceClientConfiguration client(RedisBackendConfig config, ClientResources resources,
			ClientOptions.Builder options, boolean ssl) {
		options.socketOptions(SocketOptions.builder().connectTimeout(config.connectTimeout()).build())
			.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
		if (ssl) {
			options.sslOptions(sslOptions(config));
		}
		LettuceClientConfiguration.LettuceClientConfigurationBuilder client = LettuceClientConfiguration.builder()
			.clientResources(resources)
			.clientOptions(options.build())
			.commandTimeout(config.commandTimeout())
			.shutdownQuietPeriod(Duration.ZERO)
			.shutdownTimeout(Duration.ofSeconds(2));
		if (ssl) {
			// Spring Data Redis verifies the peer by default: certificate and host
			// name.
			client.useSsl().verifyPeer(SslVerifyMode.FULL);
		}
		return client.build();
	}

	private static SslOptions sslOptions(RedisBackendConfig config) {
		SslOptions.Builder ssl = SslOptions.builder().jdkSslProvider();
		TrustManagerFactory trust = config.trustManagerFactory();
		if (trust != null) {
			ssl.trustManager(trust);
		}
		KeyManagerFactory keys = config.keyManagerFactory();
		if (keys != null) {
			ssl.keyManager(keys);
		}
		if (!config.tlsProtocols().isEmpty()) {
			ssl.protocols(config.tlsProtocols().toArray(new String[0]));
		}
		if (!config.tlsCipherSuites().isEmpty()) {
			ssl.cipherSuites(config.tlsCipherSuites().toArray(new String[0]));
		}
		return ssl.build();
	}

	LettuceConnectionFactory factory() {
		return this.factory;
	}

	/**
	 * Closes the connections and the client, then stops the client resources' threads and
	 * waits (at most a few seconds) for them to end.
	 */
	@Override
	public void close() {
		try {
			this.factory.destroy();
		}
		finally {
			if (!this.resources.shutdown(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3000)) {
				logger.warn("Lettuce client resources did not shut down within 3 seconds");
			}
		}
	}

}
