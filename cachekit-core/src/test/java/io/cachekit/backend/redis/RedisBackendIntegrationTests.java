package io.cachekit.backend.redis;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.cachekit.backend.AddIfAbsent;
import io.cachekit.backend.Backend;
import io.cachekit.backend.BackendContract;
import io.cachekit.backend.BackendErrorType;
import io.cachekit.backend.BackendException;
import io.cachekit.backend.BackendHealth;
import io.cachekit.backend.Broadcast;
import io.cachekit.backend.BulkGet;
import io.cachekit.backend.Increment;
import io.cachekit.backend.KeyPrefixContract;
import io.cachekit.backend.ValueSizeLimitContract;
import io.cachekit.backend.RemainingTtl;
import io.cachekit.backend.TtlInspection;
import io.cachekit.test.ClosedPort;
import io.cachekit.test.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link RedisBackend} against a real redis-server: the backend contract, and what is
 * particular to Redis (prefixes, millisecond TTLs, value size, health, owned and given
 * connection factories).
 */
class RedisBackendIntegrationTests extends BackendContract implements KeyPrefixContract, ValueSizeLimitContract {

	@RegisterExtension
	static final TestServer redis = TestServer.redis();

	@Override
	protected Backend createBackend() {
		return RedisBackend.create(config().build());
	}

	@Override
	protected String expectedBackendType() {
		return "redis";
	}

	@Override
	protected Set<Class<?>> expectedCapabilities() {
		return Set.of(AddIfAbsent.class, BulkGet.class, Broadcast.class, Increment.class, TtlInspection.class);
	}

	@Override
	protected int largeValueSize() {
		return 4 * 1024 * 1024;
	}

	@Override
	public Backend backendWithKeyPrefix(String prefix) {
		return RedisBackend.create(config().keyPrefix(prefix).build());
	}

	@Override
	public Backend backendWithMaxValueSize(int bytes) {
		return RedisBackend.create(config().maxValueSize(bytes).build());
	}

	private static RedisBackendConfig.Builder config() {
		return RedisBackendConfig.builder().url("redis://" + redis.address());
	}

	private TtlInspection ttls() {
		return backend().capability(TtlInspection.class).orElseThrow();
	}

	@Test
	void prefixWithSpacesAndNonAsciiCharactersIsUsedAsItIs() {
		try (RedisBackend prefixed = RedisBackend.create(config().keyPrefix("ключ app\n").build())) {
			prefixed.set(key("k"), bytes("one"), null);
			assertThat(backend().get("ключ app\n" + key("k"))).isEqualTo(bytes("one"));
		}
	}

	@Test
	void keysWithUnpairedSurrogatesStayDistinctFromTheirReplacement() {
		backend().set(key("a\uD800"), bytes("surrogate"), null);
		backend().set(key("a?"), bytes("question mark"), null);
		backend().set(key("a\uDC00"), bytes("low surrogate"), null);
		assertThat(backend().get(key("a\uD800"))).isEqualTo(bytes("surrogate"));
		assertThat(backend().get(key("a?"))).isEqualTo(bytes("question mark"));
		assertThat(backend().get(key("a\uDC00"))).isEqualTo(bytes("low surrogate"));
	}

	@Test
	void threeHundredMillisecondTtlExpiresWithinASecond() throws InterruptedException {
		backend().set(key("k"), bytes("v"), Duration.ofMillis(300));
		assertThat(backend().get(key("k"))).isEqualTo(bytes("v"));
		Thread.sleep(600);
		assertThat(backend().get(key("k"))).isNull();
	}

	@Test
	void remainingTtlReportsTheMillisecondsSet() {
		backend().set(key("k"), bytes("v"), Duration.ofMillis(1500));
		RemainingTtl remaining = ttls().remainingTtl(key("k"));
		// At most what was set: a TTL rounded up to whole seconds would report more.
		assertThat(remaining.remaining()).hasValueSatisfying(
				(ttl) -> assertThat(ttl).isGreaterThan(Duration.ZERO).isLessThanOrEqualTo(Duration.ofMillis(1500)));
	}

	@Test
	void subMillisecondTtlRoundsUpToOneMillisecondInsteadOfNoExpiry() throws InterruptedException {
		backend().set(key("k"), bytes("v"), Duration.ofNanos(1));
		Thread.sleep(50);
		assertThat(backend().get(key("k"))).isNull();
		assertThat(ttls().remainingTtl(key("k"))).isEqualTo(RemainingTtl.missing());
	}

	@Test
	void setWithoutTtlClearsAnEarlierTtl() {
		backend().set(key("k"), bytes("first"), Duration.ofSeconds(30));
		assertThat(ttls().remainingTtl(key("k")).expires()).isTrue();
		backend().set(key("k"), bytes("second"), null);
		assertThat(ttls().remainingTtl(key("k"))).isEqualTo(RemainingTtl.noExpiry());
		backend().set(key("k"), bytes("third"), Duration.ofSeconds(30));
		backend().set(key("k"), bytes("fourth"), Duration.ZERO);
		assertThat(ttls().remainingTtl(key("k"))).isEqualTo(RemainingTtl.noExpiry());
	}

