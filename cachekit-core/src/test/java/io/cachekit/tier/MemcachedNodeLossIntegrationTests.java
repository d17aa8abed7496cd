package io.cachekit.tier;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.cachekit.backend.memcached.MemcachedBackend;
import io.cachekit.backend.memcached.MemcachedConfig;
import io.cachekit.codec.MessagePackCodec;
import io.cachekit.test.Await;
import io.cachekit.test.ServerKind;
import io.cachekit.test.ServerProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@link TieredCache} over three memcached servers, one of which is stopped under the
 * load of 8 threads, with every default setting: the keys of the stopped server go to the
 * live ones, and no call waits for the dead one.
 */
class MemcachedNodeLossIntegrationTests {

	private static final int KEYS = 2000;

	private final List<ServerProcess> servers = new ArrayList<>();

	private MemcachedBackend backend;

	@BeforeEach
	void startThreeServers() {
		for (int i = 0; i < 3; i++) {
			this.servers.add(ServerProcess.start(ServerKind.MEMCACHED));
		}
		this.backend = MemcachedBackend.create(
				MemcachedConfig.builder().servers(this.servers.stream().map(ServerProcess::address).toList()).build());
	}

	@AfterEach
	void stopServers() {
		this.backend.close();
		this.servers.forEach(ServerProcess::close);
	}

	@SuppressWarnings("unchecked")
	private boolean isDown(ServerProcess server) {
		Map<String, Object> states = (Map<String, Object>) this.backend.health().details().get("servers");
		return states != null && "down".equals(states.get(server.address()));
	}

	@Test
	void oneOfThreeServersStoppedCostsNoCallMoreThanTheOperationTimeout() throws Exception {
		TieredCache cache = TieredCache.builder("node-loss-" + UUID.randomUUID())
			.backend(this.backend)
			.codec(MessagePackCodec.withDefaults())
			.configure((c) -> c.withL1Enabled(false))
			.build();
		try (CacheLoad load = CacheLoad.start(cache, 8, (i) -> "key-" + i, KEYS)) {
			load.measureFromNow();
			while (load.calls() < 4 * KEYS) {
				Thread.sleep(50);
			}
			load.measureFromNow();
			this.servers.get(1).stop();
			long callsAtStop = load.calls();
			Thread.sleep(2000);
			load.endWindow();
			long longest = load.longestCallMillis();
			long bound = MemcachedConfig.DEFAULT_OPERATION_TIMEOUT.toMillis() + 500;
			System.out.println("[figure] one of three memcached servers stopped -> longest cache call over "
					+ (load.calls() - callsAtStop) + " calls in 2 s: " + longest + " ms (bound " + bound + " ms)");
			assertThat(longest).as("calls under way as the server went away included").isLessThanOrEqualTo(bound);
			// Once the clients know the server is down, no call waits for it: its keys go
			// to the live servers. (A call placed on the server's connection just as it
			// went
			// away can still have timed out above, once.)
			assertThat(Await.until(() -> isDown(this.servers.get(1)))).isTrue();
			load.measureFromNow();
			long callsWhileDown = load.calls();
			Thread.sleep(1500);
			load.endWindow();
			long longestWhileDown = load.longestCallMillis();
			System.out.println("[figure] one of three memcached servers known down -> longest cache call over "
					+ (load.calls() - callsWhileDown) + " calls in 1.5 s: " + longestWhileDown + " ms");
			assertThat(longestWhileDown).as("no call waited for the stopped server")
				.isLessThan(MemcachedConfig.DEFAULT_OPERATION_TIMEOUT.toMillis());
			assertThat(load.firstHitMillis()).as("keys are served again after the loss").isGreaterThanOrEqualTo(0);
		}
	}

}
