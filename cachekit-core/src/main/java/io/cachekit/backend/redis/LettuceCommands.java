package io.cachekit.backend.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.KeyValue;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.ClusterPartitionParser;
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

	@Nullable Long publish(byte[] channel, byte[] message) {
		return await(this.commands.publish(channel, message));
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
		long wait = this.timeoutNanos;
		if (this.deadlineNanos != null) {
			wait = Math.max(0, Math.min(wait, this.deadlineNanos - System.nanoTime()));
		}
		return LettuceFutures.awaitOrCancel(future, wait, TimeUnit.NANOSECONDS);
	}

}
