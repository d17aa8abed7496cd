package io.cachekit.backend.memcached;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import io.cachekit.test.ConfigEndpointServer;
import io.cachekit.test.RawMemcached;
import io.cachekit.test.ServerKind;
import io.cachekit.test.ServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Server weights over two real memcached servers, given in the address, in the weights
 * map, and for servers a configuration endpoint names.
 */
class MemcachedWeightsIntegrationTests {

	private static final int KEYS = 4_000;

	private static ServerProcess light;

	private static ServerProcess heavy;

	@BeforeAll
	static void startTwoServers() {
		light = ServerProcess.start(ServerKind.MEMCACHED);
		heavy = ServerProcess.start(ServerKind.MEMCACHED);
	}

	@AfterAll
	static void stopServers() {
		light.close();
		heavy.close();
	}

	@Test
	void weightOneToThreeInTheAddressPutsEveryKeyWhereTheWeightedRingDoes() {
		MemcachedConfig config = MemcachedConfig.builder()
			.servers(light.address() + ":1", heavy.address() + ":3")
			.keyPrefix("address:")
			.build();
		double share = heavyShare(config, "address:");
		System.out.printf("[figure] memcached weights 1:3: share of %,d keys on the weight-3 server: %.1f %%%n", KEYS,
				100 * share);
	}

	@Test
	void weightsMapPlacesEveryKeyWhereTheAddressFormDoes() {
		MemcachedConfig map = MemcachedConfig.builder()
			.servers(light.address(), heavy.address())
			.weights(Map.of(heavy.address(), 3))
			.build();
		MemcachedConfig address = MemcachedConfig.builder().servers(light.address(), heavy.address() + ":3").build();
		try (MemcachedBackend byMap = MemcachedBackend.create(map);
				MemcachedBackend byAddress = MemcachedBackend.create(address)) {
			assertThat(byMap.health().detail("nodes")).isEqualTo(Map.of(light.address(),
					Map.of("state", "up", "weight", 1), heavy.address(), Map.of("state", "up", "weight", 3)));
			for (int i = 0; i < 500; i++) {
				byMap.set("same-" + i, bytes("map"), null);
				assertThat(byAddress.get("same-" + i)).as("same-%d", i).isEqualTo(bytes("map"));
			}
		}
	}

	@Test
	void weightsMapWeighsTheServersADiscoveryEndpointNamesAsTheWeightedRingDoes() {
		try (ConfigEndpointServer endpoint = ConfigEndpointServer.start()) {
			endpoint.publish(List.of(light, heavy));
			MemcachedConfig config = MemcachedConfig.builder()
				.discoveryEndpoint(endpoint.address())
				.discoveryInterval(Duration.ofMillis(200))
				.weights(Map.of(heavy.address(), 3))
				.keyPrefix("discovered:")
				.build();
			double share = heavyShare(config, "discovered:");
			System.out.printf(
					"[figure] memcached weights 1:3 on discovered nodes: share on the weight-3 server: " + "%.1f %%%n",
					100 * share);
		}
	}

	/**
	 * Writes the keys through a backend whose heavy server weighs 3, checks that each one
	 * is on the server the weighted ring over the two servers' names puts it, and returns
	 * the heavy server's share.
	 */
	private static double heavyShare(MemcachedConfig config, String prefix) {
		List<String> keys = IntStream.range(0, KEYS).mapToObj((i) -> "key-" + i).toList();
		Map<String, String> owners = KetamaOwners.owners(List.of(light.address(), heavy.address()),
				Map.of(heavy.address(), 3), prefix, keys);
		try (MemcachedBackend backend = MemcachedBackend.create(config);
				RawMemcached onHeavy = RawMemcached.connect(heavy.address());
				RawMemcached onLight = RawMemcached.connect(light.address())) {
			int heavyKeys = 0;
			for (String key : keys) {
				backend.set(key, bytes(key), null);
				boolean inHeavy = onHeavy.get(prefix + key) != null;
				assertThat(inHeavy).as("%s is on exactly one server", key)
					.isNotEqualTo(onLight.get(prefix + key) != null);
				assertThat(inHeavy ? heavy.address() : light.address()).as("server of %s", key)
					.isEqualTo(owners.get(key));
				heavyKeys += inHeavy ? 1 : 0;
			}
			return heavyKeys / (double) KEYS;
		}
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
