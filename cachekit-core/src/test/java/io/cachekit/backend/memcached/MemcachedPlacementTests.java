package io.cachekit.backend.memcached;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import net.spy.memcached.MemcachedClient;
import net.spy.memcached.MemcachedNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where the client puts keys, and how its nodes map back to the configured servers. No
 * server runs: placement and mapping need none (the ports refuse connections).
 */
class MemcachedPlacementTests {

	/**
	 * Servers of keys {@code key-0} to {@code key-299}, as indexes into the server list,
	 * recorded with spymemcached 2.12.3 for the servers of {@link #config()}. Two of them
	 * are configured by name, which the cluster client alone would place elsewhere: an
	 * instance on either client must find a key on the same server.
	 */
	private static final String SPYMEMCACHED_2_12_3_PLACEMENT = "0022200111112200120021210222201211020211101102101202122212011102001120020220122102001212021002121111"
			+ "1201100200122101012112201221201000012120010102211200111102011120121110210011201012021001221222100110"
			+ "1122220121110111210220112000010222011011122002212022212212201011120201021220001212212202200222112010";

	private static MemcachedConfig config() {
		return MemcachedConfig.builder()
			.servers("localhost:7", "127.0.0.1:9", "localhost:13")
			.connectTimeout(Duration.ofMillis(1))
			.build();
	}

	@Test
	void keysLandOnTheServersSpymemcachedChose() throws Exception {
		MemcachedConfig config = config();
		try (MemcachedClientPool pool = MemcachedClientPool.connect(config)) {
			MemcachedClient client = pool.next();
			StringBuilder placement = new StringBuilder();
			for (int i = 0; i < 300; i++) {
				MemcachedNode node = client.getNodeLocator().getPrimary("key-" + i);
				int port = ((InetSocketAddress) node.getSocketAddress()).getPort();
				placement.append(List.of(7, 9, 13).indexOf(port));
			}
			assertThat(placement).hasToString(SPYMEMCACHED_2_12_3_PLACEMENT);
		}
	}

	@Test
	void ketamaOwnersOverTheRingNamesPlaceKeysAsSpymemcachedDid() {
		List<String> names = List.of("localhost/127.0.0.1:7", "127.0.0.1:9", "localhost/127.0.0.1:13");
		List<String> keys = IntStream.range(0, 300).mapToObj((i) -> "key-" + i).toList();
		StringBuilder placement = new StringBuilder();
		KetamaOwners.owners(names, Map.of(), "", keys)
			.values()
			.forEach((owner) -> placement.append(names.indexOf(owner)));
		assertThat(placement).hasToString(SPYMEMCACHED_2_12_3_PLACEMENT);
	}

	@Test
	void everyNodeMapsBackToItsConfiguredServerByNameOrAddress() throws Exception {
		MemcachedConfig config = config();
		try (MemcachedClientPool pool = MemcachedClientPool.connect(config)) {
			assertThat(pool.serverStates()).containsOnlyKeys(config.servers()).doesNotContainValue(true);
		}
	}

}
