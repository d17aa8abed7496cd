package io.cachekit.backend.memcached;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import ch.qos.logback.classic.Level;
import io.cachekit.backend.BackendErrorType;
import io.cachekit.backend.BackendException;
import io.cachekit.backend.BackendHealth;
import io.cachekit.backend.CapturedLogs;
import io.cachekit.backend.memcached.MemcachedConfig.FailureMode;
import io.cachekit.test.Await;
import io.cachekit.test.ClosedPort;
import io.cachekit.test.ConfigEndpointServer;
import io.cachekit.test.RawMemcached;
import io.cachekit.test.ServerKind;
import io.cachekit.test.ServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link MemcachedBackend} following a configuration endpoint
 * ({@link ConfigEndpointServer}) that points at real memcached processes, asked every 200
 * ms: nodes added and removed under load, versions, an endpoint that is down.
 */
class MemcachedDiscoveryIntegrationTests {

	private static final Duration INTERVAL = Duration.ofMillis(200);

	private static final int KEYS = 2_000;

	private static final List<ServerProcess> servers = new ArrayList<>();

	@BeforeAll
	static void startFourServers() {
		for (int i = 0; i < 4; i++) {
			servers.add(ServerProcess.start(ServerKind.MEMCACHED));
		}
	}

	@AfterAll
	static void stopServers() {
		servers.forEach(ServerProcess::close);
	}

	@Test
	void nodeAddedThenRemovedUnderLoadMovesKeysWithNoError() throws Exception {
		try (ConfigEndpointServer endpoint = ConfigEndpointServer.start();
				CapturedLogs logs = CapturedLogs.of(MemcachedBackend.class.getName())) {
			endpoint.publish(servers.subList(0, 3));
			try (MemcachedBackend backend = MemcachedBackend.create(config(endpoint).maxPoolSize(2).build())) {
				assertThat(nodes(backend.health())).hasSize(3);
				assertThat(backend.health().detail("config_version")).isEqualTo(1L);
				assertThat(backend.health().detail("discovery_endpoint")).isEqualTo(endpoint.address());
				writeKeys(backend, "old");
				try (Load load = new Load(backend)) {
					ServerProcess added = servers.get(3);
					long version = endpoint.publish(servers);
					long published = System.nanoTime();
					long firstOnNewNode = firstKeyServedBy(backend, added);
					System.out.printf(
							"[figure] memcached discovery: published config to first key on the new node: "
									+ "%d ms (interval %d ms)%n",
							(firstOnNewNode - published) / 1_000_000, INTERVAL.toMillis());
					assertThat(Await.until(() -> nodes(backend.health()).size() == 4)).isTrue();
					assertThat(backend.health().detail("config_version")).isEqualTo(version);
					assertThat(nodes(backend.health())).containsEntry(added.address(),
							Map.of("state", "up", "weight", 1));

					List<String> newKeys = writeKeys(backend, "new");
					List<String> onNewNode = held(added, newKeys);
					System.out.printf(
							"[figure] memcached discovery: share of new keys on the added fourth node: " + "%.1f %%%n",
							100.0 * onNewNode.size() / KEYS);
					// Placement is fixed by the nodes' names: every key is where the ring
					// over the four nodes puts it.
					assertThat(onNewNode).isEqualTo(KetamaOwners
						.keysOf(KetamaOwners.owners(names(servers), Map.of(), "", newKeys), added.address()));
					List<String> moved = missing(backend, "old");
					System.out.printf("[figure] memcached discovery: old keys that moved to the added node: %.1f %%%n",
							100.0 * moved.size() / KEYS);
					assertThat(moved).as("the old keys the added node owns now, and no other")
						.isEqualTo(KetamaOwners.keysOf(KetamaOwners.owners(names(servers), Map.of(), "", keys("old")),
								added.address()));
					for (String key : moved) {
						backend.set(key, bytes(key), null);
					}
					assertThat(held(added, moved)).as("every moved key is on the added node").isEqualTo(moved);

					endpoint.publish(servers.subList(0, 3));
					long removed = System.nanoTime();
					assertThat(Await.until(() -> nodes(backend.health()).size() == 3)).isTrue();
					System.out.printf(
							"[figure] memcached discovery: published removal to health showing 3 nodes: " + "%d ms%n",
							(System.nanoTime() - removed) / 1_000_000);
					for (String key : onNewNode) {
						assertThat(backend.get(key)).as("key %s of the removed node", key).isNull();
					}
					assertThat(missing(backend, "new")).containsExactlyInAnyOrderElementsOf(onNewNode);
					load.assertNoErrors();
				}
			}
			assertThat(logs.messages(Level.INFO)).filteredOn((message) -> message.startsWith("memcached node added"))
				.containsExactly("memcached node added: " + servers.get(3).address() + " (cluster config version 2)");
			assertThat(logs.messages(Level.INFO)).filteredOn((message) -> message.startsWith("memcached node removed"))
				.containsExactly("memcached node removed: " + servers.get(3).address() + " (cluster config version 3)");
		}
	}

