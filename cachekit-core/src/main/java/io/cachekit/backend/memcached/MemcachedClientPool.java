package io.cachekit.backend.memcached;

import java.io.IOException;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;

import javax.net.ssl.SSLContext;

import net.spy.memcached.ClientMode;
import net.spy.memcached.ConnectionFactory;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.ConnectionFactoryBuilder.Protocol;
import net.spy.memcached.ConnectionObserver;
import net.spy.memcached.FailureMode;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.MemcachedNode;
import net.spy.memcached.auth.AuthDescriptor;
import net.spy.memcached.config.ClusterConfiguration;
import org.jspecify.annotations.Nullable;

/**
 * A fixed set of memcached clients used round-robin.
 *
 * <p>
 * The client is the ElastiCache cluster client, spymemcached's maintained fork (same
 * {@code net.spy.memcached} API), in its static mode: it connects to the servers it is
 * given only and never asks them for a cluster configuration (auto-discovery, the dynamic
 * mode, is what it would otherwise choose for a single host name holding {@code .cfg.}).
 * cachekit's own discovery ({@link ClusterDiscovery}) changes the servers of every client
 * through {@link #update(ClusterConfiguration, ToIntFunction)}. Every client connects to
 * every server with the binary protocol and places keys with spymemcached's MD5 Ketama
 * ring ({@link KetamaRing}), so all clients, and instances still on spymemcached, agree
 * on which server holds a key; a key of a server that is down always finds a live one
 * ({@link RedistributingConnectionFactory}). Each client has one I/O thread; closing the
 * pool stops them all.
 */
final class MemcachedClientPool implements AutoCloseable {

	static {
		// spymemcached logs to stderr unless told otherwise; route it through SLF4J, one
		// level down, unless the application chose a logger itself.
		System.getProperties().putIfAbsent("net.spy.log.LoggerImpl", SpymemcachedLogger.class.getName());
	}

	private final List<MemcachedClient> clients;

	private final ServerDirectory servers;

	private final ConnectionLog connectionLog;

	private final Map<MemcachedClient, RedistributingConnectionFactory> factories;

	private final SaslAuthentication authentication;

	private final @Nullable TlsHandshakes tls;

	private final AtomicInteger next = new AtomicInteger();

	/** How long {@link #update} waits for the clients to apply a change. */
	private final Duration updateTimeout;

	/** The servers every client has applied, which health reports. */
	private volatile List<ServerAddress> applied;

	private MemcachedClientPool(List<MemcachedClient> clients,
			Map<MemcachedClient, RedistributingConnectionFactory> factories, ServerDirectory servers,
			ConnectionLog connectionLog, SaslAuthentication authentication, @Nullable TlsHandshakes tls,
			Duration updateTimeout) {
		this.clients = clients;
		this.factories = factories;
		this.servers = servers;
		this.applied = servers.servers();
		this.updateTimeout = updateTimeout;
		this.connectionLog = connectionLog;
		this.authentication = authentication;
		this.tls = tls;
	}

	/**
	 * Creates the clients and waits up to the connect timeout for their connections, and,
	 * with credentials, for their authentication or its refusal.
	 * @param config the backend's configuration
	 * @return the pool, connected to every server that answered in time
	 * @throws IOException when a client cannot be created
	 */
	static MemcachedClientPool connect(MemcachedConfig config) throws IOException {
		return connect(config, ServerDirectory.resolve(config.servers()));
	}

	/**
	 * Creates the clients for the servers of a directory, as
	 * {@link #connect(MemcachedConfig)} does.
	 * @param config the backend's configuration
	 * @param servers the servers, at least one
	 * @return the pool, connected to every server that answered in time
	 * @throws IOException when a client cannot be created
	 */
	static MemcachedClientPool connect(MemcachedConfig config, ServerDirectory servers) throws IOException {
		ConnectionLog connectionLog = new ConnectionLog(servers, config.maxPoolSize(), config.failureMode());
		SaslAuthentication authentication = new SaslAuthentication(config.username());
		SSLContext sslContext = config.sslContext();
		TlsHandshakes tls = (sslContext != null) ? new TlsHandshakes(sslContext, config.tlsHostName()) : null;
		List<MemcachedClient> clients = new ArrayList<>(config.maxPoolSize());
		Map<MemcachedClient, RedistributingConnectionFactory> factories = new IdentityHashMap<>();
		try {
			for (int i = 0; i < config.maxPoolSize(); i++) {
				RedistributingConnectionFactory factory = factory(config, servers, connectionLog.observer(i),
						authentication, tls);
				MemcachedClient client = new MemcachedClient(factory, servers.addresses());
				clients.add(client);
				factories.put(client, factory);
			}
		}
		catch (IOException | RuntimeException ex) {
			clients.forEach(MemcachedClient::shutdown);
			throw ex;
		}
		// An idle client applies a change when its selector wakes, at least once a
		// second.
		MemcachedClientPool pool = new MemcachedClientPool(List.copyOf(clients), factories, servers, connectionLog,
				authentication, tls, config.connectTimeout().plusSeconds(1));
		pool.awaitConnections(config.connectTimeout(), config.hasCredentials());
		return pool;
	}

