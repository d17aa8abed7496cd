package io.cachekit.backend.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.cachekit.backend.BackendErrorType;
import io.cachekit.backend.BackendException;
import io.cachekit.test.RawRedis;
import io.cachekit.test.RedisCluster;
import io.cachekit.test.ServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Redis Cluster master killed under load, with 8 threads of get, set and increment on
 * 1,000 keys: no call waits longer than cachekit's command timeout + 0.5 s (1,000 ms, the
 * README's bound for a server that does not answer), every failure is {@code TRANSIENT}
 * or {@code TIMEOUT}, and hits on the killed master's slots come back within 10 s of the
 * replica's promotion, without a restart.
 *
 * <p>
 * Once over an application's {@code LettuceConnectionFactory} at its defaults (Lettuce's
 * 60 s command timeout, no topology refresh), once over cachekit's own cluster
 * connection. Both cases share one cluster: each kills a different master, whose replica
 * then serves its slots.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisClusterFailoverIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofMillis(500);

	/**
	 * The README's bound of a call to a server that does not answer: the timeout + 0.5 s.
	 */
	private static final long MAX_CALL_MILLIS = TIMEOUT.toMillis() + 500;

	private static final Duration RECOVERY_BOUND = Duration.ofSeconds(10);

	private static final int THREADS = 8;

	private static final int KEYS = 1000;

	private static RedisCluster cluster;

	@BeforeAll
	static void startCluster() {
		cluster = RedisCluster.start(3, 1);
	}

	@AfterAll
	static void stopCluster() {
		if (cluster != null) {
			cluster.close();
		}
	}

	@Test
	@Order(1)
	void applicationFactoryAtDefaultsIsBoundedAndFollowsThePromotion() throws Exception {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisClusterConfiguration(cluster.seedAddresses()));
		factory.afterPropertiesSet();
		try (RedisBackend backend = RedisBackend.create(factory,
				RedisBackendConfig.builder().commandTimeout(TIMEOUT).keyPrefix("shared:").build())) {
			failoverUnderLoad("application factory at defaults", backend, "shared:", 0);
		}
		finally {
			factory.destroy();
		}
	}

	@Test
	@Order(2)
	void ownedClusterConnectionIsBoundedAndFollowsThePromotion() throws Exception {
		try (RedisBackend backend = RedisBackend.create(RedisBackendConfig.builder()
			.cluster(cluster.seedAddresses())
			.commandTimeout(TIMEOUT)
			.connectTimeout(Duration.ofMillis(500))
			.keyPrefix("owned:")
			.build())) {
			failoverUnderLoad("owned cluster connection", backend, "owned:", 1);
		}
	}

	/**
	 * Fills 1,000 keys, runs the load, kills the master (of those that still have a
	 * replica) that serves the probe key, and measures until a read of the probe key hits
	 * again.
	 */
	private void failoverUnderLoad(String label, RedisBackend backend, String prefix, int attempt)
			throws InterruptedException {
		for (int i = 0; i < KEYS; i++) {
			backend.set("key-" + i, bytes("value-" + i), null);
		}
		String probe = probeKey(prefix, attempt);
		backend.set(probe, bytes("probe"), null);
		ServerProcess master = cluster.masterForKey(bytes(prefix + probe));
		ServerProcess replica = cluster.replicaOf(master);
		awaitReplicated(replica, prefix + probe);

		AtomicLong longestCall = new AtomicLong();
		AtomicLong calls = new AtomicLong();
		Map<BackendErrorType, AtomicLong> failures = new ConcurrentHashMap<>();
		AtomicReference<Throwable> unexpected = new AtomicReference<>();
		Map<BackendErrorType, BackendException> examples = new ConcurrentHashMap<>();
		CountDownLatch stop = new CountDownLatch(1);
		List<Thread> threads = new ArrayList<>();
		for (int t = 0; t < THREADS; t++) {
			Thread thread = new Thread(() -> {
				ThreadLocalRandom random = ThreadLocalRandom.current();
				while (stop.getCount() > 0) {
					int i = random.nextInt(KEYS);
					long start = System.nanoTime();
					try {
						switch (random.nextInt(3)) {
							case 0 -> backend.get("key-" + i);
							case 1 -> backend.set("key-" + i, bytes("value-" + i), null);
							default -> backend.increment("counter-" + i, 1, 1, null);
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
					calls.incrementAndGet();
				}
			}, "failover-load-" + t);
			thread.start();
			threads.add(thread);
		}
		try {
			Thread.sleep(300);
			Instant killed = cluster.kill(master);
			Instant promoted = cluster.awaitPromotion(replica);
			Instant hit = null;
			long deadline = System.nanoTime() + RECOVERY_BOUND.plusSeconds(10).toNanos();
			while (hit == null && System.nanoTime() < deadline) {
				long start = System.nanoTime();
				try {
					if (backend.get(probe) != null) {
						hit = Instant.now();
					}
				}
				catch (BackendException ex) {
					failures.computeIfAbsent(ex.getErrorType(), (type) -> new AtomicLong()).incrementAndGet();
				}
				longestCall.accumulateAndGet(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), Math::max);
				if (hit == null) {
					Thread.sleep(20);
				}
			}
			// Some more load on the new topology.
			Thread.sleep(300);
			stop.countDown();
			for (Thread thread : threads) {
				thread.join(5_000);
			}
			System.out.println("[figure] Redis Cluster failover (" + label + "): replica promoted "
					+ Duration.between(killed, promoted).toMillis() + " ms after the master's SIGKILL");
			System.out.println("[figure] Redis Cluster failover (" + label + "), 8 threads, cachekit timeout "
					+ TIMEOUT.toMillis() + " ms: longest call " + longestCall.get() + " ms (bound " + MAX_CALL_MILLIS
					+ " ms), " + calls.get() + " calls, failures " + failures);
			assertThat(hit).as("a hit on the killed master's slots within %s of the promotion", RECOVERY_BOUND)
				.isNotNull();
			long recovery = Duration.between(promoted, hit).toMillis();
			System.out.println("[figure] Redis Cluster failover (" + label
					+ "): first hit on the killed master's slots " + recovery + " ms after the replica's promotion "
					+ "(bound " + RECOVERY_BOUND.toMillis() + " ms)");
			assertThat(unexpected.get()).as("only BackendExceptions reach callers").isNull();
			assertThat(failures.keySet()).as("failure types; examples %s", examples)
				.isSubsetOf(BackendErrorType.TRANSIENT, BackendErrorType.TIMEOUT);
			assertThat(longestCall.get()).isLessThanOrEqualTo(MAX_CALL_MILLIS);
			assertThat(recovery).isLessThanOrEqualTo(RECOVERY_BOUND.toMillis());
			assertThat(backend.get("key-1")).isNotNull();
		}
		finally {
			stop.countDown();
			for (Thread thread : threads) {
				thread.join(5_000);
			}
		}
	}

	/**
	 * A key whose master is the {@code attempt}-th of the masters that still have a
	 * replica, so that each case kills another master.
	 */
	private static String probeKey(String prefix, int attempt) {
		List<ServerProcess> masters = cluster.masters();
		List<Integer> withReplica = new ArrayList<>();
		for (ServerProcess master : masters) {
			try {
				cluster.replicaOf(master);
				withReplica.add(master.port());
			}
			catch (IllegalStateException ex) {
				// A master promoted by the previous case has no replica.
			}
		}
		int wanted = withReplica.get(Math.min(attempt, withReplica.size() - 1));
		for (int i = 0;; i++) {
			String key = "probe-" + i;
			if (cluster.masterForKey(bytes(prefix + key)).port() == wanted) {
				return key;
			}
		}
	}

	private static void awaitReplicated(ServerProcess replica, String key) throws InterruptedException {
		try (RawRedis redis = RawRedis.connect(replica.address())) {
			redis.call("READONLY");
			for (int i = 0; i < 100 && redis.get(bytes(key)) == null; i++) {
				Thread.sleep(20);
			}
			assertThat(redis.get(bytes(key))).as("the probe key on the replica").isNotNull();
		}
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
