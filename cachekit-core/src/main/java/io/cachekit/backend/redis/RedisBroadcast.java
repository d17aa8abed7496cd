package io.cachekit.backend.redis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
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
 * one backend shares one dedicated pub/sub connection.
 *
 * <p>
 * Subscribing never waits for the server, and no caller's thread ever talks to it: the
 * connection is made, and channels are added to it or removed, on a daemon thread of this
 * object ({@code cachekit-redis-subscribe}), which works through what the callers asked
 * for one change at a time. When the connection cannot be made (the server is down), it
 * is tried again, backing off from 100 ms to {@link #MAX_RETRY_DELAY_MILLIS}. Messages
 * are handed to listeners on the client's own thread (no thread per message). Lettuce
 * reconnects a lost pub/sub connection and subscribes again by itself; each confirmation
 * of a channel's subscription by the server, the first one included, reaches that
 * channel's listeners as {@link Broadcast.Listener#onReset()}. A listener that throws is
 * logged (once at WARN, then at DEBUG) and does not stop the others. Lettuce only (a
 * Jedis subscription would hold its thread for good), which is why {@link RedisBackend}
 * offers {@code Broadcast} only over a Lettuce connection factory. Thread-safe.
 *
 * <p>
 * On a Redis Cluster the pub/sub connection lives on one node, and this object does not
 * rely on Lettuce to move it when that node fails: a node that hangs keeps the connection
 * open, so Lettuce never reconnects it. While there are subscriptions, a probe message is
 * published every second to a channel of this object's own; when it does not come back
 * within a second, the connection is made again through a node that is up (see
 * {@link #probe()}), whether the node was killed or hangs. Making it again goes through
 * the factory, on the one thread that also sends the probes: on an application's factory
 * the new connection's handshake is bounded by that factory's command timeout (60 s at
 * Lettuce's default), not by cachekit's. Classic {@code PUBLISH} reaches subscribers on
 * every node over the cluster bus, so the new node hears every channel. Sharded pub/sub
 * is not used: Spring Data Redis has no API for it, and Lettuce does not restore sharded
 * subscriptions after a node fails.
 *
 * <p>
 * {@link #close()} returns only once the thread has stopped and the connection is closed,
 * so that nothing of this object acts on the client after its owner shuts the client's
 * event loops down.
 */
final class RedisBroadcast implements AutoCloseable {

	/** The cap of the back-off between attempts to make the subscription. */
	static final long MAX_RETRY_DELAY_MILLIS = 1_000;

	private static final long FIRST_RETRY_DELAY_MILLIS = 100;

	private static final byte[] PROBE_MESSAGE = { 'p' };

	/**
	 * How long {@link #close()} lets a change in progress finish before interrupting it
	 * (a server that answers nothing), and then waits for the thread to end.
	 */
	private static final long CLOSE_WAIT_MILLIS = 2_000;

	/**
	 * How often, on a cluster, the subscription is checked by a probe message to a
	 * channel of its own, and how long the probe may take to come back.
	 */
	static final long PROBE_INTERVAL_MILLIS = 1_000;

	private static final Logger logger = LoggerFactory.getLogger(RedisBroadcast.class);

	/** The probe on a cluster; {@code null} elsewhere. */
	private final @Nullable Probe probePublisher;

	/** The probe's channel under the prefix, unique to this object. */
	private final String probeChannel;

	/**
	 * When the probe in flight on the current connection was sent
	 * ({@code System.nanoTime()}), or 0 for none.
	 */
	private volatile long probeSentAt;

	private final RedisConnectionFactory factory;

	private final RedisKeys keys;

	private final Map<String, Set<Adapter>> listeners = new ConcurrentHashMap<>();

	private final Dispatcher dispatcher = new Dispatcher();

	private final AtomicBoolean listenerFailed = new AtomicBoolean();

	/** The pub/sub connection; only the worker thread changes it, under this lock. */
	private @Nullable RedisConnection connection;

	/** The channels the connection is subscribed to; the worker thread's own. */
	private Set<String> subscribed = new HashSet<>();

	private @Nullable ScheduledExecutorService worker;

	private long retryDelayMillis = FIRST_RETRY_DELAY_MILLIS;

	private boolean syncScheduled;

	private boolean closed;

	RedisBroadcast(RedisConnectionFactory factory, RedisKeys keys) {
		this(factory, keys, null);
	}

	/**
	 * Creates the subscribing side.
	 * @param factory the connection factory
	 * @param keys the backend's keys
	 * @param probePublisher on a Redis Cluster, publishes a probe bounded by the command
	 * timeout, to check that the subscription still hears (a cluster's pub/sub connection
	 * lives on one node, which may fail), and hears when it was missed
	 */
	RedisBroadcast(RedisConnectionFactory factory, RedisKeys keys, @Nullable Probe probePublisher) {
		this.factory = factory;
		this.keys = keys;
		this.probePublisher = probePublisher;
		this.probeChannel = keys.prefix() + "cachekit:probe:" + UUID.randomUUID();
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
	 * server: the subscription is made in the background.
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
		this.listeners.computeIfAbsent(fullName, (name) -> new CopyOnWriteArraySet<>()).add(adapter);
		requestSync(0);
		return () -> unsubscribe(fullName, adapter);
	}

	/**
	 * Ends every subscription and closes the connection, after the thread that talks to
	 * the server has finished what it was doing: a connection it is making is then closed
	 * by it, before this method returns. Waits at most a few seconds. Idempotent.
	 */
	@Override
	public void close() {
		ScheduledExecutorService running;
		synchronized (this) {
			if (this.closed) {
				return;
			}
			this.closed = true;
			this.listeners.clear();
			running = this.worker;
		}
		if (running != null) {
			// Drops the changes not started yet; the one in progress makes no more once
			// closed, and closes what it made.
			running.shutdown();
			if (!awaitTermination(running)) {
				running.shutdownNow();
				if (!awaitTermination(running)) {
					logger.warn("The Redis subscription thread did not stop within {} ms", 2 * CLOSE_WAIT_MILLIS);
				}
			}
		}
		RedisConnection current;
		synchronized (this) {
			current = this.connection;
			this.connection = null;
		}
		if (current != null) {
			closeQuietly(current);
		}
	}

	private static boolean awaitTermination(ScheduledExecutorService running) {
		try {
			return running.awaitTermination(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	private synchronized void unsubscribe(String fullName, Adapter adapter) {
		adapter.closed = true;
		Set<Adapter> channelListeners = this.listeners.get(fullName);
		if (channelListeners != null && channelListeners.remove(adapter) && channelListeners.isEmpty()) {
			this.listeners.remove(fullName);
			requestSync(0);
		}
	}

	/** Asks the worker thread to bring the connection in line with the listeners. */
	private void requestSync(long delayMillis) {
		if (this.closed || this.syncScheduled) {
			return;
		}
		ScheduledExecutorService running = this.worker;
		if (running == null) {
			ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, (task) -> {
				Thread thread = new Thread(task, "cachekit-redis-subscribe");
				thread.setDaemon(true);
				return thread;
			});
			// A retry waiting for its delay is dropped at close, not waited for.
			executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
			executor.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
			running = executor;
			this.worker = running;
			if (this.probePublisher != null) {
				running.scheduleWithFixedDelay(this::probe, PROBE_INTERVAL_MILLIS, PROBE_INTERVAL_MILLIS,
						TimeUnit.MILLISECONDS);
			}
		}
		this.syncScheduled = true;
		running.schedule(this::sync, delayMillis, TimeUnit.MILLISECONDS);
	}

	/**
	 * On the worker thread: makes the connection, or adds and removes channels, so that
	 * it is subscribed to exactly the channels that have listeners. The server is talked
	 * to without holding this object's lock, so {@code subscribe} and {@code close} never
	 * wait for it.
	 */
	private void sync() {
		Set<String> wanted;
		RedisConnection current;
		synchronized (this) {
			this.syncScheduled = false;
			if (this.closed) {
				return;
			}
			wanted = wantedChannels();
			current = this.connection;
		}
		try {
			if (wanted.isEmpty()) {
				// Once closed, close() closes the connection.
				if (current != null && replaceConnection(null, Set.of())) {
					closeQuietly(current);
				}
				return;
			}
			if (current == null) {
				RedisConnection made = this.factory.getConnection();
				try {
					made.subscribe(this.dispatcher, bytes(wanted));
				}
				catch (RuntimeException ex) {
					closeQuietly(made);
					throw ex;
				}
				if (!replaceConnection(made, wanted)) {
					closeQuietly(made);
					return;
				}
			}
			else {
				Subscription subscription = current.getSubscription();
				if (subscription == null) {
					throw new IllegalStateException("the pub/sub connection has no subscription");
				}
				Set<String> added = new HashSet<>(wanted);
				added.removeAll(this.subscribed);
				Set<String> removed = new HashSet<>(this.subscribed);
				removed.removeAll(wanted);
				if (!added.isEmpty()) {
					subscription.subscribe(bytes(added));
				}
				if (!removed.isEmpty()) {
					subscription.unsubscribe(bytes(removed));
				}
				this.subscribed = wanted;
			}
			synchronized (this) {
				this.retryDelayMillis = FIRST_RETRY_DELAY_MILLIS;
				if (!wantedChannels().equals(this.subscribed)) {
					requestSync(0);
				}
			}
		}
		catch (RuntimeException ex) {
			RedisConnection failed;
			long delay;
			synchronized (this) {
				failed = this.connection;
				this.connection = null;
				this.subscribed = new HashSet<>();
				delay = this.retryDelayMillis;
				this.retryDelayMillis = Math.min(delay * 2, MAX_RETRY_DELAY_MILLIS);
				requestSync(delay);
			}
			logger.debug("Could not subscribe to Redis channels; trying again in {} ms", delay, ex);
			if (failed != null) {
				closeQuietly(failed);
			}
		}
	}

	/**
	 * The channels the connection must be subscribed to: those with listeners, and the
	 * probe's channel on a cluster while there are any.
	 */
	private Set<String> wantedChannels() {
		Set<String> wanted = new HashSet<>(this.listeners.keySet());
		if (this.probePublisher != null && !wanted.isEmpty()) {
			wanted.add(this.probeChannel);
		}
		return wanted;
	}

	/**
	 * On the worker thread, every {@link #PROBE_INTERVAL_MILLIS} on a cluster: when the
	 * last probe has not come back within that time, the node the pub/sub connection is
	 * on no longer delivers (it failed, or left the cluster): the connection is closed
	 * and made again, on a node that is up, which confirms every channel again (and so
	 * calls each listener's {@code onReset()}). Otherwise a new probe is published. A
	 * probe that cannot be published (the cluster is failing over) proves nothing and is
	 * tried at the next tick.
	 */
	private void probe() {
		Probe publisher = this.probePublisher;
		RedisConnection current;
		synchronized (this) {
			current = this.connection;
			if (this.closed || publisher == null || current == null || this.listeners.isEmpty()) {
				this.probeSentAt = 0;
				return;
			}
		}
		long sentAt = this.probeSentAt;
		long now = System.nanoTime();
		if (sentAt != 0) {
			if (now - sentAt < TimeUnit.MILLISECONDS.toNanos(PROBE_INTERVAL_MILLIS)) {
				return;
			}
			this.probeSentAt = 0;
			boolean dropped;
			synchronized (this) {
				dropped = this.connection == current;
				if (dropped) {
					this.connection = null;
					this.subscribed = new HashSet<>();
					requestSync(0);
				}
			}
			publisher.missed();
			if (dropped) {
				logger.info("The Redis Cluster pub/sub connection did not hear its probe within {} ms; "
						+ "subscribing again through another node", PROBE_INTERVAL_MILLIS);
				closeQuietly(current);
			}
			return;
		}
		try {
			this.probeSentAt = now;
			publisher.publish(bytes(this.probeChannel), PROBE_MESSAGE);
		}
		catch (RuntimeException ex) {
			this.probeSentAt = 0;
			logger.debug("Could not publish the Redis pub/sub probe", ex);
		}
	}

	/**
	 * Publishes a new connection (or none) unless this object was closed meanwhile.
	 * @return {@code false} when closed: the caller closes the connection it made
	 */
	private synchronized boolean replaceConnection(@Nullable RedisConnection made, Set<String> channels) {
		if (this.closed) {
			return false;
		}
		// A probe sent on the connection replaced cannot come back on the new one.
		this.probeSentAt = 0;
		this.connection = made;
		this.subscribed = new HashSet<>(channels);
		return true;
	}

	private static byte[][] bytes(Set<String> names) {
		List<byte[]> all = new ArrayList<>();
		for (String name : names) {
			all.add(bytes(name));
		}
		return all.toArray(new byte[0][]);
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
		String name = new String(channel, StandardCharsets.UTF_8);
		if (!reset && name.equals(this.probeChannel)) {
			this.probeSentAt = 0;
			return;
		}
		Set<Adapter> subscribed = this.listeners.get(name);
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

	/**
	 * Sends the probe of a cluster's subscription, and hears when one was missed.
	 */
	interface Probe {

		/**
		 * Publishes a probe once, bounded by the command timeout.
		 * @param channel the probe's channel
		 * @param message the probe
		 */
		void publish(byte[] channel, byte[] message);

		/**
		 * Called when a probe did not come back in time, before the subscription is made
		 * again: a chance to refresh the cluster's topology so that the failed node is
		 * not chosen again.
		 */
		void missed();

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
