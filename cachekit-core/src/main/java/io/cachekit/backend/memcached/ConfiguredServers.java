package io.cachekit.backend.memcached;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

import net.spy.memcached.MemcachedNode;
import net.spy.memcached.NodeLocator;
import org.jspecify.annotations.Nullable;

/**
 * The configured servers, resolved once, and the way back from the socket address of a
 * client's node to the server it belongs to.
 *
 * <p>
 * The client replaces the address it is given by one built from the resolved IP address
 * alone, so a server configured by name ({@code cache1:11211}) comes back as
 * {@code /10.0.0.5:11211}: matching by name alone would never find it. The Ketama ring
 * ({@link #locator(List)}) names each server by its configured address, as spymemcached
 * did, so instances on either client agree on every key's server. The address handed to
 * the client carries the configured host name, so the client never looks up the name of a
 * server configured by IP.
 */
final class ConfiguredServers {

	private final List<ServerAddress> servers;

	private final List<InetSocketAddress> addresses;

	private final List<String> ketamaNames;

	private ConfiguredServers(List<ServerAddress> servers, List<InetSocketAddress> addresses,
			List<String> ketamaNames) {
		this.servers = servers;
		this.addresses = addresses;
		this.ketamaNames = ketamaNames;
	}

	/**
	 * Resolves every server's host; a host that cannot be resolved stays unresolved and
	 * the client tries it again when it reconnects.
	 * @param servers the configured servers
	 * @return the resolved servers
	 */
	static ConfiguredServers resolve(List<ServerAddress> servers) {
		List<InetSocketAddress> addresses = new ArrayList<>(servers.size());
		List<String> ketamaNames = new ArrayList<>(servers.size());
		for (ServerAddress server : servers) {
			InetSocketAddress resolved = new InetSocketAddress(server.host(), server.port());
			// spymemcached named a node on the ring by the address it was given.
			String name = resolved.toString();
			ketamaNames.add(name.startsWith("/") ? name.substring(1) : name);
			addresses.add(named(server, resolved));
		}
		return new ConfiguredServers(List.copyOf(servers), List.copyOf(addresses), List.copyOf(ketamaNames));
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
		return this.servers;
	}

	/**
	 * Returns the socket addresses the clients connect to, in configuration order.
	 * @return the addresses
	 */
	List<InetSocketAddress> addresses() {
		return this.addresses;
	}

	/**
	 * Finds the configured server a node's socket address belongs to: by IP address and
	 * port, or by host name and port for a server whose name did not resolve.
	 * @param address a node's address
	 * @return the server, or {@code null} when it is none of the configured ones
	 */
	@Nullable ServerAddress serverOf(SocketAddress address) {
		if (!(address instanceof InetSocketAddress inet)) {
			return null;
		}
		for (int i = 0; i < this.servers.size(); i++) {
			ServerAddress server = this.servers.get(i);
			InetSocketAddress configured = this.addresses.get(i);
			if (server.port() != inet.getPort()) {
				continue;
			}
			if (configured.getAddress() != null && configured.getAddress().equals(inet.getAddress())) {
				return server;
			}
			if (server.host().equalsIgnoreCase(inet.getHostString())) {
				return server;
			}
		}
		return null;
	}

	/**
	 * Creates the Ketama locator over the client's nodes, MD5 and each node named on the
	 * ring as spymemcached 2.12.3 named it ({@link KetamaRing}).
	 * @param nodes the client's nodes
	 * @return the locator
	 */
	NodeLocator locator(List<MemcachedNode> nodes) {
		return new KetamaRing(nodes, (node) -> ketamaName(node.getSocketAddress()));
	}

	private String ketamaName(SocketAddress address) {
		ServerAddress server = serverOf(address);
		if (server != null) {
			return this.ketamaNames.get(this.servers.indexOf(server));
		}
		String name = String.valueOf(address);
		return name.startsWith("/") ? name.substring(1) : name;
	}

}