	@Test
	void addIfAbsentAppliesItsTtl() {
		AddIfAbsent add = backend().capability(AddIfAbsent.class).orElseThrow();
		assertThat(add.addIfAbsent(key("k"), bytes("v"), Duration.ofSeconds(20))).isTrue();
		assertThat(ttls().remainingTtl(key("k")).remaining()).hasValueSatisfying(
				(ttl) -> assertThat(ttl).isGreaterThan(Duration.ZERO).isLessThanOrEqualTo(Duration.ofSeconds(20)));
	}

	@Test
	void incrementAppliesItsTtlOnlyWhenItCreatesTheCounter() {
		Increment counter = backend().capability(Increment.class).orElseThrow();
		assertThat(counter.increment(key("n"), 1, 10, Duration.ofSeconds(20))).isEqualTo(10);
		assertThat(ttls().remainingTtl(key("n")).remaining()).hasValueSatisfying(
				(ttl) -> assertThat(ttl).isGreaterThan(Duration.ZERO).isLessThanOrEqualTo(Duration.ofSeconds(20)));
		assertThat(counter.increment(key("n"), 1, 10, Duration.ofSeconds(100))).isEqualTo(11);
		assertThat(ttls().remainingTtl(key("n")).remaining())
			.hasValueSatisfying((ttl) -> assertThat(ttl).isLessThanOrEqualTo(Duration.ofSeconds(20)));
		assertThat(counter.increment(key("forever"), 0, 5, null)).isEqualTo(5);
		assertThat(ttls().remainingTtl(key("forever"))).isEqualTo(RemainingTtl.noExpiry());
	}

	@Test
	void incrementKeepsEveryLongExact() {
		Increment counter = backend().capability(Increment.class).orElseThrow();
		long large = (1L << 53) + 1;
		assertThat(counter.increment(key("n"), 1, large, null)).isEqualTo(large);
		assertThat(counter.increment(key("n"), 1, 0, null)).isEqualTo(large + 1);
		assertThat(backend().get(key("n"))).isEqualTo(bytes(Long.toString(large + 1)));
	}

	@Test
	void incrementPastLongMaxValueFailsAsPermanent() {
		Increment counter = backend().capability(Increment.class).orElseThrow();
		counter.increment(key("n"), 0, Long.MAX_VALUE, null);
		assertThatExceptionOfType(BackendException.class).isThrownBy(() -> counter.increment(key("n"), 1, 0, null))
			.satisfies((ex) -> assertThat(ex.getErrorType()).isEqualTo(BackendErrorType.PERMANENT));
	}

	@Test
	void incrementWorksAfterTheServerForgotItsScripts() {
		Increment counter = backend().capability(Increment.class).orElseThrow();
		assertThat(counter.increment(key("n"), 1, 1, null)).isEqualTo(1);
		LettuceConnectionFactory factory = givenFactory();
		try (RedisConnection connection = factory.getConnection()) {
			connection.scriptingCommands().scriptFlush();
		}
		finally {
			factory.destroy();
		}
		assertThat(counter.increment(key("n"), 1, 1, null)).isEqualTo(2);
	}

	@Test
	void getOnAValueOfAnotherTypeFailsAsPermanent() {
		LettuceConnectionFactory factory = givenFactory();
		try (RedisConnection connection = factory.getConnection()) {
			connection.listCommands().lPush(bytes(key("list")), bytes("element"));
		}
		finally {
			factory.destroy();
		}
		assertThatExceptionOfType(BackendException.class).isThrownBy(() -> backend().get(key("list")))
			.satisfies((ex) -> assertThat(ex.getErrorType()).isEqualTo(BackendErrorType.PERMANENT))
			.withMessageContaining("WRONGTYPE");
	}

	@Test
	void getAllKeepsEmptyValuesAndReadsDuplicatesOnce() {
		BulkGet bulk = backend().capability(BulkGet.class).orElseThrow();
		backend().set(key("empty"), new byte[0], null);
		backend().set(key("a"), bytes("A"), null);
		Map<String, byte[]> found = bulk.getAll(List.of(key("a"), key("empty"), key("a"), key("missing")));
		assertThat(found).containsOnlyKeys(key("a"), key("empty"));
		assertThat(found.get(key("empty"))).isEmpty();
	}

	@Test
	void healthReportsTheServerAndDatabaseWithoutThePassword() {
		try (RedisBackend backend = RedisBackend
			.create(config().url("redis://:not-needed@" + redis.address() + "/3").build())) {
			BackendHealth health = backend.health();
			assertThat(health.details()).containsEntry("server", redis.address()).containsEntry("database", 3);
			assertThat(health.toString()).doesNotContain("not-needed");
			assertThat(backend.toString()).doesNotContain("not-needed");
			assertThat(backend.config().toString()).doesNotContain("not-needed");
		}
	}

