package io.cachekit.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import io.cachekit.spring.CachekitCacheManager;
import io.cachekit.test.RawRedis;
import io.cachekit.test.RedisCluster;
import io.cachekit.test.ServerProcess;
import io.cachekit.tier.CircuitBreaker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Redis Cluster master killed under load, seen through {@code @Cacheable}: 8 threads
 * call a cached method about a thousand times a second each, with L1 off (every call
 * reads L2), while the master that serves the cache's generation counter is killed with
 * {@code SIGKILL}. No exception reaches a caller, no call takes longer than
 * {@code cachekit.redis.timeout} (500 ms) plus 0.5 s (the README's bound for a server
 * that does not answer), and L2 hits on the killed master's slots resume within 10 s of
 * the replica's promotion, without a restart of the application.
 *
 * <p>
 * Once through Spring Boot's connection factory from
 * {@code spring.data.redis.cluster.nodes} at its defaults (Lettuce's 60 s command
 * timeout, no periodic topology refresh), once through cachekit's own connection from
 * {@code cachekit.redis.cluster.nodes}. Both share one cluster: each kills another master
 * that still has a replica.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisClusterFailoverAutoConfigurationIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofMillis(500);

	/**
	 * The longest a call may take: the timeout plus 0.5 s, the README's bound for a
	 * server that does not answer (what the backend's own failover test asserts per
	 * operation). A miss reads L2 and then stores the loaded value (Spring calls
	 * {@code Cache.get} and then {@code Cache.put}); when the read timed out, the store
	 * keeps the value out of L2 instead of waiting again.
	 */
	private static final long MAX_CALL_MILLIS = TIMEOUT.toMillis() + 500;

	private static final Duration RECOVERY_BOUND = Duration.ofSeconds(10);

	private static final int THREADS = 8;

	private static final int IDS_PER_THREAD = 40;

	private static final Duration PACE = Duration.ofMillis(1);

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
	void springBootsFactoryAtDefaultsIsBoundedAndFollowsThePromotion() throws Exception {
		ServerProcess victim = victim(0);
		String prefix = prefixServedBy(victim, "shared");
		failoverUnderLoad("spring.data.redis.cluster.nodes at Boot's defaults",
				runner(prefix).withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
					.withPropertyValues("cachekit.backend=redis",
							"spring.data.redis.cluster.nodes=" + String.join(",", cluster.seedAddresses())),
				victim, prefix);
	}

	@Test
	@Order(2)
	void cachekitsOwnConnectionIsBoundedAndFollowsThePromotion() throws Exception {
		ServerProcess victim = victim(1);
		String prefix = prefixServedBy(victim, "own");
		failoverUnderLoad("cachekit.redis.cluster.nodes",
				runner(prefix).withPropertyValues(
						"cachekit.redis.cluster.nodes=" + String.join(",", cluster.seedAddresses()),
						"cachekit.redis.connect-timeout=500ms"),
				victim, prefix);
	}

	private static ApplicationContextRunner runner(String prefix) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(CachekitAutoConfiguration.class, CacheAutoConfiguration.class))
			.withUserConfiguration(LibraryConfiguration.class)
			.withPropertyValues("cachekit.redis.timeout=" + TIMEOUT.toMillis() + "ms", "cachekit.l1.enabled=false",
					"cachekit.redis.key-prefix=" + prefix);
	}

	private void failoverUnderLoad(String label, ApplicationContextRunner runner, ServerProcess victim, String prefix)
			throws Exception {
		ServerProcess replica = cluster.replicaOf(victim);
		runner.run((context) -> {
			assertThat(context).hasNotFailed();
			Library library = context.getBean(Library.class);
			List<List<String>> idsPerThread = new ArrayList<>();
			for (int t = 0; t < THREADS; t++) {
				List<String> ids = new ArrayList<>();
				for (int i = 0; i < IDS_PER_THREAD; i++) {
					ids.add("t" + t + "-book-" + i);
				}
				idsPerThread.add(ids);
				ids.forEach(library::find);
			}
			idsPerThread.forEach((ids) -> ids.forEach((id) -> assertThat(library.find(id)).isEqualTo(id + "#1")));
			Set<String> onVictim = idsOn(victim, prefix);
			assertThat(onVictim).as("entries on the master to be killed").isNotEmpty();
			awaitReplicated(victim, replica);

			Load load = new Load(library, idsPerThread, onVictim);
			AtomicBoolean breakerOpened = watchBreaker(context, load);
			load.start();
			try {
				Thread.sleep(300);
				long killed = System.nanoTime();
				cluster.kill(victim);
				cluster.awaitPromotion(replica);
				long promoted = System.nanoTime();
				load.promoted.set(promoted);
				long deadline = promoted + RECOVERY_BOUND.plusSeconds(10).toNanos();
				while (load.firstHitAfterPromotion.get() == 0 && System.nanoTime() < deadline) {
					Thread.sleep(20);
				}
				// Some more load on the new topology.
				Thread.sleep(300);
				load.stop();
				System.out
					.println("[figure] Redis Cluster failover through @Cacheable (" + label + "): replica promoted "
							+ TimeUnit.NANOSECONDS.toMillis(promoted - killed) + " ms after the master's SIGKILL");
				System.out.println("[figure] Redis Cluster failover through @Cacheable (" + label + "), " + THREADS
						+ " threads, cachekit.redis.timeout " + TIMEOUT.toMillis() + " ms: longest call "
						+ load.longestCall.get() + " ms (bound " + MAX_CALL_MILLIS + " ms), " + load.calls.get()
						+ " calls, " + load.failures.get() + " exceptions reached callers, circuit breaker opened: "
						+ breakerOpened.get());
				long hit = load.firstHitAfterPromotion.get();
				assertThat(hit).as("an L2 hit on the killed master's slots within %s of the promotion", RECOVERY_BOUND)
					.isNotZero();
				long recovery = Math.max(0, TimeUnit.NANOSECONDS.toMillis(hit - promoted));
				System.out.println("[figure] Redis Cluster failover through @Cacheable (" + label
						+ "): first L2 hit on the killed master's slots " + recovery
						+ " ms after the replica's promotion (bound " + RECOVERY_BOUND.toMillis() + " ms)");
				assertThat(load.failures.get())
					.as("exceptions that reached callers, first: %s", load.firstFailure.get())
					.isZero();
				assertThat(load.wrongAnswers.get()).as("answers that were not the cached method's").isZero();
				assertThat(load.longestCall.get()).isLessThanOrEqualTo(MAX_CALL_MILLIS);
				assertThat(recovery).isLessThanOrEqualTo(RECOVERY_BOUND.toMillis());
			}
			finally {
				load.stop();
			}
		});
	}

	/**
	 * Polls the circuit breaker in front of L2 while the load runs.
	 */
	private static AtomicBoolean watchBreaker(ApplicationContext context, Load load) {
		CircuitBreaker breaker = context.getBean(CachekitCacheManager.class).getCircuitBreaker();
		AtomicBoolean opened = new AtomicBoolean();
		Thread watcher = new Thread(() -> {
			while (!load.stopped.get()) {
				if (breaker.state() == CircuitBreaker.State.OPEN) {
					opened.set(true);
				}
				try {
					Thread.sleep(5);
				}
				catch (InterruptedException ex) {
					return;
				}
			}
		}, "breaker-watcher");
		watcher.setDaemon(true);
		watcher.start();
		return opened;
	}

	/** The {@code attempt}-th master that still has a replica. */
	private static ServerProcess victim(int attempt) {
		List<ServerProcess> withReplica = new ArrayList<>();
		for (ServerProcess master : cluster.masters()) {
			try {
				cluster.replicaOf(master);
				withReplica.add(master);
			}
			catch (IllegalStateException ex) {
				// A master promoted by an earlier case has no replica.
			}
		}
		return withReplica.get(Math.min(attempt, withReplica.size() - 1));
	}

	/** A key prefix that puts the cache's generation counter on the given master. */
	private static String prefixServedBy(ServerProcess master, String name) {
		for (int i = 0;; i++) {
			String prefix = name + i + ":";
			if (cluster.masterForKey(bytes(prefix + "books:generation")).equals(master)) {
				return prefix;
			}
		}
	}

	/** The ids whose entries the master holds. */
	private static Set<String> idsOn(ServerProcess master, String prefix) {
		Set<String> ids = new HashSet<>();
		try (RawRedis redis = RawRedis.connect(master.address())) {
			for (Object key : (List<?>) redis.call("KEYS", prefix + "books:*")) {
				String text = new String((byte[]) key, StandardCharsets.UTF_8);
				ids.add(text.substring(text.lastIndexOf(':') + 1));
			}
		}
		ids.remove("generation");
		return ids;
	}

	private static void awaitReplicated(ServerProcess master, ServerProcess replica) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		try (RawRedis onMaster = RawRedis.connect(master.address());
				RawRedis onReplica = RawRedis.connect(replica.address())) {
			while (!onMaster.call("DBSIZE").equals(onReplica.call("DBSIZE"))) {
				assertThat(System.nanoTime()).as("%s replicated %s", replica, master).isLessThan(deadline);
				Thread.sleep(20);
			}
		}
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * Threads that each call the cached method over ids of their own, so that a call that
	 * did not run the method is known to be an L2 hit.
	 */
	private static final class Load {

		final AtomicLong longestCall = new AtomicLong();

		final AtomicLong calls = new AtomicLong();

		final AtomicInteger failures = new AtomicInteger();

		final AtomicInteger wrongAnswers = new AtomicInteger();

		final AtomicReference<Throwable> firstFailure = new AtomicReference<>();

		final AtomicLong promoted = new AtomicLong();

		final AtomicLong firstHitAfterPromotion = new AtomicLong();

		final AtomicBoolean stopped = new AtomicBoolean();

		private final List<Thread> threads = new ArrayList<>();

		Load(Library library, List<List<String>> idsPerThread, Set<String> onVictim) {
			for (List<String> ids : idsPerThread) {
				this.threads.add(new Thread(() -> {
					while (!this.stopped.get()) {
						for (String id : ids) {
							if (this.stopped.get()) {
								return;
							}
							call(library, id, onVictim.contains(id));
							// About a thousand calls a second per thread: load, yet CPU
							// left for the timers of the calls that wait.
							LockSupport.parkNanos(PACE.toNanos());
						}
					}
				}, "failover-load"));
			}
		}

		private void call(Library library, String id, boolean onVictim) {
			long promotedAt = this.promoted.get();
			int before = library.runs(id);
			long start = System.nanoTime();
			try {
				String answer = library.find(id);
				if (!answer.startsWith(id + "#")) {
					this.wrongAnswers.incrementAndGet();
				}
			}
			catch (Throwable ex) {
				this.failures.incrementAndGet();
				this.firstFailure.compareAndSet(null, ex);
			}
			long end = System.nanoTime();
			this.longestCall.accumulateAndGet(TimeUnit.NANOSECONDS.toMillis(end - start), Math::max);
			this.calls.incrementAndGet();
			if (onVictim && promotedAt != 0 && library.runs(id) == before) {
				this.firstHitAfterPromotion.compareAndSet(0, end);
			}
		}

		void start() {
			this.threads.forEach(Thread::start);
		}

		void stop() throws InterruptedException {
			this.stopped.set(true);
			for (Thread thread : this.threads) {
				thread.join(5_000);
			}
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class LibraryConfiguration {

		@Bean
		Library library() {
			return new Library();
		}

	}

	/** Answers an id with the number of times it was loaded. */
	static class Library {

		private final ConcurrentHashMap<String, AtomicInteger> runs = new ConcurrentHashMap<>();

		@Cacheable("books")
		public String find(String id) {
			return id + "#" + this.runs.computeIfAbsent(id, (key) -> new AtomicInteger()).incrementAndGet();
		}

		int runs(String id) {
			AtomicInteger count = this.runs.get(id);
			return (count != null) ? count.get() : 0;
		}

	}

}
