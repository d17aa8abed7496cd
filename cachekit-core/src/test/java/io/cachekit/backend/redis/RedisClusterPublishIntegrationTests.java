package io.cachekit.backend.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.cachekit.backend.BackendException;
import io.cachekit.backend.Broadcast;
import io.cachekit.test.Await;
import io.cachekit.test.RedisCluster;
import io.cachekit.test.ServerProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link RedisBackend}'s broadcast on a real Redis Cluster when the master that serves
 * the channel's slot is killed and has no replica, so that the slot has no master:
 * Lettuce would route a {@code PUBLISH} to that master, and every message on the channel
 * would be lost until it came back; cachekit's go to a node that answers, which relays
 * them to the subscribers of every node.
 */
class RedisClusterPublishIntegrationTests {

	/** The bound on a message being heard again after the channel's master died. */
	private static final Duration BOUND = Duration.ofSeconds(2);

	private RedisCluster cluster;

	@BeforeEach
	void startCluster() {
		this.cluster = RedisCluster.start(3, 0);
	}

	@AfterEach
	void stopCluster() {
		if (this.cluster != null) {
			this.cluster.close();
		}
	}

	@Test
	void onTheOwnedClusterConnectionAChannelWhoseSlotHasNoMasterIsHeard() throws InterruptedException {
		RedisBackendConfig config = RedisBackendConfig.builder()
			.cluster(this.cluster.seedAddresses())
			.commandTimeout(Duration.ofMillis(500))
			.connectTimeout(Duration.ofMillis(500))
			.keyPrefix("owned:")
			.build();
		try (RedisBackend publisher = RedisBackend.create(config);
				RedisBackend subscriber = RedisBackend.create(config)) {
			channelOfADeadMasterIsHeard("owned cluster connection", "owned:", publisher, subscriber);
		}
	}

	@Test
	void onAnApplicationFactoryAtDefaultsAChannelWhoseSlotHasNoMasterIsHeard() throws InterruptedException {
		LettuceConnectionFactory publishing = new LettuceConnectionFactory(
				new RedisClusterConfiguration(this.cluster.seedAddresses()));
		LettuceConnectionFactory subscribing = new LettuceConnectionFactory(
				new RedisClusterConfiguration(this.cluster.seedAddresses()));
		publishing.afterPropertiesSet();
		subscribing.afterPropertiesSet();
		RedisBackendConfig config = RedisBackendConfig.builder()
			.commandTimeout(Duration.ofMillis(500))
			.keyPrefix("shared:")
			.build();
		try (RedisBackend publisher = RedisBackend.create(publishing, config);
				RedisBackend subscriber = RedisBackend.create(subscribing, config)) {
			channelOfADeadMasterIsHeard("application factory at defaults", "shared:", publisher, subscriber);
		}
		finally {
			publishing.destroy();
			subscribing.destroy();
		}
	}

	/**
	 * Subscribes on one master, then kills another master and publishes on a channel
	 * whose slot that master served.
	 */
	private void channelOfADeadMasterIsHeard(String label, String prefix, RedisBackend publisher,
			RedisBackend subscriber) throws InterruptedException {
		List<String> heard = new CopyOnWriteArrayList<>();
		Broadcast.Listener listener = new Broadcast.Listener() {

			@Override
			public void onMessage(byte[] message) {
				heard.add(new String(message, StandardCharsets.UTF_8));
			}

			@Override
			public void onReset() {
			}

		};
		try (Broadcast.Subscription first = subscriber.subscribe("first", listener)) {
			assertThat(Await.until(() -> {
				publisher.publish("first", bytes("subscribed"));
				return heard.contains("subscribed");
			})).isTrue();
			ServerProcess subscribersNode = this.cluster.nodeWithSubscriber();
			ServerProcess victim = this.cluster.masters()
				.stream()
				.filter((master) -> master.port() != subscribersNode.port())
				.findFirst()
				.orElseThrow();
			String channel = channelServedBy(victim, prefix);
			try (Broadcast.Subscription second = subscriber.subscribe(channel, listener)) {
				assertThat(Await.until(() -> {
					publisher.publish(channel, bytes("before"));
					return heard.contains("before");
				})).isTrue();
				long killed = System.nanoTime();
				this.cluster.kill(victim);
				int failures = 0;
				long heardAfter = -1;
				long deadline = killed + BOUND.plusSeconds(8).toNanos();
				for (int i = 0; heardAfter < 0 && System.nanoTime() < deadline; i++) {
					try {
						publisher.publish(channel, bytes("after-" + i));
					}
					catch (BackendException ex) {
						failures++;
					}
					if (heard.stream().anyMatch((message) -> message.startsWith("after-"))) {
						heardAfter = Duration.ofNanos(System.nanoTime() - killed).toMillis();
					}
					else {
						Thread.sleep(50);
					}
				}
				assertThat(heardAfter).as("a message published after the channel's master died is heard")
					.isNotNegative();
				System.out.println("[figure] Redis Cluster publish (" + label
						+ "), channel's slot without a master: first message heard " + heardAfter
						+ " ms after the master was killed, " + failures + " failed publish(es) (bound "
						+ BOUND.toMillis() + " ms)");
				assertThat(heardAfter).isLessThanOrEqualTo(BOUND.toMillis());
			}
		}
	}

	/**
	 * A channel name whose slot, under the prefix, the master serves.
	 */
	private String channelServedBy(ServerProcess master, String prefix) {
		for (int i = 0;; i++) {
			String channel = "invalidations-" + i;
			if (this.cluster.masterForKey(bytes(prefix + channel)).port() == master.port()) {
				return channel;
			}
		}
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
