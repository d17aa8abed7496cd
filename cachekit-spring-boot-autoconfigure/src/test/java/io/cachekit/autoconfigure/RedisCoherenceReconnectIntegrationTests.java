package io.cachekit.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

import io.cachekit.autoconfigure.CoherenceContract.BookService;
import io.cachekit.spring.CachekitCache;
import io.cachekit.spring.CachekitCacheManager;
import io.cachekit.test.TestServer;
import io.cachekit.tier.TierStatistics;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Two application instances on a real redis-server whose pub/sub connections are cut
 * ({@code CLIENT KILL TYPE pubsub}) just before a change: a change whose message may be
 * lost on the way is still seen within the journal's bound, and once the subscription is
 * back the next change is pushed again within the Redis bound.
 */
class RedisCoherenceReconnectIntegrationTests {

	private static final Duration JOURNAL_BOUND = Duration.ofMillis(1500);

	private static final Duration PUSH_BOUND = Duration.ofMillis(250);

	@RegisterExtension
	static final TestServer redis = TestServer.redis();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CachekitAutoConfiguration.class, CacheAutoConfiguration.class))
		.withUserConfiguration(CoherenceContract.Books.class)
		.withPropertyValues("cachekit.redis.url=redis://" + redis.address());

	@Test
	void changeMadeWhileTheSubscriptionIsCutIsSeenAndPushingResumes() {
		String warm = "reconnect-warm";
		String cut = "reconnect-cut";
		String after = "reconnect-after";
		CoherenceContract.database.put(warm, "v0");
		CoherenceContract.database.put(cut, "v0");
		CoherenceContract.database.put(after, "v0");
		this.contextRunner.run((a) -> this.contextRunner.run((b) -> {
			BookService onA = a.getBean(BookService.class);
			BookService onB = b.getBean(BookService.class);
			for (String id : new String[] { warm, cut, after }) {
				assertThat(onA.find(id)).isEqualTo("v0");
				assertThat(onB.find(id)).isEqualTo("v0");
			}
			// Subscriptions are made in the background: wait until a change is pushed.
			awaitPushed(onA, onB, warm);
			long killed = killPubSubClients();
			Duration duringReconnect = change(onA, onB, cut);
			System.out.println("[figure] Redis pub/sub connections cut (" + killed + "): a change made at once was "
					+ "seen on the other instance after " + duringReconnect.toMillis() + " ms");
			assertThat(killed).as("pub/sub connections cut").isPositive();
			assertThat(duringReconnect).isLessThanOrEqualTo(JOURNAL_BOUND);
			Duration afterReconnect = awaitPushed(onA, onB, after);
			System.out.println("[figure] Redis pub/sub after the reconnection: a change was seen after "
					+ afterReconnect.toMillis() + " ms");
			TierStatistics statistics = ((CachekitCache) b.getBean(CachekitCacheManager.class).getCache("books"))
				.getNativeCache()
				.statistics();
			System.out.println("[figure] instance B applied " + statistics.invalidationsReceivedCount()
					+ " invalidations and repaired " + statistics.invalidationGapCount() + " gaps");
			assertThat(statistics.invalidationGapCount()).as("repaired from the journal, not by dropping L1").isZero();
		}));
	}

	/**
	 * Makes changes until one is pushed within the Redis bound again: Lettuce
	 * re-subscribes in the background, so the first may still travel through the journal.
	 */
	private static Duration awaitPushed(BookService onA, BookService onB, String id) {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		int version = 1;
		while (System.nanoTime() < deadline) {
			Duration seen = change(onA, onB, id, "v" + version++);
			if (seen.compareTo(PUSH_BOUND) <= 0) {
				return seen;
			}
		}
		return fail("no change was pushed within " + PUSH_BOUND.toMillis() + " ms after the reconnection");
	}

	private static Duration change(BookService onA, BookService onB, String id) {
		return change(onA, onB, id, "v1");
	}

	private static Duration change(BookService onA, BookService onB, String id, String value) {
		CoherenceContract.database.put(id, value);
		onA.remove(id);
		onA.update(id, value);
		long changed = System.nanoTime();
		long deadline = changed + Duration.ofSeconds(10).toNanos();
		while (!value.equals(onB.find(id))) {
			if (System.nanoTime() > deadline) {
				fail("instance B never saw " + value + " for " + id);
			}
			LockSupport.parkNanos(Duration.ofMillis(1).toNanos());
		}
		return Duration.ofNanos(System.nanoTime() - changed);
	}

	private static long killPubSubClients() {
		RedisClient client = RedisClient.create("redis://" + redis.address());
		try (StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE)) {
			CommandArgs<byte[], byte[]> args = new CommandArgs<>(ByteArrayCodec.INSTANCE).add("KILL")
				.add("TYPE")
				.add("pubsub".getBytes(StandardCharsets.US_ASCII));
			Long killed = connection.sync()
				.dispatch(CommandType.CLIENT, new IntegerOutput<>(ByteArrayCodec.INSTANCE), args);
			return (killed != null) ? killed : 0;
		}
		finally {
			client.shutdown();
		}
	}

}