	@Test
	void lowerVersionIsIgnored() {
		try (ConfigEndpointServer endpoint = ConfigEndpointServer.start()) {
			endpoint.publish(5, servers.subList(0, 2));
			try (MemcachedBackend backend = MemcachedBackend.create(config(endpoint).build())) {
				endpoint.publish(4, servers);
				long asked = endpoint.requests();
				assertThat(Await.until(() -> endpoint.requests() >= asked + 2)).isTrue();
				assertThat(nodes(backend.health())).hasSize(2);
				assertThat(backend.health().detail("config_version")).isEqualTo(5L);
				endpoint.publish(6, servers.subList(0, 3));
				assertThat(Await.until(() -> nodes(backend.health()).size() == 3)).isTrue();
			}
		}
	}

	@Test
	void unreachableEndpointAtStartupStillStartsAndThePoolAppearsLater() {
		try (ConfigEndpointServer endpoint = ConfigEndpointServer.start();
				CapturedLogs logs = CapturedLogs.of(MemcachedBackend.class.getName())) {
			endpoint.available(false);
			long start = System.nanoTime();
			try (MemcachedBackend backend = MemcachedBackend.create(config(endpoint).build())) {
				System.out.printf("[figure] memcached discovery: create() with an endpoint that is down: %d ms%n",
						Duration.ofNanos(System.nanoTime() - start).toMillis());
				assertThatExceptionOfType(BackendException.class).isThrownBy(() -> backend.get("k"))
					.satisfies((ex) -> assertThat(ex.getErrorType()).isEqualTo(BackendErrorType.TRANSIENT))
					.withMessageContaining("no memcached cluster configuration yet")
					.withMessageContaining(endpoint.address());
				BackendHealth health = backend.health();
				assertThat(health.healthy()).isFalse();
				assertThat(health.detail("error")).asString().contains("no memcached cluster configuration yet");
				assertThat(health.detail("discovery_endpoint")).isEqualTo(endpoint.address());
				assertThat(health.detail("config_version")).isNull();
				long connections = endpoint.connections();
				assertThat(Await.until(() -> endpoint.connections() >= connections + 3)).isTrue();
				assertThat(logs.messages(Level.WARN)).singleElement()
					.asString()
					.startsWith("memcached discovery endpoint " + endpoint.address() + " cannot be asked");

				endpoint.publish(servers.subList(0, 3));
				endpoint.available(true);
				assertThat(Await.until(() -> backend.health().healthy())).isTrue();
				assertThat(nodes(backend.health())).hasSize(3);
				backend.set("k", bytes("v"), null);
				assertThat(backend.get("k")).isEqualTo(bytes("v"));
				assertThat(logs.messages(Level.INFO))
					.contains("memcached discovery endpoint " + endpoint.address() + " answers again");

				endpoint.available(false);
				long down = endpoint.connections();
				assertThat(Await.until(() -> endpoint.connections() >= down + 3)).isTrue();
				assertThat(backend.get("k")).as("the nodes stay while the endpoint is down").isEqualTo(bytes("v"));
				assertThat(logs.messages(Level.WARN)).hasSize(2);
			}
		}
	}

	@Test
	void configuredServersServeUntilTheEndpointFirstAnswers() {
		try (ConfigEndpointServer endpoint = ConfigEndpointServer.start()) {
			endpoint.available(false);
			try (MemcachedBackend backend = MemcachedBackend
				.create(config(endpoint).servers(servers.get(0).address()).build())) {
				assertThat(nodes(backend.health())).containsOnlyKeys(servers.get(0).address());
				backend.set("configured", bytes("v"), null);
				assertThat(backend.get("configured")).isEqualTo(bytes("v"));
				endpoint.publish(servers.subList(0, 3));
				endpoint.available(true);
				assertThat(Await.until(() -> nodes(backend.health()).size() == 3)).isTrue();
				assertThat(backend.health().detail("config_version")).isEqualTo(1L);
			}
		}
	}

	/**
	 * The client puts the operations it had not sent to a removed node back on that node
	 * (it re-places only those never queued), then installs the new ring; the backend's
	 * locator then cancels them. An add queued for a node that leaves must fail, never
	 * run on a server that does not own its key, which would break add-if-absent.
	 */
	@Test
	void addQueuedForARemovedNodeFailsAsTransientAndRunsNowhere() throws Exception {
		int absent = ClosedPort.find();
		String live = servers.get(0).address();
		String gone = "127.0.0.1:" + absent;
		String key = KetamaOwners.owners(List.of(live, gone), Map.of(), "", keys("lease"))
			.entrySet()
			.stream()
			.filter((entry) -> entry.getValue().equals(gone))
			.findFirst()
			.orElseThrow()
			.getKey();
		try (ConfigEndpointServer endpoint = ConfigEndpointServer.start();
				RawMemcached raw = RawMemcached.connect(live)) {
			endpoint.publishPorts(1, servers.get(0).port(), absent);
			// RETRY queues an operation for a node that is down on that node, where it
			// waits.
			try (MemcachedBackend backend = MemcachedBackend.create(config(endpoint).failureMode(FailureMode.RETRY)
				.operationTimeout(Duration.ofSeconds(30))
				.connectTimeout(Duration.ofMillis(200))
				.build())) {
				AtomicReference<Object> outcome = new AtomicReference<>();
				Thread caller = new Thread(() -> {
					try {
						outcome.set(backend.addIfAbsent(key, bytes("lease"), null));
					}
					catch (Throwable ex) {
						outcome.set(ex);
					}
				}, "add-if-absent");
				caller.start();
				assertThat(Await.until(() -> caller.getState() == Thread.State.TIMED_WAITING))
					.as("the add waits for its answer")
					.isTrue();
				endpoint.publishPorts(2, servers.get(0).port());
				caller.join(Duration.ofSeconds(20).toMillis());
				assertThat(outcome.get()).as("the add's outcome").isInstanceOf(BackendException.class);
				BackendException failure = (BackendException) outcome.get();
				assertThat(failure.getErrorType()).isEqualTo(BackendErrorType.TRANSIENT);
				assertThat(failure).hasMessageContaining("cancelled");
				assertThat(raw.get(key)).as("the add ran on the remaining server").isNull();
			}
		}
	}

