package io.cachekit.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A real Redis Sentinel group on loopback ports, for integration tests: a master, a
 * replica of it, and three sentinels ({@code redis-server <config> --sentinel},
 * {@link ServerKind#REDIS_SENTINEL}) that monitor it as {@value #MASTER_NAME} with a
 * quorum of two.
 *
 * <p>
 * {@link #start()} returns once the replica's link is up and every sentinel knows the
 * replica and the two other sentinels, so that both a {@linkplain #failover() requested
 * failover} and a {@linkplain #killMaster() crashed master} promote the replica. A master
 * is deemed down after one second ({@code down-after-milliseconds 1000}).
 * {@link #masterAddress()} asks the sentinels ({@code SENTINEL get-master-addr-by-name}),
 * so it follows failovers.
 *
 * <p>
 * {@link #close()} stops every process by its pid, also after a failed test; a JVM
 * shutdown hook kills any left over. Not thread-safe: one test class drives one group.
 */
public final class RedisSentinels implements AutoCloseable {

	/** The name the sentinels monitor the master under. */
	public static final String MASTER_NAME = "mymaster";

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private final List<ServerProcess> servers = new ArrayList<>();

	private final List<ServerProcess> sentinels = new ArrayList<>();

	/** The password of the master and the replica, or {@code null} for none. */
	private final @Nullable String password;

	/** The password of the sentinels themselves, or {@code null} for none. */
	private final @Nullable String sentinelPassword;

	/**
	 * The group's directory, with a working directory of its own for each data node
	 * ({@code master}, {@code replica}): a replica writes the master's snapshot
	 * ({@code dump.rdb}) into its own when it synchronises.
	 */
	private final Path directory;

	private RedisSentinels(@Nullable String password, @Nullable String sentinelPassword) {
		this.password = password;
		this.sentinelPassword = sentinelPassword;
		try {
			this.directory = Files.createTempDirectory("cachekit-redis-sentinel-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot create a directory for the Sentinel group", ex);
		}
	}

	/**
	 * Starts a master, a replica and three sentinels, and waits until the sentinels know
	 * each other and the replica. <pre>{@code
	 * RedisSentinels group = RedisSentinels.start();
	 * }</pre>
	 * @return the running group
	 * @throws IllegalStateException when {@code redis-server} is missing or the group
	 * does not come up
	 */
	public static RedisSentinels start() {
		return start(null, null);
	}

	/**
	 * Starts a group whose master and replica require {@code password}
	 * ({@code requirepass}, {@code masterauth}) and whose sentinels require
	 * {@code sentinelPassword} ({@code requirepass}; {@code sentinel-pass} among
	 * themselves), and waits as {@link #start()} does. <pre>{@code
	 * RedisSentinels group = RedisSentinels.start("data-secret", "sentinel-secret");
	 * }</pre>
	 * @param password the data nodes' password, or {@code null} for none
	 * @param sentinelPassword the sentinels' password, or {@code null} for none
	 * @return the running group
	 * @throws IllegalStateException when {@code redis-server} is missing or the group
	 * does not come up
	 */
	public static RedisSentinels start(@Nullable String password, @Nullable String sentinelPassword) {
		RedisSentinels group = new RedisSentinels(password, sentinelPassword);
		try {
			List<String> data = new ArrayList<>(List.of("--repl-diskless-sync-delay", "0"));
			if (password != null) {
				data.addAll(List.of("--requirepass", password, "--masterauth", password));
			}
			ServerProcess master = ServerProcess.start(ServerKind.REDIS, group.dataNode(data, "master"));
			group.servers.add(master);
			data.addAll(List.of("--replicaof", "127.0.0.1", Integer.toString(master.port())));
			group.servers.add(ServerProcess.start(ServerKind.REDIS, group.dataNode(data, "replica")));
			await("the replica's link to " + master,
					() -> group.info(group.servers.get(1), "INFO", "replication").contains("master_link_status:up"));
			// The monitor line comes first: the others name its master.
			List<String> watching = new ArrayList<>(List.of("--sentinel", "monitor", MASTER_NAME, "127.0.0.1",
					Integer.toString(master.port()), "2", "--sentinel", "down-after-milliseconds", MASTER_NAME, "1000",
					"--sentinel", "failover-timeout", MASTER_NAME, "5000"));
			if (password != null) {
				watching.addAll(List.of("--sentinel", "auth-pass", MASTER_NAME, password));
			}
			if (sentinelPassword != null) {
				watching.addAll(
						List.of("--requirepass", sentinelPassword, "--sentinel", "sentinel-pass", sentinelPassword));
			}
			for (int i = 0; i < 3; i++) {
				group.sentinels.add(ServerProcess.start(ServerKind.REDIS_SENTINEL, watching.toArray(new String[0])));
			}
			await("every sentinel to know the replica and the other sentinels",
					() -> group.sentinels.stream().allMatch((sentinel) -> {
						List<String> state = group.masterState(sentinel);
						return "1".equals(field(state, "num-slaves"))
								&& "2".equals(field(state, "num-other-sentinels"));
					}));
			return group;
		}
		catch (RuntimeException ex) {
			group.close();
			throw ex;
		}
	}

	/**
	 * Returns the arguments of a data node: the shared ones and a working directory of
	 * its own, made here.
	 */
	private String[] dataNode(List<String> arguments, String name) {
		Path working;
		try {
			working = Files.createDirectory(this.directory.resolve(name));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot create a directory for the " + name, ex);
		}
		List<String> all = new ArrayList<>(arguments);
		all.addAll(List.of("--dir", working.toString()));
		return all.toArray(new String[0]);
	}

	/**
	 * Returns the working directory of a data node of the group.
	 * @param server a server of {@link #servers()}
	 * @return its directory, from {@code CONFIG GET dir}
	 */
	public Path directoryOf(ServerProcess server) {
		try (RawRedis redis = connect(server, this.password)) {
			List<?> reply = (List<?>) Objects.requireNonNull(redis.call("CONFIG", "GET", "dir"));
			return Path.of(text(reply.get(1)));
		}
	}

	/**
	 * Returns the Redis servers (first the initial master, then its replica), whatever
	 * their role now.
	 * @return the servers, killed ones included
	 */
	public List<ServerProcess> servers() {
		return List.copyOf(this.servers);
	}

	/**
	 * Returns the sentinels.
	 * @return the three sentinels
	 */
	public List<ServerProcess> sentinels() {
		return List.copyOf(this.sentinels);
	}

	/**
	 * Returns the sentinels' addresses as {@code 127.0.0.1:port}: the nodes a client is
	 * configured with (such as {@code spring.data.redis.sentinel.nodes}).
	 * @return the addresses
	 */
	public List<String> sentinelAddresses() {
		return this.sentinels.stream().map(ServerProcess::address).toList();
	}

	/**
	 * Returns the master's address as the first running sentinel reports it now.
	 * @return {@code 127.0.0.1:port}
	 */
	public String masterAddress() {
		for (ServerProcess sentinel : this.sentinels) {
			String address = reportedMaster(sentinel);
			if (address != null) {
				return address;
			}
		}
		throw new IllegalStateException("no sentinel answers for " + MASTER_NAME);
	}

	/**
	 * Returns the server that is the master now, as the sentinels report it.
	 * @return the master
	 */
	public ServerProcess master() {
		String address = masterAddress();
		return this.servers.stream()
			.filter((server) -> server.address().equals(address))
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("the sentinels name an unknown master " + address));
	}

	/**
	 * Asks a sentinel for a failover ({@code SENTINEL FAILOVER}) of a master that is up;
	 * the sentinels then promote the replica and make the old master its replica.
	 * @return when the failover was asked for
	 */
	public Instant failover() {
		try (RawRedis sentinel = connect(running(this.sentinels), this.sentinelPassword)) {
			Object reply = sentinel.call("SENTINEL", "FAILOVER", MASTER_NAME);
			if (!"OK".equals(reply)) {
				throw new IllegalStateException("SENTINEL FAILOVER answered " + reply);
			}
		}
		return Instant.now();
	}

	/**
	 * Kills the current master with {@code SIGKILL}, as a crash would; the sentinels
	 * promote the replica about two seconds later.
	 * @return the killed server
	 */
	public ServerProcess killMaster() {
		ServerProcess master = master();
		master.kill();
		return master;
	}

	/**
	 * Waits until every running sentinel reports {@code address} as the master, polling
	 * every 50 ms.
	 * @param address the expected master, {@code 127.0.0.1:port}
	 * @return when they first all did
	 * @throws IllegalStateException when they do not within 20 seconds
	 */
	public Instant awaitMaster(String address) {
		await("every sentinel to report " + address + " as the master",
				() -> this.sentinels.stream()
					.filter(ServerProcess::isRunning)
					.allMatch((sentinel) -> address.equals(reportedMaster(sentinel))));
		return Instant.now();
	}

	/**
	 * Stops the servers and the sentinels, whatever state they are in.
	 */
	@Override
	public void close() {
		RuntimeException failure = null;
		for (ServerProcess process : concat()) {
			try {
				process.close();
			}
			catch (RuntimeException ex) {
				if (failure == null) {
					failure = ex;
				}
				else {
					failure.addSuppressed(ex);
				}
			}
		}
		RedisCluster.RedisTools.deleteRecursively(this.directory);
		if (failure != null) {
			throw failure;
		}
	}

	@Override
	public String toString() {
		return "RedisSentinels" + sentinelAddresses();
	}

	private List<ServerProcess> concat() {
		List<ServerProcess> all = new ArrayList<>(this.sentinels);
		all.addAll(this.servers);
		return all;
	}

	private @Nullable String reportedMaster(ServerProcess sentinel) {
		if (!sentinel.isRunning()) {
			return null;
		}
		try (RawRedis redis = connect(sentinel, this.sentinelPassword)) {
			List<?> reply = (List<?>) redis.call("SENTINEL", "get-master-addr-by-name", MASTER_NAME);
			return (reply == null) ? null : text(reply.get(0)) + ":" + text(reply.get(1));
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	private List<String> masterState(ServerProcess sentinel) {
		try (RawRedis redis = connect(sentinel, this.sentinelPassword)) {
			List<?> reply = (List<?>) Objects.requireNonNull(redis.call("SENTINEL", "MASTER", MASTER_NAME));
			return reply.stream().map(RedisSentinels::text).toList();
		}
		catch (RuntimeException ex) {
			return List.of();
		}
	}

	private static @Nullable String field(List<String> pairs, String name) {
		for (int i = 0; i + 1 < pairs.size(); i += 2) {
			if (pairs.get(i).equals(name)) {
				return pairs.get(i + 1);
			}
		}
		return null;
	}

	private static ServerProcess running(List<ServerProcess> processes) {
		return processes.stream()
			.filter(ServerProcess::isRunning)
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("no sentinel runs"));
	}

	private String info(ServerProcess server, String... command) {
		try (RawRedis redis = connect(server, this.password)) {
			return redis.text((Object[]) command);
		}
		catch (RuntimeException ex) {
			return "";
		}
	}

	/**
	 * Connects to a server of the group, authenticated when it requires a password.
	 * @param server a data node or a sentinel
	 * @param password its password, or {@code null} for none
	 * @return the connection
	 */
	private static RawRedis connect(ServerProcess server, @Nullable String password) {
		RawRedis redis = RawRedis.connect(server.address());
		if (password != null) {
			try {
				redis.call("AUTH", password);
			}
			catch (RuntimeException ex) {
				redis.close();
				throw ex;
			}
		}
		return redis;
	}

	private static String text(@Nullable Object reply) {
		return (reply instanceof byte[] raw) ? new String(raw, StandardCharsets.UTF_8) : String.valueOf(reply);
	}

	private static void await(String what, java.util.function.BooleanSupplier condition) {
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		while (System.nanoTime() < deadline) {
			if (condition.getAsBoolean()) {
				return;
			}
			RedisCluster.pause(50);
		}
		throw new IllegalStateException("gave up after " + TIMEOUT + " waiting for " + what);
	}

}
