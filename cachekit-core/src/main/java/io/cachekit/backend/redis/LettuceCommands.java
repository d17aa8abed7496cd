package io.cachekit.backend.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.lettuce.core.KeyValue;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisCommandInterruptedException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.ClusterPartitionParser;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import org.jspecify.annotations.Nullable;

/**
 * cachekit's Redis commands over Lettuce's asynchronous API, each waited for at most the
 * backend's command timeout.
 *
 * <p>
 * This is what bounds a call on an application's connection factory, whose own timeout
 * (Lettuce's default is 60 seconds, which Spring Boot keeps) would otherwise hold the
 * caller while a cluster node is down: a command not answered in time is cancelled and
 * fails with Lettuce's {@code RedisCommandTimeoutException} ({@code TIMEOUT}). A
 * cancelled command still waiting in Lettuce's buffer of a disconnected node is dropped,
 * never sent late.
 *
 * <p>
 * {@link RedisClusterAsyncCommands} is what both a standalone or sentinel connection and
 * a cluster connection offer; on a cluster, Lettuce routes each single-key command by its
 * key's slot and splits {@code MGET} by slot, reassembling the values in key order.
 * Instances are cheap and belong to one call.
 */
final class LettuceCommands {

	private final RedisClusterAsyncCommands<byte[], byte[]> commands;

	private final long timeoutNanos;

	/** The {@code System.nanoTime()} no command waits past, or {@code null} for none. */
	private final @Nullable Long deadlineNanos;

	LettuceCommands(RedisClusterAsyncCommands<byte[], byte[]> commands, Duration timeout) {
		this(commands, timeout, null);
	}

	/**
	 * Commands that each wait at most the timeout, and none past the deadline.
	 * @param commands the connection's commands
	 * @param timeout the bound of each command
	 * @param deadlineNanos the {@code System.nanoTime()} no command waits past, or
	 * {@code null} for none
	 */
	LettuceCommands(RedisClusterAsyncCommands<byte[], byte[]> commands, Duration timeout,
			@Nullable Long deadlineNanos) {
		this.commands = commands;
		this.timeoutNanos = timeout.toNanos();
		this.deadlineNanos = deadlineNanos;
	}

	byte @Nullable [] get(byte[] key) {
		return await(this.commands.get(key));
	}

	void set(byte[] key, byte[] value, long ttlMillis) {
		await((ttlMillis > 0) ? this.commands.set(key, value, SetArgs.Builder.px(ttlMillis))
				: this.commands.set(key, value));
	}

	/**
	 * {@code SET key value NX [PX ttl]}.
	 * @return whether the value was stored
	 */
	boolean setNxPx(byte[] key, byte[] value, long ttlMillis) {
		SetArgs args = (ttlMillis > 0) ? SetArgs.Builder.nx().px(ttlMillis) : SetArgs.Builder.nx();
		return "OK".equals(await(this.commands.set(key, value, args)));
	}

	long del(byte[] key) {
		Long deleted = await(this.commands.del(key));
		return (deleted != null) ? deleted : 0;
	}

	boolean exists(byte[] key) {
		Long count = await(this.commands.exists(key));
		return count != null && count > 0;
	}

	/**
	 * {@code MGET}, one value or {@code null} per key, in the keys' order.
	 */
	List<byte @Nullable []> mget(byte[][] keys) {
		List<KeyValue<byte[], byte[]>> found = await(this.commands.mget(keys));
		List<byte @Nullable []> values = new ArrayList<>(keys.length);
		if (found != null) {
			for (KeyValue<byte[], byte[]> entry : found) {
				values.add(entry.hasValue() ? entry.getValue() : null);
			}
		}
		return values;
	}

	@Nullable Long pttl(byte[] key) {
		return await(this.commands.pttl(key));
	}

	byte @Nullable [] evalsha(String sha, byte[] key, byte[]... args) {
		return await(this.commands.<byte[]>evalsha(sha, ScriptOutputType.VALUE, new byte[][] { key }, args));
	}