	private static MemcachedConfig.Builder config(ConfigEndpointServer endpoint) {
		return MemcachedConfig.builder()
			.discoveryEndpoint(endpoint.address())
			.discoveryInterval(INTERVAL)
			.connectTimeout(Duration.ofSeconds(2))
			.maxReconnectDelay(Duration.ofSeconds(1));
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> nodes(BackendHealth health) {
		Object nodes = health.detail("nodes");
		return (nodes != null) ? (Map<String, Object>) nodes : Map.of();
	}

	private static List<String> writeKeys(MemcachedBackend backend, String prefix) {
		List<String> keys = new ArrayList<>();
		for (int i = 0; i < KEYS; i++) {
			String key = prefix + "-" + i;
			backend.set(key, bytes(key), null);
			keys.add(key);
		}
		return keys;
	}

	private static List<String> names(List<ServerProcess> servers) {
		return servers.stream().map(ServerProcess::address).toList();
	}

	private static List<String> keys(String prefix) {
		List<String> keys = new ArrayList<>();
		for (int i = 0; i < KEYS; i++) {
			keys.add(prefix + "-" + i);
		}
		return keys;
	}

	private static List<String> missing(MemcachedBackend backend, String prefix) {
		List<String> missing = new ArrayList<>();
		for (int i = 0; i < KEYS; i++) {
			if (backend.get(prefix + "-" + i) == null) {
				missing.add(prefix + "-" + i);
			}
		}
		return missing;
	}

	/**
	 * Writes fresh keys through the backend until one is held by {@code server}, and
	 * returns when that write completed.
	 */
	private static long firstKeyServedBy(MemcachedBackend backend, ServerProcess server) {
		try (RawMemcached raw = RawMemcached.connect(server.address())) {
			long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
			for (int i = 0; System.nanoTime() < deadline; i++) {
				String key = "probe-" + i;
				backend.set(key, bytes(key), null);
				long written = System.nanoTime();
				if (raw.get(key) != null) {
					return written;
				}
			}
		}
		throw new AssertionError("no key reached " + server + " within 10 s");
	}

	private static List<String> held(ServerProcess server, List<String> keys) {
		try (RawMemcached raw = RawMemcached.connect(server.address())) {
			return keys.stream().filter((key) -> raw.get(key) != null).toList();
		}
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * Four threads reading and writing random keys until closed, keeping every exception.
	 */
	private static final class Load implements AutoCloseable {

		private final AtomicBoolean running = new AtomicBoolean(true);

		private final AtomicLong operations = new AtomicLong();

		private final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();

		private final List<Thread> threads = new ArrayList<>();

		Load(MemcachedBackend backend) {
			for (int t = 0; t < 4; t++) {
				Thread thread = new Thread(() -> {
					while (this.running.get()) {
						String key = "load-" + ThreadLocalRandom.current().nextInt(10_000);
						try {
							if (ThreadLocalRandom.current().nextBoolean()) {
								backend.set(key, bytes(key), null);
							}
							else {
								byte[] value = backend.get(key);
								if (value != null && !key.equals(new String(value, StandardCharsets.UTF_8))) {
									this.errors.add(new AssertionError("wrong value for " + key));
								}
							}
							this.operations.incrementAndGet();
						}
						catch (Throwable ex) {
							this.errors.add(ex);
						}
					}
				}, "discovery-load-" + t);
				thread.start();
				this.threads.add(thread);
			}
		}

		void assertNoErrors() throws InterruptedException {
			close();
			System.out.printf("[figure] memcached discovery: operations by 4 threads across 3 -> 4 -> 3 nodes: %d, "
					+ "errors: %d%n", this.operations.get(), this.errors.size());
			assertThat(this.errors).isEmpty();
			assertThat(this.operations.get()).isPositive();
		}

		@Override
		public void close() throws InterruptedException {
			this.running.set(false);
			for (Thread thread : this.threads) {
				thread.join();
			}
		}

	}

}
