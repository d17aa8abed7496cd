package io.cachekit.backend.redis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.cachekit.backend.Broadcast;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.Subscription;
import org.springframework.data.redis.connection.SubscriptionListener;

/**
 * The subscribing side of {@link RedisBackend}'s {@link Broadcast}: every subscription of
 * one backend shares one dedicated pub/sub connection, made with the first subscription.
 *
 * <p>
 * Messages are handed to listeners on the client's own thread (no thread per message).
 * Lettuce reconnects a lost pub/sub connection and subscribes again by itself; each
 * confirmation of a channel's subscription by the server, the first one included, reaches
 * that channel's listeners as {@link Broadcast.Listener#onReset()}. When the connection
 * cannot be made (the server is down), it is tried again in the background, backing off
 * from 100 ms to {@link #MAX_RETRY_DELAY_MILLIS}. A listener that throws is logged (once
 * at WARN, then at DEBUG) and does not stop the others. Lettuce only: its subscriptions
 * do not block the subscribing thread. Thread-safe.
 */
final class RedisBroadcast implements AutoCloseable {

	/** The cap of the back-off between attempts to make the subscription. */
	static final long MAX_RETRY_DELAY_MILLIS = 1_000;

	private static final long FIRST_RETRY_DELAY_MILLIS = 100;

	private static final Logger logger = LoggerFactory.getLogger(RedisBroadcast.class);

	private final RedisConnectionFactory factory;

	private final RedisKeys keys;

	private final Map<String, Set<Adapter>> listeners = new ConcurrentHashMap<>();

	private final Dispatcher dispatcher = new Dispatcher();

	private final AtomicBoolean listenerFailed = new AtomicBoolean();

	private @Nullable RedisConnection connection;

	private @Nullable ScheduledExecutorService retries;

	private long retryDelayMillis = FIRST_RETRY_DELAY_MILLIS;

	private boolean retryScheduled;

	private boolean closed;

	RedisBroadcast(RedisConnectionFactory factory, RedisKeys keys) {
		this.factory = factory;
		this.keys = keys;
	}

	/**
	 * Returns the bytes of a channel's name under the prefix, as published and
	 * subscribed.
	 * @param keys the backend's keys
	 * @param channel the channel, without the prefix
	 * @return the channel name's bytes
	 */
	static byte[] channelBytes(RedisKeys keys, String channel) {
		return (keys.prefix() + channel).getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * Subscribes a listener to a channel under the backend's prefix; never waits for the
	 * server.
	 * @param channel the channel, without the prefix
	 * @param listener the listener
	 * @return the subscription
	 * @throws IllegalStateException when the backend is closed
	 */
	synchronized Broadcast.Subscription subscribe(String channel, Broadcast.Listener listener) {
		if (this.closed) {
			throw new IllegalStateException("the Redis backend is closed");
		}
		String fullName = this.keys.prefix() + channel;
		Adapter adapter = new Adapter(listener);
		Set<Adapter> subscribed = this.listeners.computeIfAbsent(fullName, (name) -> new CopyOnWriteArraySet<>());
		boolean newChannel = subscribed.isEmpty();
		subscribed.add(adapter);
		RedisConnection current = this.connection;
		if (current == null) {
			connect();
		}
		else if (newChannel) {
			try {
				Subscription subscription = current.getSubscription();
				if (subscription == null) {
					throw new IllegalStateException("the pub/sub connection has no subscription");
				}
				subscription.subscribe(bytes(fullName));
			}
			catch (RuntimeException ex) {
				logger.debug("Could not add Redis channel {}; subscribing again", fullName, ex);
				dropConnection();
				connect();
			}
		}
		return () -> unsubscribe(fullName, adapter);
	}

	/**
	 * Ends every subscription and closes the connection. Idempotent.
	 */
	@Override
	public synchronized void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		this.listeners.clear();
		dropConnection();
		ScheduledExecutorService scheduler = this.retries;
		if (scheduler != null) {
			scheduler.shutdownNow();
		}
	}

