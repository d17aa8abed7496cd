package io.cachekit.backend.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.AsyncCloseable;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.sentinel.api.StatefulRedisSentinelConnection;
import io.lettuce.core.sentinel.api.async.RedisSentinelAsyncCommands;
import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.connection.RedisNode;
import org.springframework.data.redis.connection.RedisSentinelConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The health details of a Redis Cluster or Sentinel setup: which nodes there are, their
 * roles and states, without any credential.
 *
 * <p>
 * Cluster: {@code cluster_state} (from {@code CLUSTER INFO}), {@code slots_served} (the
 * slots a master that is up serves) and {@code nodes}, a map from {@code host:port} to
 * {@code role} ({@code master} or {@code replica}), {@code state} ({@code up},
 * {@code pfail}, {@code fail} or {@code disconnected}, as the answering node sees it)
 * and, for a master, {@code slots} ({@code "0-5460"}). Sentinel: {@code master} (the
 * master's name, address and flags), {@code replicas} and {@code sentinels} (address and
 * flags), as the first sentinel that answers reports them. Every call is bounded by the
 * command timeout, and none waits past the deadline of the health check it is part of.
 */
final class RedisTopologyDetails {

	/** How many hash slots a Redis Cluster has. */
	static final int SLOTS = 16384;

	private RedisTopologyDetails() {
	}

