package io.cachekit.backend.memcached;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import net.spy.memcached.MemcachedNode;

/**
 * Which server owns each key, as {@link KetamaRing} places it over the servers' ring
 * names: placement is fixed by the names (for servers given or discovered by IP, the
 * {@code ip:port}), the weights and the key sent to the server, so tests can assert every
 * key's server instead of a share of the keys.
 */
final class KetamaOwners {

	private KetamaOwners() {
	}

	/**
	 * Returns the server each key belongs to.
	 * @param servers the servers' ring names, such as {@code 127.0.0.1:11211}
	 * @param weights the weight of a server by ring name; absent ones weigh 1
	 * @param keyPrefix the backend's key prefix
	 * @param keys the caller's keys
	 * @return each key's server, in the order of {@code keys}
	 */
	static Map<String, String> owners(List<String> servers, Map<String, Integer> weights, String keyPrefix,
			List<String> keys) {
		Map<MemcachedNode, String> names = new IdentityHashMap<>();
		List<MemcachedNode> nodes = new ArrayList<>();
		for (String server : servers) {
			MemcachedNode node = (MemcachedNode) Proxy.newProxyInstance(KetamaOwners.class.getClassLoader(),
					new Class<?>[] { MemcachedNode.class }, (proxy, method, arguments) -> switch (method.getName()) {
						case "toString" -> server;
						case "hashCode" -> System.identityHashCode(proxy);
						case "equals" -> proxy == arguments[0];
						default -> throw new UnsupportedOperationException(method.getName());
					});
			names.put(node, server);
			nodes.add(node);
		}
		KetamaRing ring = new KetamaRing(nodes, names::get, (node) -> weights.getOrDefault(names.get(node), 1));
		MemcachedKeys mapping = new MemcachedKeys(keyPrefix);
		Map<String, String> owners = new LinkedHashMap<>();
		for (String key : keys) {
			owners.put(key, names.get(ring.getPrimary(mapping.map(key))));
		}
		return owners;
	}

	/**
	 * Returns the keys that belong to one server.
	 * @param owners each key's server, from {@link #owners}
	 * @param server the server's ring name
	 * @return its keys, in order
	 */
	static List<String> keysOf(Map<String, String> owners, String server) {
		return owners.entrySet()
			.stream()
			.filter((entry) -> entry.getValue().equals(server))
			.map(Map.Entry::getKey)
			.toList();
	}

}