	private synchronized void unsubscribe(String fullName, Adapter adapter) {
		adapter.closed = true;
		Set<Adapter> subscribed = this.listeners.get(fullName);
		if (subscribed == null || !subscribed.remove(adapter) || !subscribed.isEmpty()) {
			return;
		}
		this.listeners.remove(fullName);
		if (this.listeners.isEmpty()) {
			dropConnection();
			return;
		}
		RedisConnection current = this.connection;
		Subscription subscription = (current != null) ? current.getSubscription() : null;
		if (subscription != null) {
			try {
				subscription.unsubscribe(bytes(fullName));
			}
			catch (RuntimeException ex) {
				logger.debug("Could not unsubscribe from Redis channel {}", fullName, ex);
			}
		}
	}

	/** Makes the pub/sub connection for every channel, or schedules another attempt. */
	private void connect() {
		if (this.closed || this.listeners.isEmpty()) {
			return;
		}
		RedisConnection made = null;
		try {
			made = this.factory.getConnection();
			made.subscribe(this.dispatcher, channels());
			this.connection = made;
			this.retryDelayMillis = FIRST_RETRY_DELAY_MILLIS;
		}
		catch (RuntimeException ex) {
			logger.debug("Could not subscribe to Redis channels; trying again in {} ms", this.retryDelayMillis, ex);
			if (made != null) {
				closeQuietly(made);
			}
			scheduleRetry();
		}
	}

	private void scheduleRetry() {
		if (this.retryScheduled) {
			return;
		}
		ScheduledExecutorService scheduler = this.retries;
		if (scheduler == null) {
			scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
				Thread thread = new Thread(task, "cachekit-redis-subscribe");
				thread.setDaemon(true);
				return thread;
			});
			this.retries = scheduler;
		}
		long delay = this.retryDelayMillis;
		this.retryDelayMillis = Math.min(delay * 2, MAX_RETRY_DELAY_MILLIS);
		this.retryScheduled = true;
		scheduler.schedule(this::retry, delay, TimeUnit.MILLISECONDS);
	}

	private synchronized void retry() {
		this.retryScheduled = false;
		if (this.connection == null) {
			connect();
		}
	}

	private void dropConnection() {
		RedisConnection current = this.connection;
		this.connection = null;
		if (current != null) {
			closeQuietly(current);
		}
	}

	private byte[][] channels() {
		List<byte[]> names = new ArrayList<>();
		for (String name : this.listeners.keySet()) {
			names.add(bytes(name));
		}
		return names.toArray(new byte[0][]);
	}

	private static void closeQuietly(RedisConnection connection) {
		try {
			connection.close();
		}
		catch (RuntimeException ex) {
			logger.debug("Could not close the Redis pub/sub connection", ex);
		}
	}

	private static byte[] bytes(String name) {
		return name.getBytes(StandardCharsets.UTF_8);
	}

	private void deliver(byte[] channel, boolean reset, byte @Nullable [] body) {
		Set<Adapter> subscribed = this.listeners.get(new String(channel, StandardCharsets.UTF_8));
		if (subscribed == null) {
			return;
		}
		for (Adapter adapter : subscribed) {
			if (adapter.closed) {
				continue;
			}
			try {
				if (reset) {
					adapter.listener.onReset();
				}
				else if (body != null) {
					adapter.listener.onMessage(body);
				}
			}
			catch (RuntimeException ex) {
				if (this.listenerFailed.compareAndSet(false, true)) {
					logger.warn("A Redis broadcast listener failed: {}", ex.toString(), ex);
				}
				else {
					logger.debug("A Redis broadcast listener failed", ex);
				}
			}
		}
	}

	private static final class Adapter {

		private final Broadcast.Listener listener;

		private volatile boolean closed;

		Adapter(Broadcast.Listener listener) {
			this.listener = listener;
		}

	}

	private final class Dispatcher implements MessageListener, SubscriptionListener {

		@Override
		public void onMessage(Message message, byte @Nullable [] pattern) {
			deliver(message.getChannel(), false, message.getBody());
		}

		@Override
		public void onChannelSubscribed(byte[] channel, long count) {
			deliver(channel, true, null);
		}

	}

}