	/**
	 * Maps a cluster's nodes ({@code CLUSTER NODES}) and {@code CLUSTER INFO} to details.
	 */
	static Map<String, Object> cluster(Partitions partitions, String clusterInfo) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("cluster_state", field(clusterInfo, "cluster_state").orElse("unknown"));
		Map<String, Object> nodes = new TreeMap<>();
		boolean[] served = new boolean[SLOTS];
		for (RedisClusterNode node : partitions) {
			Map<String, Object> node_ = new LinkedHashMap<>();
			boolean master = node.is(RedisClusterNode.NodeFlag.UPSTREAM);
			String state = state(node);
			node_.put("role", master ? "master" : "replica");
			node_.put("state", state);
			if (master && !node.hasNoSlots()) {
				node_.put("slots", ranges(node.getSlots()));
				if (state.equals("up")) {
					node.getSlots().forEach((slot) -> served[slot] = true);
				}
			}
			nodes.put(ClusterTopology.address(node), node_);
		}
		int count = 0;
		for (boolean slot : served) {
			count += slot ? 1 : 0;
		}
		details.put("slots_served", count);
		details.put("nodes", nodes);
		return details;
	}

	/**
	 * Asks the sentinels of a factory about its master, one after the other until one
	 * answers, over a connection of its own made with the factory's client. Connecting
	 * and each command wait at most the timeout, and nothing waits past the deadline: the
	 * sentinels share what is left of the health check's time, so that unreachable ones
	 * cannot add up.
	 * @param factory a sentinel-aware Lettuce factory
	 * @param timeout the bound of connecting and of each command
	 * @param deadlineNanos the {@code System.nanoTime()} nothing waits past
	 * @return the details
	 * @throws RedisException when no sentinel answers in time
	 */
	static Map<String, Object> sentinel(LettuceConnectionFactory factory, Duration timeout, long deadlineNanos) {
		RedisSentinelConfiguration configuration = factory.getSentinelConfiguration();
		if (configuration == null) {
			return Map.of();
		}
		String master = configuration.getRequiredMaster().getName();
		RedisClient client = (RedisClient) factory.getRequiredNativeClient();
		RedisException failure = new RedisException("no sentinel of '" + master + "' answered within " + timeout);
		for (RedisNode sentinel : configuration.getSentinels()) {
			if (remaining(timeout, deadlineNanos).isZero()) {
				failure.addSuppressed(new RedisCommandTimeoutException(
						"sentinel " + sentinel + " was not asked: the health check's time ran out"));
				continue;
			}
			RedisURI uri = sentinelUri(sentinel, configuration, factory.isUseSsl(), remaining(timeout, deadlineNanos));
			CompletableFuture<StatefulRedisSentinelConnection<String, String>> connecting = client
				.connectSentinelAsync(StringCodec.UTF8, uri);
			StatefulRedisSentinelConnection<String, String> connection = null;
			try {
				connection = awaitConnection(connecting, remaining(timeout, deadlineNanos));
				RedisSentinelAsyncCommands<String, String> commands = connection.async();
				Map<String, String> masterState = await(commands.master(master), remaining(timeout, deadlineNanos));
				List<Map<String, String>> replicas = await(commands.replicas(master),
						remaining(timeout, deadlineNanos));
				return sentinel(masterState, replicas, sentinel.toString());
			}
			catch (TimeoutException ex) {
				failure.addSuppressed(new RedisCommandTimeoutException("sentinel " + sentinel + " did not answer"));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new RedisException("interrupted asking the sentinels", ex);
			}
			catch (ExecutionException | RuntimeException ex) {
				failure.addSuppressed(ex);
			}
			finally {
				if (connection != null) {
					connection.closeAsync();
				}
			}
		}
		throw failure;
	}

	/**
	 * Waits for a connection at most the timeout. When it is not made in time, it is
	 * closed once it is: cancelling the future would not stop Lettuce, whose connection,
	 * made later, would otherwise stay open and reconnect for good.
	 * @param connecting the connection being made
	 * @param timeout how long to wait
	 * @return the connection
	 * @throws TimeoutException when it is not made in time
	 */
	static <C extends AsyncCloseable> C awaitConnection(CompletableFuture<C> connecting, Duration timeout)
			throws TimeoutException, InterruptedException, ExecutionException {
		try {
			return connecting.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException | InterruptedException ex) {
			connecting.whenComplete((late, failure) -> {
				if (late != null) {
					late.closeAsync();
				}
			});
			throw ex;
		}
	}

	/**
	 * Maps a sentinel's answers about a master to details.
	 */
	static Map<String, Object> sentinel(@Nullable Map<String, String> master,
			@Nullable List<Map<String, String>> replicas, String answeredBy) {
		Map<String, Object> details = new LinkedHashMap<>();
		if (master != null) {
			Map<String, Object> masterDetails = server(master);
			masterDetails.put("name", String.valueOf(master.get("name")));
			details.put("master", masterDetails);
		}
		details.put("replicas", servers(replicas));
		String others = (master != null) ? master.get("num-other-sentinels") : null;
		if (others != null && others.matches("[0-9]+")) {
			details.put("sentinels", Integer.parseInt(others) + 1);
		}
		details.put("answered_by", answeredBy);
		return details;
	}

	private static List<Object> servers(@Nullable List<Map<String, String>> servers) {
		List<Object> list = new ArrayList<>();
		if (servers != null) {
			for (Map<String, String> server : servers) {
				list.add(server(server));
			}
		}
		return list;
	}

	private static Map<String, Object> server(Map<String, String> server) {
		Map<String, Object> details = new LinkedHashMap<>();
		String ip = String.valueOf(server.get("ip"));
		details.put("address", ((ip.indexOf(':') >= 0) ? "[" + ip + "]" : ip) + ":" + server.get("port"));
		details.put("flags", String.valueOf(server.get("flags")));
		return details;
	}

	static RedisURI sentinelUri(RedisNode sentinel, RedisSentinelConfiguration configuration, boolean ssl,
			Duration timeout) {
		RedisURI.Builder uri = RedisURI.Builder
			.redis(String.valueOf(sentinel.getHost()), (sentinel.getPort() != null) ? sentinel.getPort() : 26379)
			.withSsl(ssl)
			.withTimeout(timeout);
		char[] password = configuration.getSentinelPassword().toOptional().orElse(null);
		if (password != null) {
			String username = configuration.getSentinelUsername();
			if (username != null) {
				uri.withAuthentication(username, password);
			}
			else {
				uri.withPassword(password);
			}
		}
		return uri.build();
	}

	/**
	 * What a step may wait: the timeout, or less when the deadline is nearer; zero once
	 * it has passed.
	 */
	static Duration remaining(Duration timeout, long deadlineNanos) {
		long left = deadlineNanos - System.nanoTime();
		return (left <= 0) ? Duration.ZERO : (left < timeout.toNanos()) ? Duration.ofNanos(left) : timeout;
	}

	private static <T> @Nullable T await(io.lettuce.core.RedisFuture<T> future, Duration timeout) {
		return LettuceFutures.awaitOrCancel(future, timeout.toNanos(), TimeUnit.NANOSECONDS);
	}

	private static String state(RedisClusterNode node) {
		if (node.is(RedisClusterNode.NodeFlag.FAIL)) {
			return "fail";
		}
		if (node.is(RedisClusterNode.NodeFlag.EVENTUAL_FAIL)) {
			return "pfail";
		}
		if (!node.is(RedisClusterNode.NodeFlag.MYSELF) && !node.isConnected()) {
			return "disconnected";
		}
		return "up";
	}

	/** Slots as ranges: {@code "0-5460"}, {@code "0-10,12"}. */
	static String ranges(List<Integer> slots) {
		List<Integer> sorted = slots.stream().sorted().toList();
		StringBuilder text = new StringBuilder();
		int i = 0;
		while (i < sorted.size()) {
			int start = sorted.get(i);
			int end = start;
			while (i + 1 < sorted.size() && sorted.get(i + 1) == end + 1) {
				end = sorted.get(++i);
			}
			if (text.length() > 0) {
				text.append(',');
			}
			text.append(start);
			if (end != start) {
				text.append('-').append(end);
			}
			i++;
		}
		return text.toString();
	}

	private static java.util.Optional<String> field(String info, String name) {
		for (String line : info.split("\r?\n")) {
			if (line.startsWith(name + ":")) {
				return java.util.Optional.of(line.substring(name.length() + 1).strip());
			}
		}
		return java.util.Optional.empty();
	}

}
