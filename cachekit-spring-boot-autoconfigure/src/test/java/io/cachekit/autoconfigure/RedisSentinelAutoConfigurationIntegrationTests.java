package io.cachekit.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.cachekit.backend.redis.RedisBackend;
import io.cachekit.test.RawRedis;
import io.cachekit.test.RedisSentinels;
import io.cachekit.test.ServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Redis master watched by three sentinels, crashed ({@code SIGKILL}) while two
 * applications use it: one through Spring Boot's connection factory from
 * {@code spring.data.redis.sentinel.*}, one through cachekit's own connection from
 * {@code cachekit.redis.sentinel.*}. Both follow the sentinels to the promoted replica:
 * their writes land on it within 5 s of the promotion, the entries written before the
 * crash are hits again, no exception reaches a caller, and no call takes longer than the
 * timeout + 0.5 s (a miss whose read timed out keeps its value out of L2 rather than
 * waiting again).
 */
class RedisSentinelAutoConfigurationIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofMillis(500);

	private static final Duration FOLLOW_BOUND = Duration.ofSeconds(5);

	/**
	 * The longest a call may take, as the README states for a server that does not
	 * answer: the timeout + 0.5 s. A miss whose read timed out keeps the loaded value out
	 * of L2 instead of waiting for it again.
	 */
	private static final long MAX_CALL_MILLIS = TIMEOUT.toMillis() + 500;

	private static final int IDS = 20;

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

	@Test
	void bothConnectionsFollowAFailoverToThePromotedReplica() {
		String nodes = String.join(",", sentinels.sentinelAddresses());
		ApplicationContextRunner runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(CachekitAutoConfiguration.class, CacheAutoConfiguration.class))
			.withUserConfiguration(LibraryConfiguration.class)
			.withPropertyValues("cachekit.redis.timeout=" + TIMEOUT.toMillis() + "ms", "cachekit.l1.enabled=false");
		ApplicationContextRunner overSpringBoot = runner
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
			.withPropertyValues("cachekit.backend=redis", "cachekit.redis.key-prefix=boot:",
					"spring.data.redis.sentinel.master=" + RedisSentinels.MASTER_NAME,
					"spring.data.redis.sentinel.nodes=" + nodes);
		ApplicationContextRunner overCachekit = runner.withPropertyValues("cachekit.redis.key-prefix=own:",
				"cachekit.redis.sentinel.master=" + RedisSentinels.MASTER_NAME,
				"cachekit.redis.sentinel.nodes=" + nodes, "cachekit.redis.connect-timeout=500ms");
		overSpringBoot.run((boot) -> overCachekit.run((own) -> {
			assertThat(own.getBean(RedisBackend.class).config().sentinelMaster()).contains(RedisSentinels.MASTER_NAME);
			assertThat(boot.getBean(RedisBackend.class).config().sentinelMaster()).isEmpty();
			List<Client> clients = List.of(new Client("spring.data.redis.sentinel.*", boot, "boot:"),
					new Client("cachekit.redis.sentinel.*", own, "own:"));
			ServerProcess master = sentinels.master();
			ServerProcess replica = sentinels.servers()
				.stream()
				.filter((server) -> server != master)
				.findFirst()
				.orElseThrow();
			for (Client client : clients) {
				for (int i = 0; i < IDS; i++) {
					assertThat(client.find("before-" + i)).isEqualTo("before-" + i + "#1");
				}
				assertThat(client.storedOn(master, "before-0")).isTrue();
			}
			awaitReplicated(master, replica);

			// The longest call is measured from the crash on; the first call of each
			// application also opens its connections.
			clients.forEach((client) -> client.longestCall.set(0));
			long killed = System.nanoTime();
			assertThat(sentinels.killMaster()).isEqualTo(master);
			sentinels.awaitMaster(replica.address());
			long promoted = System.nanoTime();
			System.out.println("[figure] Redis Sentinel: the sentinels named the replica master "
					+ TimeUnit.NANOSECONDS.toMillis(promoted - killed) + " ms after the master's SIGKILL");
			// Both applications look for the new master at once.
			List<java.util.concurrent.CompletableFuture<Long>> follows = clients.stream()
				.map((client) -> java.util.concurrent.CompletableFuture
					.supplyAsync(() -> client.awaitWriteOn(replica, promoted + FOLLOW_BOUND.plusSeconds(10).toNanos())))
				.toList();
			for (int c = 0; c < clients.size(); c++) {
				Client client = clients.get(c);
				long followed = follows.get(c).get(30, TimeUnit.SECONDS);
				long afterPromotion = Math.max(0, TimeUnit.NANOSECONDS.toMillis(followed - promoted));
				System.out.println("[figure] Redis Sentinel (" + client.label + "), cachekit.redis.timeout "
						+ TIMEOUT.toMillis() + " ms: writes land on the promoted replica " + afterPromotion
						+ " ms after its promotion (bound " + FOLLOW_BOUND.toMillis()
						+ " ms); longest call since the crash " + client.longestCall.get() + " ms (bound "
						+ MAX_CALL_MILLIS + " ms: a read and a write of L2), " + client.failures.get()
						+ " exceptions reached callers");
				assertThat(client.failures.get())
					.as("exceptions that reached callers, first: %s", client.firstFailure.get())
					.isZero();
				assertThat(afterPromotion).isLessThanOrEqualTo(FOLLOW_BOUND.toMillis());
				assertThat(client.longestCall.get()).as("%s: the longest call since the crash", client.label)
					.isLessThanOrEqualTo(MAX_CALL_MILLIS);
				int loads = client.library.loads();
				for (int i = 0; i < IDS; i++) {
					client.find("before-" + i);
				}
				assertThat(client.library.loads()).as("entries written before the crash are hits again")
					.isEqualTo(loads);
			}
		}));
	}

	/**
	 * Waits until the replica holds as many keys as the master, polling every 20 ms.
	 */
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

	/** One application, its cached method and what its callers saw. */
	private static final class Client {

		final String label;

		final Library library;

		final String prefix;

		final AtomicLong longestCall = new AtomicLong();

		final AtomicInteger failures = new AtomicInteger();

		final AtomicReference<Throwable> firstFailure = new AtomicReference<>();

		private int written;

		Client(String label, AssertableApplicationContext context, String prefix) {
			this.label = label;
			this.library = context.getBean(Library.class);
			this.prefix = prefix;
		}

		String find(String id) {
			long start = System.nanoTime();
			try {
				return this.library.find(id);
			}
			catch (RuntimeException ex) {
				this.failures.incrementAndGet();
				this.firstFailure.compareAndSet(null, ex);
				return "failed";
			}
			finally {
				this.longestCall.accumulateAndGet(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), Math::max);
			}
		}

		boolean storedOn(ServerProcess server, String id) {
			try (RawRedis redis = RawRedis.connect(server.address())) {
				List<?> keys = (List<?>) redis.call("KEYS", this.prefix + "books:*:" + id);
				return keys != null && !keys.isEmpty();
			}
		}

		/**
		 * Caches new entries until one is found on the server.
		 * @return when the first such write returned
		 */
		long awaitWriteOn(ServerProcess server, long deadline) {
			while (System.nanoTime() < deadline) {
				String id = "after-" + this.written++;
				find(id);
				long returned = System.nanoTime();
				if (storedOn(server, id)) {
					return returned;
				}
			}
			throw new AssertionError(this.label + ": no write reached " + server);
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

		private final java.util.concurrent.ConcurrentHashMap<String, AtomicInteger> runs = new java.util.concurrent.ConcurrentHashMap<>();

		@Cacheable("books")
		public String find(String id) {
			return id + "#" + this.runs.computeIfAbsent(id, (key) -> new AtomicInteger()).incrementAndGet();
		}

		int loads() {
			return this.runs.values().stream().mapToInt(AtomicInteger::get).sum();
		}

	}

}
