package io.cachekit.test;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.Predicate;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

/**
 * A real Redis Cluster on loopback ports, for integration tests: masters with replicas,
 * each a {@code redis-server --cluster-enabled yes} process of its own
 * ({@link ServerProcess}), joined by {@code redis-cli --cluster create} (Debian package
 * {@code redis-tools}).
 *
 * <p>
 * {@link #start(int, int)} returns once every node reports {@code cluster_state:ok} with
 * all 16384 slots served, every replica's link to its master is up, and every node knows
 * every replica as one. Nodes time out after one second
 * ({@code cluster-node-timeout 1000}), so a replica is promoted a few seconds after its
 * master is {@linkplain #kill(ServerProcess) killed}; the cluster keeps serving the other
 * slots meanwhile ({@code cluster-require-full-coverage no}). The topology is read from
 * the nodes themselves ({@code CLUSTER NODES}), so {@link #masters()} and
 * {@link #masterForKey(byte[])} follow failovers.
 *
 * <p>
 * {@link #close()} stops every process by its pid, also after a failed test; a JVM
 * shutdown hook kills any left over. Each cluster gets fresh, empty data directories. Not
 * thread-safe: one test class drives one cluster.
 */
public final class RedisCluster implements AutoCloseable {

	/** How many hash slots a Redis Cluster has. */
	public static final int SLOTS = 16384;

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);

	private static final Duration PROMOTION_TIMEOUT = Duration.ofSeconds(20);

	/** How many bus ports are tried for one node. */
	private static final int NODE_ATTEMPTS = 3;

	private final List<ServerProcess> nodes;

	private final Path directory;

	private RedisCluster(List<ServerProcess> nodes, Path directory) {
		this.nodes = nodes;
		this.directory = directory;
	}

	/**
	 * Starts a cluster of {@code masters} masters with {@code replicasPerMaster} replicas
	 * each, and waits until it serves every slot. <pre>{@code
	 * RedisCluster cluster = RedisCluster.start(3, 1);
	 * }</pre>
	 * @param masters how many masters share the slots, at least 3 (Redis's minimum)
	 * @param replicasPerMaster how many replicas each master has
	 * @return the running cluster
	 * @throws IllegalStateException when a binary is missing (the message says how to
	 * install it) or the cluster does not come up
	 */
	public static RedisCluster start(int masters, int replicasPerMaster) {
		if (masters < 3) {
			throw new IllegalArgumentException("a Redis Cluster needs at least 3 masters, not " + masters);
		}
		if (replicasPerMaster < 0) {
			throw new IllegalArgumentException("replicasPerMaster must not be negative: " + replicasPerMaster);
		}
		String cli = RedisTools.cli();
		Path directory;
		try {
			directory = Files.createTempDirectory("cachekit-redis-cluster-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot create a directory for the cluster", ex);
		}
		List<ServerProcess> nodes = new ArrayList<>();
		RedisCluster cluster = new RedisCluster(nodes, directory);
		try {
			for (int i = 0; i < masters * (1 + replicasPerMaster); i++) {
				nodes.add(startNode(directory, "node-" + i, RedisCluster::freePort));
			}
			List<String> create = new ArrayList<>(List.of(cli, "--cluster", "create"));
			nodes.forEach((node) -> create.add(node.address()));
			create.addAll(List.of("--cluster-replicas", Integer.toString(replicasPerMaster), "--cluster-yes"));
			RedisTools.run(create, directory.resolve("create.log"), STARTUP_TIMEOUT);
			cluster.awaitReady(masters * replicasPerMaster);
			return cluster;
		}
		catch (IOException | RuntimeException ex) {
			cluster.close();
			if (ex instanceof IOException io) {
				throw new UncheckedIOException("cannot start a Redis Cluster", io);
			}
			throw (RuntimeException) ex;
		}
	}

	/**
	 * Starts one cluster node, with a bus port chosen afresh for each attempt: another
	 * process may take a port between its choice and the node binding it, and a node that
	 * cannot bind its bus port exits at start. Each attempt has an empty data directory
	 * of its own.
	 * @param directory the cluster's directory
	 * @param name the node's name, for its data directory
	 * @param busPorts chooses a bus port for each attempt
	 * @return the running node
	 */
	static ServerProcess startNode(Path directory, String name, IntSupplier busPorts) throws IOException {
		IllegalStateException failure = null;
		for (int attempt = 1; attempt <= NODE_ATTEMPTS; attempt++) {
			Path data = Files.createDirectory(directory.resolve(name + "-" + attempt));
			try {
				return ServerProcess.start(ServerKind.REDIS, "--cluster-enabled", "yes", "--cluster-port",
						Integer.toString(busPorts.getAsInt()), "--cluster-config-file", "nodes.conf", "--dir",
						data.toString(), "--cluster-node-timeout", "1000", "--cluster-require-full-coverage", "no",
						"--repl-diskless-sync-delay", "0");
			}
			catch (IllegalStateException ex) {
				if (failure == null) {
					failure = ex;
				}
				else {
					failure.addSuppressed(ex);
				}
			}
		}
		throw Objects.requireNonNull(failure);
	}

	private static int freePort() {
		try {
			return ServerProcess.freePort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot find a free port for a cluster bus", ex);
		}
	}

	/**
	 * Returns every node, masters and replicas, in the order they were started.
	 * @return the nodes, killed ones included
	 */
	public List<ServerProcess> nodes() {
		return List.copyOf(this.nodes);
	}

	/**
	 * Returns the addresses of every node, as {@code 127.0.0.1:port}: the seeds a client
	 * is configured with (such as {@code spring.data.redis.cluster.nodes}).
	 * @return the addresses
	 */
	public List<String> seedAddresses() {
		return this.nodes.stream().map(ServerProcess::address).toList();
	}

	/**
	 * Returns the masters that serve slots now, as the cluster sees them, in slot order.
	 * @return the running masters
	 */
	public List<ServerProcess> masters() {
		return topology().stream()
			.filter((node) -> node.isServingMaster() && node.process() != null)
			.sorted(Comparator.comparingInt(ClusterNode::firstSlot))
			.map((node) -> Objects.requireNonNull(node.process()))
			.toList();
	}

	/**
	 * Returns the replica of a master, as the cluster sees it now.
	 * @param master a master of this cluster
	 * @return its first replica
	 * @throws IllegalStateException when it has none
	 */
	public ServerProcess replicaOf(ServerProcess master) {
		List<ClusterNode> topology = topology();
		ClusterNode self = topology.stream()
			.filter((node) -> node.port() == master.port())
			.findFirst()
			.orElseThrow(() -> new IllegalStateException(master + " is not a node of this cluster"));
		return topology.stream()
			.filter((node) -> self.id().equals(node.masterId()) && node.process() != null)
			.map((node) -> Objects.requireNonNull(node.process()))
			.findFirst()
			.orElseThrow(() -> new IllegalStateException(master + " has no replica"));
	}

	/**
	 * Returns the running node that has a pub/sub client
	 * ({@code CLIENT LIST TYPE pubsub}): where a subscriber's connection is.
	 * @return the node
	 * @throws IllegalStateException when no running node has one
	 */
	public ServerProcess nodeWithSubscriber() {
		return running().filter((node) -> !info(node, "CLIENT", "LIST", "TYPE", "pubsub").isBlank())
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("no node of the cluster has a pub/sub client"));
	}

	/**
	 * Returns the hash slot of a key ({@code CLUSTER KEYSLOT}).
	 * @param key the key's bytes
	 * @return the slot, 0 to 16383
	 */
	public int slotOf(byte[] key) {
		try (RawRedis redis = RawRedis.connect(anyRunning().address())) {
			return ((Long) Objects.requireNonNull(redis.call("CLUSTER", "KEYSLOT", key))).intValue();
		}
	}

	/**
	 * Returns the master that serves a key's slot now.
	 * @param key the key's bytes
	 * @return the master
	 * @throws IllegalStateException when no running master serves the slot
	 */
	public ServerProcess masterForKey(byte[] key) {
		int slot = slotOf(key);
		return topology().stream()
			.filter((node) -> node.isServingMaster() && node.serves(slot) && node.process() != null)
			.map((node) -> Objects.requireNonNull(node.process()))
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("no running master serves slot " + slot));
	}

	/**
	 * Kills a node with {@code SIGKILL}, as a crash would.
	 * @param node a node of this cluster
	 * @return when it was gone
	 */
	public Instant kill(ServerProcess node) {
		requireNode(node);
		node.kill();
		return Instant.now();
	}

	/**
	 * Waits until a replica reports itself a master ({@code ROLE}, polled every 50 ms),
	 * after its master was killed.
	 * @param replica a replica of this cluster
	 * @return when it was first seen a master
	 * @throws IllegalStateException when it is not promoted within 20 seconds
	 */
	public Instant awaitPromotion(ServerProcess replica) {
		requireNode(replica);
		long deadline = System.nanoTime() + PROMOTION_TIMEOUT.toNanos();
		try (RawRedis redis = RawRedis.connect(replica.address())) {
			while (System.nanoTime() < deadline) {
				List<?> role = (List<?>) Objects.requireNonNull(redis.call("ROLE"));
				if ("master".equals(text(role.get(0)))) {
					return Instant.now();
				}
				pause(50);
			}
		}
		throw new IllegalStateException(replica + " was not promoted within " + PROMOTION_TIMEOUT);
	}

	/**
	 * Waits until every running node reports {@code cluster_state:ok} with all slots
	 * served, such as after a promotion.
	 * @throws IllegalStateException when that does not happen within 30 seconds
	 */
	public void awaitStateOk() {
		await("every running node to report cluster_state:ok",
				() -> running().allMatch((node) -> info(node, "CLUSTER", "INFO").contains("cluster_state:ok")
						&& info(node, "CLUSTER", "INFO").contains("cluster_slots_ok:" + SLOTS)));
	}

	/**
	 * Stops every node, whatever state it is in, and deletes the data directories.
	 */
	@Override
	public void close() {
		RuntimeException failure = null;
		for (ServerProcess node : this.nodes) {
			try {
				node.close();
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
		RedisTools.deleteRecursively(this.directory);
		if (failure != null) {
			throw failure;
		}
	}

	@Override
	public String toString() {
		return "RedisCluster" + seedAddresses();
	}

	/**
	 * Waits for the state to be ok, every replica's link to be up, and every node to know
	 * every replica as one: a node learns the roles of the others by gossip, later than
	 * the replicas' links come up, and {@link #replicaOf(ServerProcess)} reads them from
	 * a node.
	 */
	private void awaitReady(int replicas) {
		awaitStateOk();
		await("every replica's link to its master", () -> running().allMatch((node) -> {
			String replication = info(node, "INFO", "replication");
			return replication.contains("role:master") || replication.contains("master_link_status:up");
		}));
		await("every node to know the " + replicas + " replicas",
				() -> running().allMatch((node) -> parse(info(node, "CLUSTER", "NODES")).stream()
					.filter((other) -> other.masterId() != null)
					.count() == replicas));
	}

	private Stream<ServerProcess> running() {
		return this.nodes.stream().filter(ServerProcess::isRunning);
	}

	private ServerProcess anyRunning() {
		return running().findFirst().orElseThrow(() -> new IllegalStateException("no node of the cluster runs"));
	}

	private void requireNode(ServerProcess node) {
		if (!this.nodes.contains(node)) {
			throw new IllegalArgumentException(node + " is not a node of this cluster");
		}
	}

	/**
	 * Reads {@code CLUSTER NODES} from a running master that is not marked failed, so
	 * that the answer reflects a failover once the cluster has agreed on it.
	 */
	private List<ClusterNode> topology() {
		List<ClusterNode> seen = List.of();
		for (ServerProcess node : this.nodes) {
			if (!node.isRunning()) {
				continue;
			}
			seen = parse(info(node, "CLUSTER", "NODES"));
			if (seen.stream().anyMatch((other) -> other.port() == node.port() && other.isServingMaster())) {
				return seen;
			}
		}
		return seen;
	}

	private List<ClusterNode> parse(String clusterNodes) {
		List<ClusterNode> parsed = new ArrayList<>();
		for (String line : clusterNodes.split("\n", -1)) {
			if (line.isBlank()) {
				continue;
			}
			// <id> <ip:port@cport[,hostname]> <flags> <master> <ping> <pong> <epoch>
			// <link> <slot>...
			String[] fields = line.strip().split(" ");
			String address = fields[1].substring(0, fields[1].indexOf('@'));
			int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
			List<String> flags = List.of(fields[2].split(","));
			List<int[]> slots = new ArrayList<>();
			for (int i = 8; i < fields.length; i++) {
				if (fields[i].startsWith("[")) {
					continue; // a slot being migrated
				}
				String[] range = fields[i].split("-");
				slots.add(new int[] { Integer.parseInt(range[0]), Integer.parseInt(range[range.length - 1]) });
			}
			ServerProcess process = this.nodes.stream()
				.filter((candidate) -> candidate.port() == port && candidate.isRunning())
				.findFirst()
				.orElse(null);
			parsed
				.add(new ClusterNode(fields[0], port, flags, "-".equals(fields[3]) ? null : fields[3], slots, process));
		}
		return parsed;
	}

	private static String info(ServerProcess node, String... command) {
		try (RawRedis redis = RawRedis.connect(node.address())) {
			return redis.text((Object[]) command);
		}
		catch (RuntimeException ex) {
			return "";
		}
	}

	private static String text(@Nullable Object reply) {
		return (reply instanceof byte[] raw) ? new String(raw, java.nio.charset.StandardCharsets.UTF_8)
				: String.valueOf(reply);
	}

	private static void await(String what, java.util.function.BooleanSupplier condition) {
		long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
		while (System.nanoTime() < deadline) {
			if (condition.getAsBoolean()) {
				return;
			}
			pause(20);
		}
		throw new IllegalStateException("gave up after " + STARTUP_TIMEOUT + " waiting for " + what);
	}

	static void pause(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted waiting for the cluster", ex);
		}
	}

	/** One line of {@code CLUSTER NODES}, with the process behind it while it runs. */
	private record ClusterNode(String id, int port, List<String> flags, @Nullable String masterId, List<int[]> slots,
			@Nullable ServerProcess process) {

		boolean isServingMaster() {
			Predicate<String> failed = (flag) -> flag.startsWith("fail") || flag.equals("noaddr");
			return this.flags.contains("master") && this.flags.stream().noneMatch(failed) && !this.slots.isEmpty();
		}

		boolean serves(int slot) {
			return this.slots.stream().anyMatch((range) -> range[0] <= slot && slot <= range[1]);
		}

		int firstSlot() {
			return this.slots.stream().mapToInt((range) -> range[0]).min().orElse(Integer.MAX_VALUE);
		}

	}

	/** {@code redis-cli}, and the files a cluster or Sentinel group leaves behind. */
	static final class RedisTools {

		private RedisTools() {
		}

		static String cli() {
			for (String directory : Objects.requireNonNullElse(System.getenv("PATH"), "/usr/bin")
				.split(File.pathSeparator, -1)) {
				Path candidate = Path.of(directory, "redis-cli");
				if (Files.isExecutable(candidate)) {
					return candidate.toString();
				}
			}
			if (Files.isExecutable(Path.of("/usr/bin/redis-cli"))) {
				return "/usr/bin/redis-cli";
			}
			throw new IllegalStateException("'redis-cli' was not found on the PATH. Install it with "
					+ "'sudo apt-get install -y redis-tools' (the README's test command does this).");
		}

		/**
		 * Runs a command with no input, and fails with its output unless it succeeds in
		 * time.
		 */
		static void run(List<String> command, Path log, Duration timeout) {
			try {
				Process process = new ProcessBuilder(command).redirectErrorStream(true)
					.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
					.redirectOutput(log.toFile())
					.start();
				try {
					if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
						throw new IllegalStateException(
								String.join(" ", command) + " did not finish within " + timeout + ": " + read(log));
					}
					if (process.exitValue() != 0) {
						throw new IllegalStateException(
								String.join(" ", command) + " exited with " + process.exitValue() + ": " + read(log));
					}
				}
				finally {
					process.destroyForcibly();
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException("cannot run " + command.get(0), ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("interrupted running " + command.get(0), ex);
			}
		}

		static void deleteRecursively(Path directory) {
			try (Stream<Path> files = Files.walk(directory)) {
				files.sorted(Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
			}
			catch (IOException ex) {
				// A leftover directory in the temp directory is harmless.
			}
		}

		private static String read(Path log) {
			try {
				return Files.readString(log).strip();
			}
			catch (IOException ex) {
				return "(no output: " + ex.getMessage() + ")";
			}
		}

	}

}