	@Test
	void healthOfLiveServerHasLatencyAndServerDetails() {
		BackendHealth health = backend().health();
		assertThat(health.healthy()).isTrue();
		assertThat(health.details()).containsEntry("server", redis.address())
			.containsEntry("database", 0)
			.containsEntry("ssl", false);
	}

	@Test
	void databaseInTheUrlSeparatesKeys() {
		try (RedisBackend other = RedisBackend.create(config().url("redis://" + redis.address() + "/5").build())) {
			other.set(key("k"), bytes("in 5"), null);
			assertThat(backend().get(key("k"))).isNull();
			assertThat(other.get(key("k"))).isEqualTo(bytes("in 5"));
		}
	}

	@Test
	void healthOnAClosedPortIsUnhealthyWithTheRefusal() {
		RedisBackendConfig closedPort = RedisBackendConfig.builder()
			.url("redis://127.0.0.1:" + ClosedPort.find())
			.connectTimeout(Duration.ofMillis(500))
			.build();
		try (RedisBackend unreachable = RedisBackend.create(closedPort)) {
			BackendHealth health = unreachable.health();
			// A refusal, not a timeout: the check answered as soon as
			// the connection failed.
			assertThat(health.healthy()).isFalse();
			assertThat(health.backendType()).isEqualTo("redis");
			assertThat(String.valueOf(health.detail("error"))).contains("TRANSIENT").contains("refused");
		}
	}

	@Test
	void operationsOnAClosedPortFailAsTransient() {
		RedisBackendConfig closedPort = RedisBackendConfig.builder()
			.url("redis://127.0.0.1:" + ClosedPort.find())
			.connectTimeout(Duration.ofMillis(500))
			.build();
		try (RedisBackend unreachable = RedisBackend.create(closedPort)) {
			assertThatExceptionOfType(BackendException.class).isThrownBy(() -> unreachable.get("k"))
				.satisfies((ex) -> assertThat(ex.getErrorType()).isEqualTo(BackendErrorType.TRANSIENT));
			assertThatExceptionOfType(BackendException.class).isThrownBy(() -> unreachable.increment("n", 1, 0, null))
				.satisfies((ex) -> assertThat(ex.getErrorType()).isEqualTo(BackendErrorType.TRANSIENT));
		}
	}

	@Test
	void backendOverAGivenFactoryUsesItAndLeavesItOpen() {
		LettuceConnectionFactory factory = givenFactory();
		try {
			RedisBackend given = RedisBackend.create(factory, RedisBackendConfig.builder().keyPrefix("given:").build());
			given.set(key("k"), bytes("v"), null);
			assertThat(backend().get("given:" + key("k"))).isEqualTo(bytes("v"));
			assertThat(given.health().details()).containsEntry("server", redis.address());
			given.close();
			assertThat(factory.isRunning()).isTrue();
			try (RedisConnection connection = factory.getConnection()) {
				assertThat(connection.ping()).isEqualTo("PONG");
			}
		}
		finally {
			factory.destroy();
		}
	}

	@Test
	void closeOfAnOwnedFactoryStopsItsLettuceThreads() throws InterruptedException {
		Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
		RedisBackend owned = RedisBackend.create(config().build());
		owned.set(key("k"), bytes("v"), null);
		Set<Thread> started = new HashSet<>(Thread.getAllStackTraces().keySet());
		started.removeAll(before);
		assertThat(started).extracting(Thread::getName).anyMatch((name) -> name.startsWith("lettuce-"));
		owned.close();
		for (Thread thread : started) {
			thread.join(5000);
		}
		assertThat(started).filteredOn(Thread::isAlive).extracting(Thread::getName).isEmpty();
	}

	@Test
	void operationsAfterCloseFailAsPermanent() {
		RedisBackend closed = RedisBackend.create(config().build());
		closed.close();
		assertThatExceptionOfType(BackendException.class).isThrownBy(() -> closed.get("k"))
			.satisfies((ex) -> assertThat(ex.getErrorType()).isEqualTo(BackendErrorType.PERMANENT))
			.withMessageContaining("closed");
		assertThat(closed.health().healthy()).isFalse();
	}

	@Test
	void givenFactoryWithAUrlInTheConfigIsRefused() {
		LettuceConnectionFactory factory = givenFactory();
		try {
			assertThatExceptionOfType(IllegalArgumentException.class)
				.isThrownBy(() -> RedisBackend.create(factory, config().build()))
				.withMessageContaining("url");
		}
		finally {
			factory.destroy();
		}
	}

	private static LettuceConnectionFactory givenFactory() {
		String[] hostPort = redis.address().split(":", -1);
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(hostPort[0], Integer.parseInt(hostPort[1])));
		factory.afterPropertiesSet();
		return factory;
	}

}
