package io.cachekit.backend.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.cachekit.backend.BackendException;
import io.cachekit.backend.Broadcast;
import io.cachekit.test.Await;
import io.cachekit.test.RedisCluster;
import io.cachekit.test.ServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link RedisBackend}'s broadcast on a real Redis Cluster when the node its pub/sub
 * connection is on is killed: the subscription is made again through another node, the
 * listener is told to reset (messages may have been lost), and messages published after
 * the failover arrive.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisClusterBroadcastIntegrationTests {

	private static final Duration DELIVERY_BOUND = Duration.ofSeconds(5);

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
	void onAnApplicationFactoryAtDefaultsTheSubscriptionMovesWhenItsNodeIsKilled() throws InterruptedException {
		// Two applications: the subscriber's does nothing but listen, so no failed
		// command of its own tells its client that the node is gone.
		LettuceConnectionFactory publishing = new LettuceConnectionFactory(
				new RedisClusterConfiguration(cluster.seedAddresses()));
		LettuceConnectionFactory subscribing = new LettuceConnectionFactory(
				new RedisClusterConfiguration(cluster.seedAddresses()));
		publishing.afterPropertiesSet();
		subscribing.afterPropertiesSet();
		RedisBackendConfig config = RedisBackendConfig.builder()
			.commandTimeout(Duration.ofMillis(500))
			.keyPrefix("shared:")
			.build();
		try (RedisBackend publisher = RedisBackend.create(publishing, config);
				RedisBackend subscriber = RedisBackend.create(subscribing, config)) {
			subscriptionMovesWhenItsNodeFails("application factory at defaults", false, publisher, subscriber);
		}
		finally {
			publishing.destroy();
			subscribing.destroy();
		}
	}

	@Test
	@Order(2)
	void onTheOwnedClusterConnectionTheSubscriptionMovesWhenItsNodeHangs() throws InterruptedException {
		RedisBackendConfig config = RedisBackendConfig.builder()
			.cluster(cluster.seedAddresses())
			.commandTimeout(Duration.ofMillis(500))
			.connectTimeout(Duration.ofMillis(500))
			.keyPrefix("owned:")
			.build();
		try (RedisBackend publisher = RedisBackend.create(config);
				RedisBackend subscriber = RedisBackend.create(config)) {
			subscriptionMovesWhenItsNodeFails("owned cluster connection", true, publisher, subscriber);
		}
	}

	/**
	 * Makes the node of the subscriber's pub/sub connection fail: paused
	 * ({@code SIGSTOP}, a hung host: its connections stay open but nothing comes through)
	 * or killed.
	 */
	private void subscriptionMovesWhenItsNodeFails(String label, boolean hang, RedisBackend publisher,
			RedisBackend subscriber) throws InterruptedException {
		{
			List<String> heard = new CopyOnWriteArrayList<>();
			AtomicInteger resets = new AtomicInteger();
			try (Broadcast.Subscription subscription = subscriber.subscribe("invalidations", new Broadcast.Listener() {

				@Override
				public void onMessage(byte[] message) {
					heard.add(new String(message, StandardCharsets.UTF_8));
				}

				@Override
				public void onReset() {
					resets.incrementAndGet();
				}

			})) {
				assertThat(Await.until(() -> {
					publisher.publish("invalidations", bytes("hello"));
					return heard.contains("hello");
				})).isTrue();
				ServerProcess node = cluster.nodeWithSubscriber();
				boolean master = cluster.masters().stream().anyMatch((m) -> m.port() == node.port());
				ServerProcess replica = master ? replicaOrNull(node) : null;
				int resetsBefore = resets.get();
				Instant killed;
				if (hang) {
					node.pause();
					killed = Instant.now();
				}
				else {
					killed = cluster.kill(node);
				}
				try {
					Instant failedOver = (replica != null) ? cluster.awaitPromotion(replica) : killed;
					awaitDelivery(label, hang, master, replica != null, publisher, heard, killed, failedOver);
					assertThat(resets.get()).as("listeners were told to reset").isGreaterThan(resetsBefore);
				}
				finally {
					if (hang) {
						node.resume();
					}
				}
			}
		}
	}

	private static void awaitDelivery(String label, boolean hang, boolean master, boolean promoted,
			RedisBackend publisher, List<String> heard, Instant killed, Instant failedOver)
			throws InterruptedException {
		{
			{
				Instant arrived = null;
				long deadline = System.nanoTime() + DELIVERY_BOUND.plusSeconds(10).toNanos();
				for (int i = 0; arrived == null && System.nanoTime() < deadline; i++) {
					try {
						publisher.publish("invalidations", bytes("after-" + i));
					}
					catch (BackendException ex) {
						// The publisher's node may be the killed one until its
						// topology is refreshed.
					}
					if (heard.stream().anyMatch((message) -> message.startsWith("after-"))) {
						arrived = Instant.now();
					}
					else {
						Thread.sleep(50);
					}
				}
				assertThat(arrived).as("a message published after the failover arrives").isNotNull();
				long millis = Duration.between(failedOver, arrived).toMillis();
				System.out.println("[figure] Redis Cluster broadcast (" + label + "), subscriber's node (a "
						+ (master ? "master" : "replica") + ") " + (hang ? "paused" : "killed")
						+ ": first message heard " + millis + " ms after "
						+ (promoted ? "the replica's promotion" : "the failure") + ", "
						+ Duration.between(killed, arrived).toMillis() + " ms after the failure (bound "
						+ DELIVERY_BOUND.toMillis() + " ms)");
				assertThat(millis).isLessThanOrEqualTo(DELIVERY_BOUND.toMillis());
			}
		}
	}

	private static @Nullable ServerProcess replicaOrNull(ServerProcess master) {
		try {
			return cluster.replicaOf(master);
		}
		catch (IllegalStateException ex) {
			// A replica promoted by an earlier test has no replica of its own.
			return null;
		}
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
