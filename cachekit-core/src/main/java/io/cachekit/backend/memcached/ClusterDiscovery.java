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

	private long version = Long.MIN_VALUE;

	private boolean applied;

	private Set<String> nodes = Set.of();

	private volatile @Nullable String failure;

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
		catch (RuntimeException ex) {
			// Never let the schedule die: the next turn tries again.
			logger.warn("applying the memcached cluster configuration from {} failed", this.client.endpoint(), ex);
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
		if (this.applied && configuration.getConfigVersion() <= this.version) {
			return true;
		}
		this.listener.accept(configuration);
		Set<String> nodes = new LinkedHashSet<>();
		for (NodeEndPoint node : configuration.getCacheNodeEndPoints()) {
			nodes.add(new ServerAddress(node.getHostName(), node.getPort()).toString());
		}
		if (this.applied) {
			for (String node : nodes) {
				if (!this.nodes.contains(node)) {
					logger.info("memcached node added: {} (cluster config version {})", node,
							configuration.getConfigVersion());
				}
			}
			for (String node : this.nodes) {
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
		this.nodes = Set.copyOf(nodes);
		this.version = configuration.getConfigVersion();
		this.applied = true;
		return true;
	}

	private void unreachable(IOException ex) {
		String reason = "memcached discovery endpoint " + this.client.endpoint()
				+ " cannot be asked for the cluster's nodes: " + ex.getMessage();
		boolean first = this.failure == null;
		this.failure = reason;
		if (first) {
			logger.warn("{}; {}", reason, this.applied ? "keeping the nodes of cluster config version " + this.version
					: "asking again every " + Durations.format(this.interval));
		}
		else {
			logger.debug(reason);
		}
	}

	/**
	 * Returns the version of the configuration applied.
	 * @return the version, or {@code null} before the first
	 */
	synchronized @Nullable Long version() {
		return this.applied ? this.version : null;
	}

	/**
	 * Returns why the endpoint could not be asked the last time, if it could not.
	 * @return the reason, or {@code null} when the last answer came
	 */
	@Nullable String failure() {
		return this.failure;
	}

	/**
	 * Returns the endpoint.
	 * @return the endpoint
	 */
	ServerAddress endpoint() {
		return this.client.endpoint();
	}

	/**
	 * Stops asking, waiting up to one timeout for a question under way.
	 */
	@Override
	public void close() {
		this.scheduler.shutdownNow();
		try {
			this.scheduler.awaitTermination(2, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