	byte @Nullable [] eval(byte[] script, byte[] key, byte[]... args) {
		return await(this.commands.<byte[]>eval(script, ScriptOutputType.VALUE, new byte[][] { key }, args));
	}

	/**
	 * {@code PUBLISH}; on a cluster, to the node the route chooses rather than to the
	 * master of the channel's slot (see {@link ClusterPublishRoute}), connecting to it
	 * and publishing within one command timeout. A failure moves the route to another
	 * node before it is thrown.
	 * @param channel the channel
	 * @param message the message
	 * @param route the route of a cluster's messages
	 * @return how many subscribers heard it on the node it was sent to
	 */
	@Nullable Long publish(byte[] channel, byte[] message, ClusterPublishRoute route) {
		if (!(this.commands instanceof RedisAdvancedClusterAsyncCommands<byte[], byte[]> cluster)) {
			return await(this.commands.publish(channel, message));
		}
		StatefulRedisClusterConnection<byte[], byte[]> connection = cluster.getStatefulConnection();
		Partitions partitions = connection.getPartitions();
		RedisClusterNode node = route.node(partitions);
		if (node == null) {
			// No usable node known: Lettuce's routing fails or finds one.
			return await(this.commands.publish(channel, message));
		}
		long deadline = deadline();
		try {
			StatefulRedisConnection<byte[], byte[]> nodeConnection = awaitConnection(
					connection.getConnectionAsync(node.getNodeId()), deadline, node);
			return await(nodeConnection.async().publish(channel, message), deadline);
		}
		catch (RuntimeException ex) {
			route.failed(node, partitions);
			throw ex;
		}
	}

	@Nullable String ping() {
		return await(this.commands.ping());
	}

	/**
	 * {@code CLUSTER NODES} and {@code CLUSTER INFO}, as health details.
	 * @see RedisTopologyDetails#cluster(io.lettuce.core.cluster.models.partitions.Partitions,
	 * String)
	 */
	Map<String, Object> clusterDetails() {
		String nodes = await(this.commands.clusterNodes());
		String info = await(this.commands.clusterInfo());
		return RedisTopologyDetails.cluster(ClusterPartitionParser.parse((nodes != null) ? nodes : ""),
				(info != null) ? info : "");
	}

	/**
	 * Waits for a command at most the timeout, and not past the deadline; cancels it and
	 * throws {@code RedisCommandTimeoutException} when it is not answered in time. An
	 * error reply or a connection failure is thrown as Lettuce's exception, unwrapped
	 * from the future's.
	 */
	private <T> @Nullable T await(RedisFuture<T> future) {
		return await(future, deadline());
	}

	private static <T> @Nullable T await(RedisFuture<T> future, long deadline) {
		return LettuceFutures.awaitOrCancel(future, remaining(deadline), TimeUnit.NANOSECONDS);
	}

	/**
	 * The {@code System.nanoTime()} a command started now waits to: one timeout away, and
	 * not past the deadline.
	 */
	private long deadline() {
		long end = System.nanoTime() + this.timeoutNanos;
		return (this.deadlineNanos != null && this.deadlineNanos - end < 0) ? this.deadlineNanos : end;
	}

	private static long remaining(long deadline) {
		return Math.max(0, deadline - System.nanoTime());
	}

	/**
	 * Waits for a connection to one node of a cluster until the deadline; fails as a
	 * command that timed out when it is not made in time, and with Lettuce's exception,
	 * unwrapped, when it cannot be made.
	 */
	private static <T> T awaitConnection(CompletableFuture<T> future, long deadline, RedisClusterNode node) {
		try {
			return future.get(remaining(deadline), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			throw new RedisCommandTimeoutException("Connecting to cluster node " + node.getUri() + " timed out");
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			while (cause instanceof CompletionException && cause.getCause() != null) {
				cause = cause.getCause();
			}
			if (cause instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw new RedisConnectionException("Cannot connect to cluster node " + node.getUri(), cause);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new RedisCommandInterruptedException(ex);
		}
	}

}
