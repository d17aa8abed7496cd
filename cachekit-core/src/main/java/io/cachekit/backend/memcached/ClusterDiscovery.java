package io.cachekit.backend.memcached;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.cachekit.backend.Durations;
import net.spy.memcached.config.ClusterConfiguration;
import net.spy.memcached.config.NodeEndPoint;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls a configuration endpoint for the cluster's nodes and hands every newer
 * configuration to the backend.
 *
 * <p>
 * One daemon thread, {@code cachekit-memcached-discovery}, asks the endpoint every
 * interval. Only a configuration whose version is greater than the one applied is passed
 * on (a lower one, from an endpoint that lags, is ignored), so a change reaches the
 * clients within one interval plus one round trip. Each node added or removed is logged
 * once, at INFO; an endpoint that cannot be reached is logged once at WARN, then at DEBUG
 * while it stays so, and at INFO when it answers again. Logged under
 * {@code MemcachedBackend}'s logger. Thread-safe; {@link #close()} stops the thread.
 */
final class ClusterDiscovery implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(MemcachedBackend.class);

	private final ClusterConfigClient client;

	private final Duration interval;

	private final Consumer<ClusterConfiguration> listener;

	private final ScheduledExecutorService scheduler;

	/** What was applied; read without the lock, so that health never waits for a poll. */
	private volatile Applied applied = Applied.NONE;

	/** Why the endpoint could not be asked the last time, if it could not. */
	private volatile @Nullable String failure;

	/** Why the last configuration could not be applied, if it could not. */
	private volatile @Nullable String applyFailure;

	ClusterDiscovery(ClusterConfigClient client, Duration interval, Consumer<ClusterConfiguration> listener) {
		this.client = client;
		this.interval = interval;
		this.listener = listener;
		this.scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "cachekit-memcached-discovery");
			thread.setDaemon(true);
			return thread;
		});
	}

	/**
	 * Starts asking the endpoint every interval, the first time after one interval.
	 */
	void start() {
		long millis = this.interval.toMillis();
		this.scheduler.scheduleWithFixedDelay(this::pollQuietly, millis, millis, TimeUnit.MILLISECONDS);
	}

	private void pollQuietly() {
		try {
			poll();
		}
		catch (Throwable ex) {
			// Never let the schedule die: an exception thrown here would end it for good,
			// kept in a future nobody reads. The next turn tries again.
			String reason = "applying the memcached cluster configuration from " + this.client.endpoint() + " failed: "
					+ ex;
			boolean first = !reason.equals(this.applyFailure);
			this.applyFailure = reason;
			if (first) {
				logger.warn("{}; asking again every {}", reason, Durations.format(this.interval), ex);
			}
			else {
				logger.debug(reason, ex);
			}
		}
	}

	/**
	 * Asks the endpoint once and applies its answer when it is newer than the one
	 * applied.
	 * @return {@code true} when the endpoint answered
	 */
	synchronized boolean poll() {
		ClusterConfiguration configuration;
		try {
			configuration = this.client.fetch();
		}
		catch (IOException ex) {
			unreachable(ex);
			return false;
		}
		if (this.failure != null) {
			this.failure = null;
			logger.info("memcached discovery endpoint {} answers again", this.client.endpoint());
		}
		Applied applied = this.applied;
		if (applied.known() && configuration.getConfigVersion() <= applied.version()) {
			return true;
		}
		this.listener.accept(configuration);
		Set<String> nodes = new LinkedHashSet<>();
		for (NodeEndPoint node : configuration.getCacheNodeEndPoints()) {
			nodes.add(new ServerAddress(node.getHostName(), node.getPort()).toString());
		}
		if (applied.known()) {
			for (String node : nodes) {
				if (!applied.nodes().contains(node)) {
					logger.info("memcached node added: {} (cluster config version {})", node,
							configuration.getConfigVersion());
				}
			}
			for (String node : applied.nodes()) {
				if (!nodes.contains(node)) {
					logger.info("memcached node removed: {} (cluster config version {})", node,
							configuration.getConfigVersion());
				}
			}
		}
		else {
			logger.info("memcached nodes from {}: {} (cluster config version {})", this.client.endpoint(),
					new ArrayList<>(nodes), configuration.getConfigVersion());
		}
		this.applied = new Applied(true, configuration.getConfigVersion(), Set.copyOf(nodes));
		this.applyFailure = null;
		return true;
	}

	private void unreachable(IOException ex) {
		String reason = "memcached discovery endpoint " + this.client.endpoint()
				+ " cannot be asked for the cluster's nodes: " + ex.getMessage();
		boolean first = this.failure == null;
		this.failure = reason;
		if (first) {
			Applied applied = this.applied;
			logger.warn("{}; {}", reason,
					applied.known() ? "keeping the nodes of cluster config version " + applied.version()
							: "asking again every " + Durations.format(this.interval));
		}
		else {
			logger.debug(reason);
		}
	}

	/**
	 * Returns the version of the configuration applied, without waiting for a poll under
	 * way.
	 * @return the version, or {@code null} before the first
	 */
	@Nullable Long version() {
		Applied applied = this.applied;
		return applied.known() ? applied.version() : null;
	}

	/**
	 * Returns why the endpoint could not be asked the last time, if it could not, or else
	 * why its last configuration could not be applied, if it could not.
	 * @return the reason, or {@code null} when the last answer came and was applied
	 */
	@Nullable String failure() {
		String failure = this.failure;
		return (failure != null) ? failure : this.applyFailure;
	}

	/**
	 * Returns the endpoint.
	 * @return the endpoint
	 */
	ServerAddress endpoint() {
		return this.client.endpoint();
	}

	/**
	 * Stops asking: interrupts a first connection to the nodes under way, and waits up to
	 * the endpoint's timeout for a question under way, which that timeout bounds.
	 */
	@Override
	public void close() {
		this.scheduler.shutdownNow();
		try {
			this.scheduler.awaitTermination(this.client.timeout().toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * The configuration applied: its version and nodes, or none yet.
	 */
	private record Applied(boolean known, long version, Set<String> nodes) {

		static final Applied NONE = new Applied(false, Long.MIN_VALUE, Set.of());

	}

}
