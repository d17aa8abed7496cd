package io.cachekit.backend.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import io.cachekit.backend.AddIfAbsent;
import io.cachekit.backend.Backend;
import io.cachekit.backend.BackendContract;
import io.cachekit.backend.BackendErrorType;
import io.cachekit.backend.BackendException;
import io.cachekit.backend.BackendHealth;
import io.cachekit.backend.Broadcast;
import io.cachekit.backend.BulkGet;
import io.cachekit.backend.Increment;
import io.cachekit.backend.TtlInspection;
import io.cachekit.test.RawRedis;
import io.cachekit.test.RedisSentinels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link RedisBackend} through Redis Sentinel (a master, a replica and three sentinels on
 * loopback): the backend contract over cachekit's own sentinel connection, and, under
 * load, a requested failover and then a crashed master: writes land on the new master
 * within 5 s and no call waits longer than the command timeout + 0.5 s (1,000 ms, the
 * README's bound for a server that does not answer).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisSentinelBackendIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofMillis(500);

	/**
	 * The README's bound of a call to a server that does not answer: the timeout + 0.5 s.
	 */
	private static final long MAX_CALL_MILLIS = TIMEOUT.toMillis() + 500;

	private static final Duration FOLLOW_BOUND = Duration.ofSeconds(5);

	private static RedisSentinels sentinels;

	@BeforeAll
	static void startSentinels() {
		sentinels = RedisSentinels.start();
	}

	@AfterAll
	static void stopSentinels() {
		if (sentinels != null) {
			sentinels.close();
		}
	}

	private static RedisBackendConfig.Builder owned() {
		return RedisBackendConfig.builder()
			.sentinel(RedisSentinels.MASTER_NAME, sentinels.sentinelAddresses())
			.commandTimeout(TIMEOUT)
			.connectTimeout(Duration.ofMillis(500));
	}

	@Nested
	class OwnedSentinelConnection extends BackendContract {

		@Override
		protected Backend createBackend() {
			return RedisBackend.create(owned().commandTimeout(Duration.ofSeconds(1)).build());
		}

		@Override
		protected String expectedBackendType() {
			return "redis";
		}

		@Override
		protected Set<Class<?>> expectedCapabilities() {
			return Set.of(AddIfAbsent.class, BulkGet.class, Broadcast.class, Increment.class, TtlInspection.class);
		}

	}

	@Test
	@Order(0)
	void healthNamesTheMasterItsReplicaAndTheSentinels() {
		try (RedisBackend backend = RedisBackend.create(owned().build())) {
			BackendHealth health = backend.health();
			assertThat(health.healthy()).isTrue();
			assertThat(health.details())
				.containsEntry("master", Map.of("address", sentinels.masterAddress(), "flags", "master", "name",
						RedisSentinels.MASTER_NAME))
				.containsEntry("sentinels", 3);
			assertThat(health.details().get("replicas")).asList().hasSize(1);
		}
	}

	@Test
	@Order(1)
	void aRequestedFailoverIsFollowed() throws InterruptedException {
		try (RedisBackend backend = RedisBackend.create(owned().keyPrefix("failover:").build())) {
			followsUnderLoad("SENTINEL FAILOVER", backend, () -> {
				sentinels.failover();
				return null;
			});
		}
	}

	@Test
	@Order(2)
	void aCrashedMasterIsFollowed() throws InterruptedException {
		try (RedisBackend backend = RedisBackend.create(owned().keyPrefix("crash:").build())) {
			followsUnderLoad("master killed", backend, () -> {
				sentinels.killMaster();
				return null;
			});
		}
	}

	@Test
	@Order(3)
	void aHealthCheckWithNoSentinelAnsweringTakesAtMostTwoTimeouts() {
		Duration timeout = Duration.ofSeconds(1);
		long bound = RedisBackend.HEALTH_TIMEOUTS * timeout.toMillis() + 500;
		try (RedisBackend backend = RedisBackend.create(owned().commandTimeout(timeout).build())) {
			assertThat(backend.health().healthy()).isTrue();
			sentinels.sentinels().forEach(io.cachekit.test.ServerProcess::pause);
			try {
				long start = System.nanoTime();
				BackendHealth health = backend.health();
				long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
				System.out.println(
						"[figure] Redis Sentinel health, 3 sentinels paused, cachekit timeout " + timeout.toMillis()
								+ " ms: the check took " + took + " ms (bound " + bound + " ms: two timeouts + 0.5 s)");
				assertThat(health.healthy()).as("the master answered").isTrue();
				assertThat(health.details()).containsKey("topology_error");
				assertThat(took).isLessThanOrEqualTo(bound);
			}
			finally {
				sentinels.sentinels().forEach(io.cachekit.test.ServerProcess::resume);
			}
		}
	}

	/**
	 * Runs the load, fails the master over, and measures from the moment every sentinel
	 * names the new master until a write lands on it. After a requested failover the old
	 * master stays up and would serve as a master until the sentinels demote it (about 10
	 * s later): the backend follows the sentinels' announcement instead.
	 */
	private void followsUnderLoad(String label, RedisBackend backend, Supplier<Void> fail) throws InterruptedException {
		for (int i = 0; i < 100; i++) {
			backend.set("key-" + i, bytes("value-" + i), null);
		}
		String oldMaster = sentinels.masterAddress();
		AtomicLong longestCall = new AtomicLong();
		Map<BackendErrorType, AtomicLong> failures = new ConcurrentHashMap<>();
		Map<BackendErrorType, BackendException> examples = new ConcurrentHashMap<>();
		AtomicReference<Throwable> unexpected = new AtomicReference<>();
		CountDownLatch stop = new CountDownLatch(1);
		List<Thread> threads = new ArrayList<>();
		for (int t = 0; t < 4; t++) {
			Thread thread = new Thread(() -> {
				ThreadLocalRandom random = ThreadLocalRandom.current();
				while (stop.getCount() > 0) {
					int i = random.nextInt(100);
					long start = System.nanoTime();
					try {
						if (random.nextBoolean()) {
							backend.get("key-" + i);
						}
						else {
							backend.set("key-" + i, bytes("value-" + i), null);
						}
					}
					catch (BackendException ex) {
						failures.computeIfAbsent(ex.getErrorType(), (type) -> new AtomicLong()).incrementAndGet();
						examples.putIfAbsent(ex.getErrorType(), ex);
					}
					catch (Throwable ex) {
						unexpected.compareAndSet(null, ex);
					}
					longestCall.accumulateAndGet(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), Math::max);
				}
			}, "sentinel-load-" + t);
			thread.start();
			threads.add(thread);
		}
		try {
			Instant failed = Instant.now();
			fail.get();
			String newMaster = awaitNewMaster(oldMaster);
			Instant switched = sentinels.awaitMaster(newMaster);
			Instant landed = null;
			long deadline = System.nanoTime() + FOLLOW_BOUND.plusSeconds(10).toNanos();
			try (RawRedis master = RawRedis.connect(newMaster)) {
				for (int i = 0; landed == null && System.nanoTime() < deadline; i++) {
					String key = "probe-" + i;
					try {
						backend.set(key, bytes("probe"), null);
						if (master.get(bytes(backend.config().keyPrefix() + key)) != null) {
							landed = Instant.now();
						}
					}
					catch (BackendException ex) {
						failures.computeIfAbsent(ex.getErrorType(), (type) -> new AtomicLong()).incrementAndGet();
					}
					if (landed == null) {
						Thread.sleep(20);
					}
				}
			}
			stop.countDown();
			for (Thread thread : threads) {
				thread.join(5_000);
			}
			assertThat(landed).as("a write on the new master %s", newMaster).isNotNull();
			System.out.println("[figure] Redis Sentinel (" + label + "), 4 threads, cachekit timeout "
					+ TIMEOUT.toMillis() + " ms: longest call " + longestCall.get() + " ms (bound " + MAX_CALL_MILLIS
					+ " ms), failures " + failures);
			System.out.println("[figure] Redis Sentinel (" + label + "): sentinels named the new master "
					+ Duration.between(failed, switched).toMillis() + " ms after the failure; first write on it "
					+ Duration.between(switched, landed).toMillis() + " ms after that, "
					+ Duration.between(failed, landed).toMillis() + " ms after the failure (bound "
					+ FOLLOW_BOUND.toMillis() + " ms after the sentinels' switch)");
			assertThat(unexpected.get()).as("only BackendExceptions reach callers").isNull();
			assertThat(failures.keySet()).as("failure types; examples %s", examples)
				.isSubsetOf(BackendErrorType.TRANSIENT, BackendErrorType.TIMEOUT);
			assertThat(longestCall.get()).isLessThanOrEqualTo(MAX_CALL_MILLIS);
			assertThat(Duration.between(switched, landed)).isLessThanOrEqualTo(FOLLOW_BOUND);
		}
		finally {
			stop.countDown();
			for (Thread thread : threads) {
				thread.join(5_000);
			}
		}
	}

	private static String awaitNewMaster(String oldMaster) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
		while (System.nanoTime() < deadline) {
			String now = sentinels.masterAddress();
			if (!now.equals(oldMaster)) {
				return now;
			}
			Thread.sleep(20);
		}
		throw new IllegalStateException("the sentinels still name " + oldMaster);
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
