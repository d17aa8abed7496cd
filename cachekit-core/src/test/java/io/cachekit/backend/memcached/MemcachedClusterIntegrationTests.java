package io.cachekit.backend.memcached;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import io.cachekit.backend.BackendErrorType;
import io.cachekit.backend.BackendException;
import io.cachekit.backend.BackendHealth;
import io.cachekit.test.Await;
import io.cachekit.test.ServerKind;
import io.cachekit.test.ServerProcess;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.ConnectionFactoryBuilder.Locator;
import net.spy.memcached.ConnectionFactoryBuilder.Protocol;
import net.spy.memcached.DefaultHashAlgorithm;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.MemcachedNode;
import net.spy.memcached.NodeLocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link MemcachedBackend} over three memcached servers, one of which is stopped and
 * restarted.
 */
class MemcachedClusterIntegrationTests {

	private static final int KEYS = 300;

	private final List<ServerProcess> servers = new ArrayList<>();

	private final List<MemcachedBackend> nodes = new ArrayList<>();

	private MemcachedBackend cluster;

	@BeforeEach
	void startThreeServers() {
		for (int i = 0; i < 3; i++) {
			ServerProcess server = ServerProcess.start(ServerKind.MEMCACHED);
			this.servers.add(server);
			this.nodes.add(MemcachedBackend.create(single(server).build()));
		}
		this.cluster = MemcachedBackend.create(MemcachedConfig.builder()
			.servers(this.servers.stream().map(ServerProcess::address).toList())
			.maxReconnectDelay(Duration.ofSeconds(1))
			.build());
	}

	@AfterEach
	void stopServers() {
		this.cluster.close();
		this.nodes.forEach(MemcachedBackend::close);
		this.servers.forEach(ServerProcess::close);
	}

	@Test
	void keysAreSpreadOverAllThreeServersAndEachIsOnExactlyOne() {
		writeKeys("k");
		List<List<String>> owned = ownership("k");
		assertThat(owned).allSatisfy((keys) -> assertThat(keys).isNotEmpty());
		assertThat(owned.stream().mapToInt(List::size).sum()).isEqualTo(KEYS);
	}

	@Test
	void stoppedServerLosesOnlyItsOwnKeysAndTheOthersKeepWorking() {
		writeKeys("k");
		List<List<String>> owned = ownership("k");
		this.servers.get(1).stop();
		for (int node : new int[] { 0, 2 }) {
			for (String key : owned.get(node)) {
				assertThat(this.cluster.get(key)).as("key %s on a live server", key).isEqualTo(value(key));
			}
		}
		for (String key : owned.get(1)) {
			try {
				assertThat(this.cluster.get(key)).as("key %s of the stopped server", key).isNull();
			}
			catch (BackendException ex) {
				assertThat(ex.getErrorType()).isIn(BackendErrorType.TRANSIENT, BackendErrorType.TIMEOUT);
			}
		}
		assertThat(Await.until(() -> {
			String key = owned.get(1).get(0);
			try {
				this.cluster.set(key, value(key), null);
				return this.cluster.get(key) != null;
			}
			catch (BackendException ex) {
				return false;
			}
		})).as("keys of the stopped server are redistributed to the live ones").isTrue();
		BackendHealth health = this.cluster.health();
		assertThat(health.healthy()).isTrue();
		assertThat(health.details()).containsEntry("servers", Map.of(this.servers.get(0).address(), "up",
				this.servers.get(1).address(), "down", this.servers.get(2).address(), "up"));
	}

	@Test
	void aKeyWhoseWholeKetamaSequenceIsOnTheStoppedServerIsServedByALiveOne() throws Exception {
		String stuck = keyWhoseKetamaSequenceIsOnlyOn(this.servers.get(1));
		this.servers.get(1).stop();
		assertThat(Await.until(() -> "down".equals(serverState(1)))).isTrue();
		// spymemcached alone tries seven hashes of the key, all on the stopped server,
		// and
		// then queues the operation for it: every call timed out while it was down.
		this.cluster.set(stuck, value(stuck), null);
		assertThat(this.cluster.get(stuck)).isEqualTo(value(stuck));
	}

	@Test
	void restartedServerTakesItsShareOfKeysAgain() {
		this.servers.get(1).stop();
		assertThat(Await.until(() -> "down".equals(serverState(1)))).isTrue();
		this.servers.get(1).restart();
		assertThat(Await.until(() -> "up".equals(serverState(1)))).as("server reconnected").isTrue();
		assertThat(Await.until(() -> this.nodes.get(1).health().healthy())).as("inspecting client reconnected")
			.isTrue();
		writeKeys("after");
		assertThat(ownership("after").get(1)).isNotEmpty();
	}

	/**
	 * Finds a key whose Ketama primary and seven fallbacks (spymemcached's sequence) are
	 * all one server, with a client configured as the backend's.
	 */
	private String keyWhoseKetamaSequenceIsOnlyOn(ServerProcess server) throws Exception {
		List<InetSocketAddress> addresses = new ArrayList<>();
		for (ServerProcess each : this.servers) {
			addresses.add(new InetSocketAddress("127.0.0.1", each.port()));
		}
		MemcachedClient client = new MemcachedClient(new ConnectionFactoryBuilder().setProtocol(Protocol.BINARY)
			.setLocatorType(Locator.CONSISTENT)
			.setHashAlg(DefaultHashAlgorithm.KETAMA_HASH)
			.setDaemon(true)
			.build(), addresses);
		try {
			NodeLocator locator = client.getNodeLocator();
			for (int i = 0; i < 1_000_000; i++) {
				String key = "stuck:" + i;
				if (isOn(locator.getPrimary(key), server)) {
					boolean all = true;
					for (Iterator<MemcachedNode> sequence = locator.getSequence(key); all && sequence.hasNext();) {
						all = isOn(sequence.next(), server);
					}
					if (all) {
						return key;
					}
				}
			}
			throw new IllegalStateException("no key found whose Ketama sequence is only on " + server);
		}
		finally {
			client.shutdown();
		}
	}

	private static boolean isOn(MemcachedNode node, ServerProcess server) {
		return ((InetSocketAddress) node.getSocketAddress()).getPort() == server.port();
	}

	private void writeKeys(String prefix) {
		for (int i = 0; i < KEYS; i++) {
			String key = prefix + ":" + i;
			this.cluster.set(key, value(key), null);
		}
	}

	private List<List<String>> ownership(String prefix) {
		List<List<String>> owned = new ArrayList<>();
		for (MemcachedBackend node : this.nodes) {
			List<String> keys = new ArrayList<>();
			for (int i = 0; i < KEYS; i++) {
				String key = prefix + ":" + i;
				if (node.exists(key)) {
					keys.add(key);
				}
			}
			owned.add(keys);
		}
		return owned;
	}

	@SuppressWarnings("unchecked")
	private String serverState(int index) {
		Map<String, Object> servers = (Map<String, Object>) this.cluster.health().details().get("servers");
		return String.valueOf(servers.get(this.servers.get(index).address()));
	}

	private static MemcachedConfig.Builder single(ServerProcess server) {
		return MemcachedConfig.builder().servers(server.address()).maxReconnectDelay(Duration.ofSeconds(1));
	}

	private static byte[] value(String key) {
		return ("value of " + key).getBytes(StandardCharsets.UTF_8);
	}

}
