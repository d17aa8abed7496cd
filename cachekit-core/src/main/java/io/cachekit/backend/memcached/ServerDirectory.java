package io.cachekit.backend.memcached;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

import net.spy.memcached.MemcachedNode;
import net.spy.memcached.NodeLocator;
import net.spy.memcached.config.NodeEndPoint;
import org.jspecify.annotations.Nullable;

/**
 * The servers the clients connect to, configured or discovered, and the way back from the
 * socket address of a client's node to the server it belongs to.
 *
 * <p>
 * The client replaces the address it is given by one built from the resolved IP address
 * alone, so a server configured by name ({@code cache1:11211}) comes back as
 * {@code /10.0.0.5:11211}: matching by name alone would never find it. The Ketama ring
 * ({@link #locator(List)}) names each server by its address as spymemcached did
 * ({@code cache1/10.0.0.5:11211}, or {@code 10.0.0.5:11211} for a server given by IP), so
 * instances on either client, configured or discovering, agree on every key's server. The
 * address handed to the client carries the configured host name, so the client never
 * looks up the name of a server configured by IP.
 *
 * <p>
 * A discovery endpoint replaces the servers ({@link #update(List, ToIntFunction)}) before
 * the clients are told: the directory is an immutable snapshot behind a volatile field,
 * so it is thread-safe.
 */
final class ServerDirectory {

	private volatile List<Entry> entries;

	private ServerDirectory(List<Entry> entries) {
		this.entries = entries;
	}

	/**
	 * Resolves every server's host; a host that cannot be resolved stays unresolved and
	 * the client tries it again when it reconnects.
	 * @param servers the configured servers
	 * @return the resolved servers
	 */
	static ServerDirectory resolve(List<ServerAddress> servers) {
		List<Entry> entries = new ArrayList<>(servers.size());
		for (ServerAddress server : servers) {
			entries.add(entry(server, new InetSocketAddress(server.host(), server.port())));
		}
		return new ServerDirectory(List.copyOf(entries));
	}

	/**
	 * Replaces the servers by the nodes of a cluster configuration, each with the IP
	 * address the configuration gives (resolved when it gives none).
	 * @param nodes the nodes
	 * @param weights the weight of each node's server
	 */
	void update(List<NodeEndPoint> nodes, ToIntFunction<ServerAddress> weights) {
		List<Entry> entries = new ArrayList<>(nodes.size());
		for (NodeEndPoint node : nodes) {
			ServerAddress server = new ServerAddress(node.getHostName(), node.getPort());
			server = server.withWeight(weights.applyAsInt(server));
			InetSocketAddress resolved;
			String ip = node.getIpAddress();
			if (ip == null || ip.isBlank()) {
				resolved = new InetSocketAddress(server.host(), server.port());
			}
			else {
				try {
					// An IP literal: no lookup.
					InetAddress address = InetAddress.getByName(ip);
					resolved = ip.equals(server.host()) ? new InetSocketAddress(address, server.port())
							: new InetSocketAddress(InetAddress.getByAddress(server.host(), address.getAddress()),
									server.port());
				}
				catch (UnknownHostException ex) {
					resolved = new InetSocketAddress(server.host(), server.port());
				}
			}
			entries.add(entry(server, resolved));
		}
		this.entries = List.copyOf(entries);
	}

	private static Entry entry(ServerAddress server, InetSocketAddress resolved) {
		// spymemcached named a node on the ring by the address it was given.
		String name = resolved.toString();
		return new Entry(server, named(server, resolved), name.startsWith("/") ? name.substring(1) : name);
	}

	private static InetSocketAddress named(ServerAddress server, InetSocketAddress resolved) {
		InetAddress address = resolved.getAddress();
		if (address == null) {
			return resolved;
		}
		try {
			return new InetSocketAddress(InetAddress.getByAddress(server.host(), address.getAddress()), server.port());
		}
		catch (UnknownHostException ex) {
			// Not reached: the address has a valid length.
			return resolved;
		}
	}

	/**
	 * Returns the servers in configuration order.
	 * @return the servers
	 */
	List<ServerAddress> servers() {
		return this.entries.stream().map(Entry::server).toList();
	}

	/**
	 * Returns the socket addresses the clients connect to, in configuration order.
	 * @return the addresses
	 */
	List<InetSocketAddress> addresses() {
		return this.entries.stream().map(Entry::address).toList();
	}

	/**
	 * Finds the server a node's socket address belongs to: by IP address and port, or by
	 * host name and port for a server whose name did not resolve.
	 * @param address a node's address
	 * @return the server, or {@code null} when it is none of the current ones
	 */
	@Nullable ServerAddress serverOf(SocketAddress address) {
		Entry entry = entryOf(address);
		return (entry != null) ? entry.server() : null;
	}

	private @Nullable Entry entryOf(SocketAddress address) {
		if (!(address instanceof InetSocketAddress inet)) {
			return null;
		}
		List<Entry> entries = this.entries;
		for (Entry entry : entries) {
			if (entry.server().port() != inet.getPort()) {
				continue;
			}
			InetAddress configured = entry.address().getAddress();
			if (configured != null && configured.equals(inet.getAddress())) {
				return entry;
			}
		}
		for (Entry entry : entries) {
			if (entry.server().port() == inet.getPort()
					&& entry.server().host().equalsIgnoreCase(inet.getHostString())) {
				return entry;
			}
		}
		return null;
	}

	/**
	 * Creates the Ketama locator over the client's nodes, MD5 and each node named on the
	 * ring as spymemcached 2.12.3 named it ({@link KetamaRing}), weighted by its server's
	 * weight.
	 * @param nodes the client's nodes
	 * @return the locator
	 */
	NodeLocator locator(List<MemcachedNode> nodes) {
		return new KetamaRing(nodes, (node) -> ketamaName(node.getSocketAddress()), (node) -> {
			ServerAddress server = serverOf(node.getSocketAddress());
			return (server != null) ? server.weight() : 1;
		});
	}

	private String ketamaName(SocketAddress address) {
		Entry entry = entryOf(address);
		if (entry != null) {
			return entry.ketamaName();
		}
		String name = String.valueOf(address);
		return name.startsWith("/") ? name.substring(1) : name;
	}

	private record Entry(ServerAddress server, InetSocketAddress address, String ketamaName) {
	}

}
