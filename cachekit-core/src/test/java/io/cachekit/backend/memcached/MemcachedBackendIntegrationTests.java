package io.cachekit.backend.memcached;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import io.cachekit.backend.AddIfAbsent;
import io.cachekit.backend.Backend;
import io.cachekit.backend.BackendContract;
import io.cachekit.backend.BackendErrorType;
import io.cachekit.backend.BackendException;
import io.cachekit.backend.BackendHealth;
import io.cachekit.backend.BulkGet;
import io.cachekit.backend.Increment;
import io.cachekit.backend.KeyPrefixContract;
import io.cachekit.backend.ValueSizeLimitContract;
import io.cachekit.test.ClosedPort;
import io.cachekit.test.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link MemcachedBackend} against a real memcached: the backend contract, and what is
 * particular to memcached (prefixes, item size, health, threads).
 */
class MemcachedBackendIntegrationTests extends BackendContract implements KeyPrefixContract, ValueSizeLimitContract {

	@RegisterExtension
	static final TestServer memcached = TestServer.memcached();

	@Override
	protected Backend createBackend() {
		return MemcachedBackend.create(config().build());
	}

	@Override
	protected String expectedBackendType() {
		return "memcached";
	}

	@Override
	protected Set<Class<?>> expectedCapabilities() {
		return Set.of(AddIfAbsent.class, BulkGet.class, Increment.class);
	}

	@Override
	public Backend backendWithKeyPrefix(String prefix) {
		return MemcachedBackend.create(config().keyPrefix(prefix).build());
	}

	@Override
	public Backend backendWithMaxValueSize(int bytes) {
		return MemcachedBackend.create(config().maxItemSize(bytes).build());
	}

	private static MemcachedConfig.Builder config() {
		return MemcachedConfig.builder().servers(memcached.address());
	}

	@Test
	void healthProbeUsesThePrefix() {
		String prefix = key("p:");
		try (MemcachedBackend prefixed = MemcachedBackend.create(config().keyPrefix(prefix).build())) {
			assertThat(prefixed.health().healthy()).isTrue();
			assertThat(backend().exists(prefix + MemcachedBackend.HEALTH_KEY)).isTrue();
			assertThat(backend().exists(MemcachedBackend.HEALTH_KEY + prefix)).isFalse();
		}
	}

	@Test
	void valueTheServerRefusesAsTooLargeFailsAsPermanent() {
		try (MemcachedBackend generous = MemcachedBackend.create(config().maxItemSize(4 * 1024 * 1024).build())) {
			assertThatExceptionOfType(BackendException.class)
				.isThrownBy(() -> generous.set(key("huge"), new byte[2 * 1024 * 1024], null))
				.satisfies((ex) -> assertThat(ex.getErrorType()).isEqualTo(BackendErrorType.PERMANENT));
		}
	}

	@Test
	void healthReportsEveryServerUpAndThePoolSize() {
		BackendHealth health = backend().health();
		assertThat(health.details()).containsEntry("servers", Map.of(memcached.address(), "up"));
		assertThat(health.details()).containsEntry("pool_size", MemcachedConfig.DEFAULT_MAX_POOL_SIZE);
	}

	@Test
	void healthOnAClosedPortIsUnhealthyWithTheError() {
		MemcachedConfig closedPort = MemcachedConfig.builder()
			.servers("127.0.0.1:" + ClosedPort.find())
			.connectTimeout(Duration.ofMillis(200))
			.build();
		try (MemcachedBackend unreachable = MemcachedBackend.create(closedPort)) {
			BackendHealth health = unreachable.health();
			assertThat(health.healthy()).isFalse();
			assertThat(health.backendType()).isEqualTo("memcached");
			assertThat(String.valueOf(health.detail("error"))).contains("no memcached server is connected");
			assertThat(health.details()).containsEntry("servers",
					Map.of(closedPort.servers().get(0).toString(), "down"));
		}
	}

	@Test
	void operationsOnAClosedPortFailAsTransient() {
		MemcachedConfig closedPort = MemcachedConfig.builder()
			.servers("127.0.0.1:" + ClosedPort.find())
			.connectTimeout(Duration.ofMillis(200))
			.build();
		try (MemcachedBackend unreachable = MemcachedBackend.create(closedPort)) {
			assertThatExceptionOfType(BackendException.class).isThrownBy(() -> unreachable.get("k"))
				.satisfies((ex) -> assertThat(ex.getErrorType()).isEqualTo(BackendErrorType.TRANSIENT));
		}
	}

	@Test
	void poolOfSeveralClientsSharesOneKeySpace() {
		try (MemcachedBackend pooled = MemcachedBackend.create(config().maxPoolSize(4).build())) {
			for (int i = 0; i < 40; i++) {
				pooled.set(key("k" + i), bytes("v" + i), null);
			}
			for (int i = 0; i < 40; i++) {
				assertThat(pooled.get(key("k" + i))).isEqualTo(bytes("v" + i));
				assertThat(backend().get(key("k" + i))).isEqualTo(bytes("v" + i));
			}
			assertThat(pooled.health().details()).containsEntry("pool_size", 4);
		}
	}

	@Test
	void closeStopsEveryClientThread() throws InterruptedException {
		Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
		MemcachedBackend pooled = MemcachedBackend.create(config().maxPoolSize(3).build());
		pooled.set(key("k"), bytes("v"), null);
		Set<Thread> started = new HashSet<>(Thread.getAllStackTraces().keySet());
		started.removeAll(before);
		assertThat(started).extracting(Thread::getName)
			.filteredOn((name) -> name.startsWith("Memcached IO"))
			.hasSize(3);
		pooled.close();
		for (Thread thread : started) {
			thread.join(5000);
		}
		assertThat(started).filteredOn(Thread::isAlive).extracting(Thread::getName).isEmpty();
	}

	@Test
	void operationsAfterCloseFailAsPermanent() {
		MemcachedBackend closed = MemcachedBackend.create(config().build());
		closed.close();
		assertThatExceptionOfType(BackendException.class).isThrownBy(() -> closed.get("k"))
			.satisfies((ex) -> assertThat(ex.getErrorType()).isEqualTo(BackendErrorType.PERMANENT))
			.withMessageContaining("closed");
	}

}