	/**
	 * Marks the servers that are not connected yet as down, so that their arrival is
	 * logged, and returns them for the one message that names them.
	 * @return the servers not connected, in configuration order
	 */
	List<ServerAddress> markUnreachable() {
		return this.connectionLog.markUnreachable();
	}

	private static RedistributingConnectionFactory factory(MemcachedConfig config, ServerDirectory servers,
			ConnectionObserver observer, SaslAuthentication authentication, @Nullable TlsHandshakes tls) {
		ConnectionFactoryBuilder builder = new ConnectionFactoryBuilder().setClientMode(ClientMode.Static)
			.setProtocol(Protocol.BINARY)
			.setOpFact(authentication.operationFactory());
		AuthDescriptor descriptor = SaslAuthentication.descriptor(config);
		if (descriptor != null) {
			// An operation for a server still authenticating waits at most this long.
			builder.setAuthDescriptor(descriptor).setAuthWaitTime(config.operationTimeout().toMillis());
		}
		// The locator is the wrapping factory's (KetamaRing), not the builder's.
		ConnectionFactory factory = builder.setFailureMode(failureMode(config.failureMode()))
			.setOpTimeout(config.operationTimeout().toMillis())
			.setOpQueueMaxBlockTime(config.operationTimeout().toMillis())
			.setMaxReconnectDelay(config.maxReconnectDelay().toSeconds())
			.setInitialObservers(List.of(observer))
			.setDaemon(true)
			.build();
		return new RedistributingConnectionFactory(factory, servers, tls);
	}

	/**
	 * Replaces the servers by a cluster configuration's nodes in every client: new nodes
	 * are connected to (and authenticated), removed ones shut down, and their queued
	 * operations cancelled. Each client's I/O thread applies it on its next turn; this
	 * waits until every client has, up to the connect timeout plus one second, so that
	 * {@link #serverStates()} never shows servers the clients do not use yet.
	 * @param configuration the cluster configuration
	 * @param weights the weight of each node's server
	 */
	void update(ClusterConfiguration configuration, ToIntFunction<ServerAddress> weights) {
		// The ring names the new nodes from the directory: update it first.
		this.servers.update(configuration.getCacheNodeEndPoints(), weights);
		List<ServerAddress> servers = this.servers.servers();
		this.connectionLog.serversChanged(servers);
		for (MemcachedClient client : this.clients) {
			client.getConnection().notifyUpdate(configuration);
		}
		awaitLocators(servers);
		this.applied = servers;
	}

