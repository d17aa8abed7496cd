package io.cachekit.backend.memcached;

import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import net.spy.memcached.ConnectionObserver;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs memcached servers going down and coming back, once each: a WARN when a client of
 * the pool loses its connection to a server that was up, an INFO when every client is
 * connected to it again. spymemcached tells through a {@link ConnectionObserver} per
 * client; its own reconnect attempts in between are left to its (DEBUG) logging. A server
 * that could not be reached when the backend was created counts as down from then on, so
 * its arrival is logged too. A server a discovery endpoint adds is followed from then on,
 * one it removes is forgotten. Logged under {@code MemcachedBackend}'s logger.
 * Thread-safe.
 */
final class ConnectionLog {

	private static final Logger logger = LoggerFactory.getLogger(MemcachedBackend.class);

	private final int clients;

	private final Map<ServerAddress, Set<Integer>> connected = new LinkedHashMap<>();

	private final Set<ServerAddress> down = new HashSet<>();

	private final String effect;

	private final ServerDirectory servers;

	ConnectionLog(ServerDirectory servers, int clients, MemcachedConfig.FailureMode failureMode) {
		this.clients = clients;
		this.servers = servers;
		servers.servers().forEach((server) -> this.connected.put(server, new HashSet<>()));
		this.effect = switch (failureMode) {
			case REDISTRIBUTE -> "its keys go to the other servers meanwhile";
			case RETRY -> "operations for its keys time out meanwhile";
			case CANCEL -> "operations for its keys fail meanwhile";
		};
	}

	/**
	 * Returns the observer for one client of the pool.
	 * @param client the client's index
	 * @return the observer
	 */
	ConnectionObserver observer(int client) {
		return new ConnectionObserver() {

			@Override
			public void connectionEstablished(SocketAddress address, int reconnectCount) {
				established(client, address);
			}

			@Override
			public void connectionLost(SocketAddress address) {
				lost(client, address);
			}

		};
	}

	/**
	 * Marks every server that some client is not connected to as down, without logging,
	 * for the one startup message that names them all.
	 * @return the servers newly marked down, in configuration order
	 */
	synchronized List<ServerAddress> markUnreachable() {
		List<ServerAddress> unreachable = new ArrayList<>();
		this.connected.forEach((server, clients) -> {
			if (clients.size() < this.clients && this.down.add(server)) {
				unreachable.add(server);
			}
		});
		return unreachable;
	}

	/**
	 * Forgets the servers a discovery endpoint removed, and follows those it added.
	 * @param servers the servers now
	 */
	synchronized void serversChanged(List<ServerAddress> servers) {
		this.connected.keySet().retainAll(servers);
		this.down.retainAll(servers);
		servers.forEach((server) -> this.connected.computeIfAbsent(server, (added) -> new HashSet<>()));
	}

	private synchronized void established(int client, SocketAddress address) {
		ServerAddress server = serverOf(address);
		Set<Integer> clients = (server != null) ? this.connected.computeIfAbsent(server, (added) -> new HashSet<>())
				: null;
		if (server == null || clients == null) {
			return;
		}
		clients.add(client);
		if (clients.size() == this.clients && this.down.remove(server)) {
			logger.info("memcached server {} is reachable again", server);
		}
	}

	private synchronized void lost(int client, SocketAddress address) {
		ServerAddress server = serverOf(address);
		Set<Integer> clients = (server != null) ? this.connected.get(server) : null;
		if (server == null || clients == null) {
			return;
		}
		clients.remove(client);
		if (this.down.add(server)) {
			logger.warn("lost the connection to memcached server {}; {}, and it is reconnected to in the background",
					server, this.effect);
		}
	}

	/**
	 * Finds the configured server a socket address belongs to.
	 * @param address a node's address
	 * @return the server, or {@code null} when it is none of the configured ones
	 */
	@Nullable ServerAddress serverOf(SocketAddress address) {
		return this.servers.serverOf(address);
	}

}
