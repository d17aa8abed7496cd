package io.cachekit.backend.redis;

import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Asks a Redis Cluster client to read the cluster's topology again when a command failed,
 * and tells when the set of masters changed.
 *
 * <p>
 * A connection factory with no topology refresh of its own (Spring Boot's, when only
 * {@code spring.data.redis.cluster.nodes} is set) keeps a failed master's slots mapped to
 * it until something refreshes the topology; commands routed there wait for their
 * timeout. Every failure that may come from a moved or lost node ({@code TRANSIENT},
 * {@code TIMEOUT}) calls {@link #nudge()}, which starts an asynchronous refresh at most
 * once per {@link #MIN_INTERVAL_NANOS}, and never while the last one it started is still
 * running: on a host that drops packets, a refresh waits for the factory's connect
 * timeout (10 s on Spring Boot's), and refreshes must not pile up behind it. The circuit
 * breaker's probes keep failing, and so keep nudging, until the replica is promoted and
 * the refresh maps the slots to it.
 *
 * <p>
 * After each refresh it starts, the masters (the nodes that serve slots) are compared
 * with the last ones seen; a change is logged once at INFO. Thread-safe; the refresh runs
 * on the client's own threads, never the caller's.
 */
final class ClusterTopology {

	/** The shortest time between two refreshes started here: 500 ms. */
	static final long MIN_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

	private static final Logger logger = LoggerFactory.getLogger(ClusterTopology.class);

	private final LettuceConnectionFactory factory;

	private final LongSupplier nanoTime;

	private final AtomicLong lastRefresh;

	/** Whether a refresh started here has not finished yet. */
	private final AtomicBoolean inFlight = new AtomicBoolean();

	private final Object mastersLock = new Object();

	private @Nullable Set<String> masters;

	ClusterTopology(LettuceConnectionFactory factory, LongSupplier nanoTime) {
		this.factory = factory;
		this.nanoTime = nanoTime;
		this.lastRefresh = new AtomicLong(nanoTime.getAsLong() - MIN_INTERVAL_NANOS);
	}

	/**
	 * Returns the topology helper for a cluster-aware Lettuce factory.
	 * @param factory any connection factory
	 * @return the helper, or {@code null} when the factory is not a Lettuce cluster one
	 */
	static @Nullable ClusterTopology of(RedisConnectionFactory factory) {
		if (factory instanceof LettuceConnectionFactory lettuce && lettuce.isClusterAware()) {
			return new ClusterTopology(lettuce, System::nanoTime);
		}
		return null;
	}

	/**
	 * Starts a topology refresh unless one was started within the last 500 ms or is still
	 * running. Never throws, never blocks.
	 * @return whether a refresh was started
	 */
	boolean nudge() {
		if (!due()) {
			return false;
		}
		try {
			RedisClusterClient client = (RedisClusterClient) this.factory.getRequiredNativeClient();
			client.getResources().eventExecutorGroup().execute(() -> refresh(client));
			return true;
		}
		catch (RuntimeException ex) {
			// A factory that is stopped or not started has nothing to refresh.
			finished();
			logger.debug("Could not start a Redis Cluster topology refresh", ex);
			return false;
		}
	}

	/**
	 * Takes the right to start a refresh: at most once per {@link #MIN_INTERVAL_NANOS}
	 * among all threads, and only when none is running; {@link #finished()} gives it
	 * back.
	 * @return whether this caller may start one
	 */
	boolean due() {
		long now = this.nanoTime.getAsLong();
		long last = this.lastRefresh.get();
		if (now - last < MIN_INTERVAL_NANOS || !this.inFlight.compareAndSet(false, true)) {
			return false;
		}
		if (!this.lastRefresh.compareAndSet(last, now)) {
			this.inFlight.set(false);
			return false;
		}
		return true;
	}

	/**
	 * Tells that the refresh {@link #due()} allowed has ended, however it ended.
	 */
	void finished() {
		this.inFlight.set(false);
	}

	private void refresh(RedisClusterClient client) {
		try {
			client.refreshPartitionsAsync().whenComplete((done, failure) -> {
				finished();
				if (failure != null) {
					logger.debug("Redis Cluster topology refresh failed", failure);
				}
				else {
					compare(client.getPartitions());
				}
			});
		}
		catch (RuntimeException ex) {
			finished();
			logger.debug("Redis Cluster topology refresh failed", ex);
		}
	}

	/**
	 * Compares the masters of a topology with the last ones seen; logs a change.
	 * @param partitions the topology just read
	 * @return whether the masters changed (the first topology seen is no change)
	 */
	boolean compare(Partitions partitions) {
		Set<String> current = masters(partitions);
		Set<String> previous;
		synchronized (this.mastersLock) {
			previous = this.masters;
			if (current.equals(previous)) {
				return false;
			}
			this.masters = current;
		}
		if (previous == null) {
			return false;
		}
		logger.info("Redis Cluster masters changed from {} to {}", previous, current);
		return true;
	}

	/**
	 * The masters that serve slots, as sorted {@code host:port}, leaving out those the
	 * cluster marks failed.
	 */
	static Set<String> masters(Partitions partitions) {
		Set<String> masters = new TreeSet<>();
		for (RedisClusterNode node : partitions) {
			if (node.is(RedisClusterNode.NodeFlag.UPSTREAM) && !node.hasNoSlots()
					&& !node.is(RedisClusterNode.NodeFlag.FAIL)) {
				masters.add(address(node));
			}
		}
		return masters;
	}

	static String address(RedisClusterNode node) {
		RedisURI uri = node.getUri();
		if (uri == null) {
			return node.getNodeId();
		}
		String host = uri.getHost();
		return ((host.indexOf(':') >= 0) ? "[" + host + "]" : host) + ":" + uri.getPort();
	}

}