	private void awaitLocators(List<ServerAddress> servers) {
		long deadline = System.nanoTime() + this.updateTimeout.toNanos();
		while (!allLocatorsHold(servers) && System.nanoTime() < deadline) {
			try {
				Thread.sleep(1);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	/**
	 * Tells whether every client's locator holds exactly one node of each server.
	 */
	private boolean allLocatorsHold(List<ServerAddress> servers) {
		for (MemcachedClient client : this.clients) {
			Collection<MemcachedNode> nodes = client.getConnection().getLocator().getAll();
			if (nodes.size() != servers.size()) {
				return false;
			}
			Set<ServerAddress> held = new HashSet<>();
			for (MemcachedNode node : nodes) {
				ServerAddress server = serverOf(node.getSocketAddress());
				if (server == null || !held.add(server)) {
					return false;
				}
			}
		}
		return true;
	}

	/**
	 * Returns the servers the clients are told to use now.
	 * @return the servers
	 */
	List<ServerAddress> servers() {
		return this.servers.servers();
	}

	/**
	 * Returns the next client, round-robin.
	 * @return a client
	 */
	MemcachedClient next() {
		int size = this.clients.size();
		return (size == 1) ? this.clients.get(0) : this.clients.get(Math.floorMod(this.next.getAndIncrement(), size));
	}

	/**
	 * Tells whether any client of this pool holds a live connection to a server.
	 * @return {@code true} when some server is connected
	 */
	boolean isAnyServerConnected() {
		for (MemcachedClient client : this.clients) {
			if (isAnyServerConnected(client)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Tells whether {@code client} holds a live connection to at least one server.
	 * @param client a client of this pool
	 * @return {@code true} when some server is connected
	 */
	static boolean isAnyServerConnected(MemcachedClient client) {
		// Asked before every operation: getNodeLocator() would copy the whole ring each
		// time, where this reads the client's own locator.
		return !client.getAvailableServers().isEmpty();
	}

	/**
	 * Reports each server as connected when every client holds a live connection to it;
	 * the servers are those every client applied (or was given the time to).
	 * @return {@code host:port} to {@code true} when connected, in configuration order
	 */
	Map<ServerAddress, Boolean> serverStates() {
		Map<ServerAddress, Boolean> states = new LinkedHashMap<>();
		for (ServerAddress server : this.applied) {
			states.put(server, true);
		}
		for (MemcachedClient client : this.clients) {
			List<MemcachedNode> nodes = new ArrayList<>(client.getNodeLocator().getAll());
			for (MemcachedNode node : nodes) {
				ServerAddress server = serverOf(node.getSocketAddress());
				if (server != null && !node.isActive() && states.containsKey(server)) {
					states.put(server, false);
				}
			}
		}
		return states;
	}

	/**
	 * Asks every server for its version through one client, bounded by the operation
	 * timeout.
	 * @return each answering server's version; silent servers are absent
	 */
	Map<ServerAddress, String> versions() {
		Map<ServerAddress, String> versions = new LinkedHashMap<>();
		for (Map.Entry<SocketAddress, String> entry : next().getVersions().entrySet()) {
			ServerAddress server = serverOf(entry.getKey());
			if (server != null) {
				versions.put(server, entry.getValue());
			}
		}
		return versions;
	}

	int size() {
		return this.clients.size();
	}

	/**
	 * Returns what the pool knows about SASL authentication.
	 * @return the authentication state
	 */
	SaslAuthentication authentication() {
		return this.authentication;
	}

	/**
	 * Returns what the pool knows about TLS.
	 * @return the handshakes' state, or {@code null} when connections are plain TCP
	 */
	@Nullable TlsHandshakes tls() {
		return this.tls;
	}

	/**
	 * Tells whether {@code client} holds a live, authenticated connection to at least one
	 * server; without credentials, every live connection counts.
	 * @param client a client of this pool
	 * @return {@code true} when some server is connected and authenticated
	 */
	boolean isAnyServerAuthenticated(MemcachedClient client) {
		RedistributingConnectionFactory factory = this.factories.get(client);
		if (factory == null) {
			return false;
		}
		for (MemcachedNode node : factory.nodes()) {
			if (node.isActive() && node.isAuthenticated()) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Shuts every client down at once. Every backend operation waits for its own answer,
	 * so nothing a caller still waits for is dropped; operations queued for a server that
	 * is down are abandoned rather than waited for.
	 */
	@Override
	public void close() {
		for (MemcachedClient client : this.clients) {
			client.shutdown();
		}
	}

	private void awaitConnections(Duration timeout, boolean authenticating) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!(allConnectedOrRefusedByTls() && (!authenticating || allAuthenticatedOrRefused()))
				&& System.nanoTime() < deadline) {
			try {
				Thread.sleep(5);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	/**
	 * Tells whether the handshake with a server failed: waiting for it would only end in
	 * the timeout, as the client retries in the background.
	 */
	private boolean handshakeFailed(@Nullable ServerAddress server) {
		return this.tls != null && server != null && this.tls.failure(server.toString()) != null;
	}

	private boolean allAuthenticatedOrRefused() {
		if (this.authentication.refusal() != null) {
			return true;
		}
		for (RedistributingConnectionFactory factory : this.factories.values()) {
			for (MemcachedNode node : factory.nodes()) {
				if (!node.isAuthenticated() && !handshakeFailed(serverOf(node.getSocketAddress()))) {
					return false;
				}
			}
		}
		return true;
	}

	/**
	 * Tells whether every server is connected, or refused by its TLS handshake: each
	 * server is waited for on its own, so that one refused server does not end the wait
	 * for the others.
	 */
	private boolean allConnectedOrRefusedByTls() {
		for (Map.Entry<ServerAddress, Boolean> state : serverStates().entrySet()) {
			if (!state.getValue() && !handshakeFailed(state.getKey())) {
				return false;
			}
		}
		return true;
	}

	private @Nullable ServerAddress serverOf(SocketAddress socketAddress) {
		return this.connectionLog.serverOf(socketAddress);
	}

	private static FailureMode failureMode(MemcachedConfig.FailureMode mode) {
		return switch (mode) {
			case REDISTRIBUTE -> FailureMode.Redistribute;
			case RETRY -> FailureMode.Retry;
			case CANCEL -> FailureMode.Cancel;
		};
	}

}
