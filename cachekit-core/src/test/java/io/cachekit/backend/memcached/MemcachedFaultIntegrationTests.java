package io.cachekit.backend.memcached;

import java.time.Duration;
import java.util.Map;

import ch.qos.logback.classic.Level;
import io.cachekit.backend.Backend;
import io.cachekit.backend.BackendFaultContract;
import io.cachekit.backend.CapturedLogs;
import io.cachekit.test.Await;
import io.cachekit.test.ServerKind;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link MemcachedBackend} while its one server is stopped, restarted or paused.
 */
class MemcachedFaultIntegrationTests extends BackendFaultContract {

	@Override
	protected ServerKind serverKind() {
		return ServerKind.MEMCACHED;
	}

	@Override
	protected Backend createBackend(String address, Duration timeout, int retryAttempts) {
		return MemcachedBackend.create(config(address).operationTimeout(timeout).retryAttempts(retryAttempts).build());
	}

	private static MemcachedConfig.Builder config(String address) {
		return MemcachedConfig.builder().servers(address).maxReconnectDelay(Duration.ofSeconds(1));
	}

	@Test
	void stoppedServerIsReportedDownInTheHealthDetails() {
		try (MemcachedBackend backend = MemcachedBackend.create(config(server().address()).build())) {
			server().stop();
			assertThat(backend.health().details()).containsEntry("servers", Map.of(server().address(), "down"));
		}
	}

	/**
	 * spymemcached tries to reconnect every {@code maxReconnectDelay} (here one second)
	 * and used to log each failed attempt with a stack trace; now a server going down and
	 * coming back is one WARN and one INFO, and spymemcached's own messages are DEBUG.
	 */
	@Test
	void serverDownAndBackIsLoggedOnceEachAndSpymemcachedOnlyAtDebug() {
		String address = server().address();
		try (CapturedLogs spymemcached = CapturedLogs.of("net.spy.memcached");
				CapturedLogs cachekit = CapturedLogs.of(MemcachedBackend.class.getName());
				MemcachedBackend backend = MemcachedBackend.create(config(address).build())) {
			server().stop();
			// An idle connection is not watched: the next operation finds it closed.
			assertThat(Await.until(() -> !backend.health().healthy())).isTrue();
			assertThat(Await.until(() -> reconnectsQueued(spymemcached) >= 3)).as("two failed reconnect attempts")
				.isTrue();
			server().restart();
			assertThat(Await.until(() -> !cachekit.messages(Level.INFO).isEmpty())).as("logged back").isTrue();
			assertThat(Await.until(() -> backend.health().healthy())).isTrue();
			assertThat(cachekit.messages(Level.WARN)).singleElement()
				.asString()
				.startsWith("lost the connection to memcached server " + address + ";");
			assertThat(cachekit.messages(Level.INFO))
				.containsExactly("memcached server " + address + " is reachable again");
			assertThat(spymemcached.events()).isNotEmpty()
				.allSatisfy((event) -> assertThat(event.getLevel().isGreaterOrEqual(Level.INFO))
					.as("%s %s", event.getLevel(), event.getFormattedMessage())
					.isFalse());
			assertThat(cachekit.stackTracesAboveDebug()).isEmpty();
		}
	}

	/**
	 * Counts the reconnects spymemcached queued: one when the connection was lost, one
	 * after each failed attempt.
	 */
	private static long reconnectsQueued(CapturedLogs spymemcached) {
		return spymemcached.events()
			.stream()
			.filter((event) -> event.getFormattedMessage().startsWith("Closing, and reopening"))
			.count();
	}

}
