package io.cachekit.backend.memcached;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import ch.qos.logback.classic.Level;
import io.cachekit.backend.CapturedLogs;
import io.cachekit.test.Await;
import io.cachekit.test.ClosedPort;
import io.cachekit.test.ConfigEndpointServer;
import net.spy.memcached.config.ClusterConfiguration;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ClusterDiscovery} against an in-process configuration endpoint, with a listener
 * in place of the backend.
 */
class ClusterDiscoveryTests {

	@Test
	void versionDoesNotWaitForAPollUnderWay() throws Exception {
		try (ConfigEndpointServer endpoint = ConfigEndpointServer.start()) {
			endpoint.publishPorts(7, 7001);
			CountDownLatch applying = new CountDownLatch(1);
			CountDownLatch release = new CountDownLatch(1);
			try (ClusterDiscovery discovery = discovery(endpoint, (configuration) -> {
				applying.countDown();
				awaitQuietly(release);
			})) {
				Thread poller = new Thread(discovery::poll, "poller");
				poller.start();
				applying.await();
				AtomicReference<Long> version = new AtomicReference<>(-1L);
				Thread health = new Thread(() -> version.set(discovery.version()), "health");
				health.start();
				// A version() that waited for the poll could not end before the release
				// below. A snapshot of the thread's state is no test: a thread starting
				// up
				// can be BLOCKED for a moment on a monitor of its own (class loading).
				boolean answered = Await.until(() -> health.getState() == Thread.State.TERMINATED);
				release.countDown();
				poller.join();
				health.join();
				assertThat(answered).as("health's thread answered while a poll applied a configuration").isTrue();
				assertThat(version.get()).as("no configuration applied yet").isNull();
				assertThat(discovery.version()).isEqualTo(7L);
			}
		}
	}

	@Test
	void anErrorWhileApplyingIsRecordedAndTheNextTurnTriesAgain() {
		try (ConfigEndpointServer endpoint = ConfigEndpointServer.start();
				CapturedLogs logs = CapturedLogs.of(MemcachedBackend.class.getName())) {
			endpoint.publishPorts(3, 7001);
			AtomicInteger calls = new AtomicInteger();
			try (ClusterDiscovery discovery = discovery(endpoint, (configuration) -> {
				if (calls.incrementAndGet() <= 3) {
					throw new NoClassDefFoundError("net/spy/memcached/Missing");
				}
			})) {
				discovery.start();
				assertThat(Await.until(() -> calls.get() >= 4)).as("the schedule goes on after an Error").isTrue();
				assertThat(Await.until(() -> discovery.version() != null)).isTrue();
				assertThat(discovery.version()).isEqualTo(3L);
				assertThat(discovery.failure()).isNull();
			}
			assertThat(logs.messages(Level.WARN)).singleElement()
				.asString()
				.startsWith("applying the memcached cluster configuration from " + endpoint.address()
						+ " failed: java.lang.NoClassDefFoundError: net/spy/memcached/Missing");
		}
	}

	@Test
	void anErrorWhileApplyingIsTheFailureUntilAConfigurationIsApplied() {
		try (ConfigEndpointServer endpoint = ConfigEndpointServer.start()) {
			endpoint.publishPorts(3, 7001);
			AtomicInteger calls = new AtomicInteger();
			try (ClusterDiscovery discovery = discovery(endpoint, (configuration) -> {
				calls.incrementAndGet();
				throw new StackOverflowError();
			})) {
				discovery.start();
				assertThat(Await.until(() -> calls.get() >= 2)).isTrue();
				assertThat(discovery.failure()).contains("java.lang.StackOverflowError");
				assertThat(discovery.version()).isNull();
			}
		}
	}

	@Test
	void closingTheBackendDuringItsFirstConnectLogsNoUnreachableServers() {
		try (ConfigEndpointServer endpoint = ConfigEndpointServer.start();
				CapturedLogs logs = CapturedLogs.of(MemcachedBackend.class.getName())) {
			endpoint.available(false);
			MemcachedBackend backend = MemcachedBackend.create(MemcachedConfig.builder()
				.discoveryEndpoint(endpoint.address())
				.discoveryInterval(Duration.ofMillis(100))
				.connectTimeout(Duration.ofSeconds(30))
				.build());
			endpoint.publishPorts(1, ClosedPort.find());
			endpoint.available(true);
			assertThat(Await.until(() -> isWaitingForConnections("cachekit-memcached-discovery")))
				.as("the discovery thread waits for the first connections")
				.isTrue();
			backend.close();
			assertThat(logs.messages(Level.WARN)).filteredOn((message) -> message.contains("not reachable")).isEmpty();
		}
	}

	private static boolean isWaitingForConnections(String threadName) {
		return Thread.getAllStackTraces()
			.entrySet()
			.stream()
			.filter((entry) -> entry.getKey().getName().equals(threadName))
			.flatMap((entry) -> Arrays.stream(entry.getValue()))
			.anyMatch((frame) -> frame.getMethodName().equals("awaitConnections"));
	}

	private static ClusterDiscovery discovery(ConfigEndpointServer endpoint, Consumer<ClusterConfiguration> listener) {
		return new ClusterDiscovery(
				new ClusterConfigClient(ServerAddress.parse(endpoint.address()), Duration.ofSeconds(1), null, null),
				Duration.ofMillis(50), listener);
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
