package io.cachekit.backend.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisNode;
import org.springframework.data.redis.connection.RedisSentinelConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Listens to the sentinels' {@code +switch-master} announcements and makes a Lettuce
 * factory connect again, through the sentinels, to the new master.
 *
 * <p>
 * Without it, a connection made through Sentinel stays on the master it found. After a
 * crash that is harmless: the connection breaks and the reconnection asks the sentinels.
 * But after a requested failover ({@code SENTINEL FAILOVER}) the old master stays up and
 * keeps serving as a master until the sentinels demote it, which they do on their next
 * look at it, about ten seconds later; writes and invalidations sent to it meanwhile are
 * lost when it becomes a replica. On the announcement, the factory's shared connection is
 * reset, so the next command on the shared connection (Spring Data Redis's default)
 * connects to the new master; a dedicated or pooled connection (a factory that does not
 * share its native connection) stays on the old master until it breaks or the old master
 * is demoted.
 *
 * <p>
 * The announcement arrives on Lettuce's I/O thread, which must never block: resetting
 * takes the factory's lock and waits for the old connection to close, and a caller that
 * holds that lock while connecting needs the I/O thread. So the reset is handed to the
 * client's event executors, as a topology refresh is ({@link ClusterTopology}).
 *
 * <p>
 * The subscription is made in the background on the first sentinel that accepts it, with
 * the factory's own client; when none does, the factory still follows failovers as
 * described above. Thread-safe.
 */
final class SentinelWatch implements AutoCloseable {

	static final String SWITCH_MASTER = "+switch-master";

	private static final Logger logger = LoggerFactory.getLogger(SentinelWatch.class);

	private final LettuceConnectionFactory factory;

	private final String master;

	/** Where the factory is reset: never the I/O thread the announcement came on. */
	private final Executor resets;

	private @Nullable StatefulRedisPubSubConnection<String, String> connection;

	private boolean closed;

	SentinelWatch(LettuceConnectionFactory factory, String master, Executor resets) {
		this.factory = factory;
		this.master = master;
		this.resets = resets;
	}

	/**
	 * Starts watching for a sentinel-aware Lettuce factory that is started.
	 * @param factory any connection factory
	 * @param timeout the bound of connecting to a sentinel
	 * @return the watch, or {@code null} when the factory is not such a factory
	 */
	static @Nullable SentinelWatch start(RedisConnectionFactory factory, Duration timeout) {
		if (!(factory instanceof LettuceConnectionFactory lettuce) || !lettuce.isRedisSentinelAware()) {
			return null;
		}
		RedisSentinelConfiguration configuration = lettuce.getSentinelConfiguration();
		RedisClient client;
		try {
			client = (RedisClient) lettuce.getRequiredNativeClient();
		}
		catch (RuntimeException ex) {
			logger.debug("The Redis connection factory is not started; not watching the sentinels", ex);
			return null;
		}
		if (configuration == null) {
			return null;
		}
		SentinelWatch watch = new SentinelWatch(lettuce, String.valueOf(configuration.getRequiredMaster().getName()),
				client.getResources().eventExecutorGroup());
		List<RedisURI> sentinels = new ArrayList<>();
		for (RedisNode sentinel : configuration.getSentinels()) {
			sentinels.add(RedisTopologyDetails.sentinelUri(sentinel, configuration, lettuce.isUseSsl(), timeout));
		}
		watch.connect((uri) -> client.connectPubSubAsync(StringCodec.UTF8, uri).toCompletableFuture(), sentinels, 0);
		return watch;
	}

	/**
	 * Tells whether a {@code +switch-master} message is about this master:
	 * {@code <name> <old ip> <old port> <new ip> <new port>}.
	 */
	static boolean isSwitchOf(String master, String message) {
		return message.startsWith(master + " ");
	}

	/**
	 * Subscribes on the sentinel at {@code index}, or, when it cannot be reached or
	 * refuses the subscription, on the next one; stops once closed.
	 */
	void connect(Connector connector, List<RedisURI> sentinels, int index) {
		synchronized (this) {
			if (this.closed) {
				return;
			}
		}
		if (index >= sentinels.size()) {
			logger.warn("No Redis Sentinel accepted a subscription to {}; a requested failover is followed only "
					+ "once the old master is demoted", SWITCH_MASTER);
			return;
		}
		CompletableFuture<StatefulRedisPubSubConnection<String, String>> connecting = connector
			.connect(sentinels.get(index));
		connecting.whenComplete((made, failure) -> {
			if (failure != null) {
				logger.debug("Could not subscribe to {} at sentinel {}", SWITCH_MASTER, sentinels.get(index), failure);
				connect(connector, sentinels, index + 1);
				return;
			}
			synchronized (this) {
				if (this.closed) {
					made.closeAsync();
					return;
				}
				this.connection = made;
			}
			made.addListener(new RedisPubSubAdapter<>() {

				@Override
				public void message(String channel, String message) {
					onMessage(channel, message);
				}

			});
			made.async().subscribe(SWITCH_MASTER).whenComplete((subscribed, refused) -> {
				if (refused == null) {
					return;
				}
				// Such as an ACL user without the channel: try the next sentinel.
				logger.debug("Sentinel {} refused the subscription to {}", sentinels.get(index), SWITCH_MASTER,
						refused);
				synchronized (this) {
					if (this.connection == made) {
						this.connection = null;
					}
				}
				made.closeAsync();
				connect(connector, sentinels, index + 1);
			});
		});
	}

	/**
	 * Hears a message of the subscription, on Lettuce's I/O thread: a switch of the
	 * watched master is handed to {@link #resets}, never acted on here.
	 */
	void onMessage(String channel, String message) {
		if (!SWITCH_MASTER.equals(channel) || !isSwitchOf(this.master, message)) {
			return;
		}
		synchronized (this) {
			if (this.closed) {
				return;
			}
		}
		logger.info("Redis Sentinel switched the master ({}); connecting to the new one", message);
		try {
			this.resets.execute(this::reset);
		}
		catch (RejectedExecutionException ex) {
			// The client is shutting down: there is nothing left to reset.
			logger.debug("Could not hand over the Redis connection reset after a master switch", ex);
		}
	}

	private void reset() {
		synchronized (this) {
			if (this.closed) {
				return;
			}
		}
		try {
			this.factory.resetConnection();
		}
		catch (RuntimeException ex) {
			logger.warn("Could not reset the Redis connection after a master switch", ex);
		}
	}

	/**
	 * Makes a pub/sub connection to a sentinel, asynchronously.
	 */
	@FunctionalInterface
	interface Connector {

		CompletableFuture<StatefulRedisPubSubConnection<String, String>> connect(RedisURI sentinel);

	}

	@Override
	public void close() {
		StatefulRedisPubSubConnection<String, String> current;
		synchronized (this) {
			this.closed = true;
			current = this.connection;
			this.connection = null;
		}
		if (current != null) {
			current.close();
		}
	}

}
