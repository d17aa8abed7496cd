package io.cachekit.backend.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.cachekit.backend.AddIfAbsent;
import io.cachekit.backend.Backend;
import io.cachekit.backend.BackendErrorType;
import io.cachekit.backend.BackendException;
import io.cachekit.backend.BackendHealth;
import io.cachekit.backend.BackendOperation;
import io.cachekit.backend.Broadcast;
import io.cachekit.backend.BulkGet;
import io.cachekit.backend.Checks;
import io.cachekit.backend.Increment;
import io.cachekit.backend.RemainingTtl;
import io.cachekit.backend.Retry;
import io.cachekit.backend.TtlInspection;
import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.ReturnType;
import org.springframework.data.redis.connection.SetCondition;
import org.springframework.data.redis.connection.lettuce.LettuceConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.types.Expiration;

/**
 * A {@link Backend} on Redis: one server, a Redis Cluster, or the master that Redis
 * Sentinel names (or whatever a {@link RedisConnectionFactory} connects to), through
 * Spring Data Redis and Lettuce.
 *
 * <p>
 * Created either over an application's connection factory with
 * {@link #create(RedisConnectionFactory, RedisBackendConfig)}, which it uses but never
 * closes, or from a Redis URL with {@link #create(RedisBackendConfig)}, which builds a
 * Lettuce connection factory that the backend owns and shuts down in {@link #close()}.
 * Each operation takes a connection from the factory and closes it; Lettuce's factory
 * shares one native connection among all callers by default, so this costs no connect and
 * no pool. Lettuce must be on the class path (Spring Data Redis's Jedis support is not
 * tested).
 *
 * <p>
 * Keys are the configured prefix followed by the key, as UTF-8 bytes; Redis keys are
 * binary-safe, so every string works as it is and distinct strings never meet. Values are
 * stored as raw bytes (no serializer). A value over
 * {@link RedisBackendConfig#maxValueSize()} fails as {@code PERMANENT} before anything is
 * sent.
 *
 * <p>
 * TTLs are milliseconds ({@code PX}), rounded up so that a sub-millisecond TTL does not
 * mean "no expiry": {@code null}, zero or negative means no expiry, also when overwriting
 * an entry that had one. TTLs over {@link #MAX_TTL} are clamped to it.
 *
 * <p>
 * Over Lettuce, every command is sent through the connection's asynchronous API and
 * waited for at most {@link RedisBackendConfig#commandTimeout()}, then cancelled and
 * failed as {@code TIMEOUT}: also over an application's connection factory, whose own
 * timeout (60 seconds by default) then bounds only the application's calls. A cancelled
 * command still queued for a disconnected node is dropped, never sent late.
 *
 * <p>
 * On a Redis Cluster (cachekit's own cluster connection, or a cluster-aware Lettuce
 * factory), single-key commands go to the key's master, a bulk get is split by slot, and
 * a {@code TRANSIENT} or {@code TIMEOUT} failure starts a topology refresh (at most one
 * every 500 ms), so that a promoted replica takes over a failed master's slots even on a
 * factory without refresh options of its own; a change of masters is logged once at INFO.
 *
 * <p>
 * Through Redis Sentinel (a sentinel-aware Lettuce factory), the backend subscribes to
 * the sentinels' {@code +switch-master} announcements and resets the factory's shared
 * connection on a switch of its master, so that after a requested failover commands go to
 * the new master at once rather than to the old one until the sentinels demote it.
 *
 * <p>
 * An idempotent operation that fails as {@code TRANSIENT} is tried again up to
 * {@link RedisBackendConfig#retryAttempts()} times, unless the server could not be
 * reached at all (no connection, or the client rejected the command while reconnecting):
 * then it fails at once. Errors are classified as described in {@code RedisErrors}: a
 * refused password is {@code AUTHENTICATION}, a command timeout {@code TIMEOUT}, a
 * connection failure {@code TRANSIENT}, an error reply such as {@code WRONGTYPE}
 * {@code PERMANENT}.
 *
 * <p>
 * Credentials (a password, or an ACL user and password) and TLS are the connection's: the
 * URL's for {@link #create(RedisBackendConfig)}, where {@code rediss://} always verifies
 * the server's certificate and host name (see {@link RedisBackendConfig}), or the given
 * factory's. The broadcast's pub/sub connection comes from the same factory, so it has
 * the same credentials and TLS. No password appears in {@link #toString()}, health or any
 * exception message.
 *
 * <p>
 * Also offers {@link AddIfAbsent} ({@code SET NX PX}), {@link BulkGet} (one
 * {@code MGET}), {@link Increment} (a Lua script, atomic) and {@link TtlInspection}
 * ({@code PTTL}). Thread-safe.
 */
public final class RedisBackend
		implements Backend, AddIfAbsent, BulkGet, Broadcast, Increment, TtlInspection, AutoCloseable {

	/** The {@link #backendType()} of this backend: {@value}. */
	public static final String BACKEND_TYPE = "redis";

	/**
	 * The longest TTL sent to Redis, about 1,000 years; longer ones are clamped to it.
	 */
	public static final Duration MAX_TTL = Duration.ofDays(365_000);

	/**
	 * Creates a missing counter with the initial value and its expiry, or adds the delta
	 * to an existing one, keeping its expiry. KEYS[1] = key, ARGV = delta, initial value,
	 * TTL in ms (0 = none). INCRBY on a missing key stores the initial value's digits,
	 * and fails for a value that is not an integer. The result is read back with GET, as
	 * a string: Lua would turn INCRBY's integer into a double and lose digits past 2^53.
	 */
	private static final String INCREMENT_SCRIPT = """
			if redis.call('EXISTS', KEYS[1]) == 1 then
			  redis.call('INCRBY', KEYS[1], ARGV[1])
			else
			  redis.call('INCRBY', KEYS[1], ARGV[2])
			  if ARGV[3] ~= '0' then
			    redis.call('PEXPIRE', KEYS[1], ARGV[3])
			  end
			end
			return redis.call('GET', KEYS[1])
			""";

	/**
	 * The key, under the prefix, whose existence a health check asks for: never written.
	 */
	static final String HEALTH_KEY = "cachekit:health";

	/** How many connection attempts are made when a handshake fails without a reason. */
	private static final int HANDSHAKE_ATTEMPTS = 3;

	/**
	 * How many command timeouts the commands of one health check may take together: the
	 * server's {@code PING} and {@code EXISTS}, then the topology's details (on a
	 * Sentinel setup, sentinels asked one after the other).
	 */
	static final int HEALTH_TIMEOUTS = 2;

	private static final byte[] INCREMENT_SCRIPT_BYTES = INCREMENT_SCRIPT.getBytes(StandardCharsets.UTF_8);

	private static final String INCREMENT_SCRIPT_SHA = sha1(INCREMENT_SCRIPT_BYTES);

	private final RedisConnectionFactory factory;

	private final @Nullable OwnedConnectionFactory owned;

	private final RedisBackendConfig config;

	private final RedisKeys keys;

	private final byte[] healthKey;

	private final Map<String, Object> serverDetails;

	private final String description;

	private final Retry retry;

	private final RedisBroadcast broadcast;

	private final @Nullable ClusterTopology topology;

	/** The node of a cluster that messages are published through. */
	private final ClusterPublishRoute publishRoute = new ClusterPublishRoute();

	private final @Nullable SentinelWatch sentinelWatch;

	private volatile boolean closed;

	private RedisBackend(RedisConnectionFactory factory, @Nullable OwnedConnectionFactory owned,
			RedisBackendConfig config) {
		this.factory = factory;
		this.owned = owned;
		this.config = config;
		this.keys = new RedisKeys(config.keyPrefix());
		this.healthKey = this.keys.map(HEALTH_KEY);
		this.serverDetails = serverDetails(factory);
		this.description = "RedisBackend["
				+ this.serverDetails.getOrDefault("server", factory.getClass().getSimpleName())
				+ ((owned != null) ? ", owned" : "") + "]";
		this.retry = Retry.upTo(config.retryAttempts(), RedisErrors::isUnreachable);
		this.topology = ClusterTopology.of(factory);
		this.sentinelWatch = SentinelWatch.start(factory, config.commandTimeout());
		this.broadcast = new RedisBroadcast(factory, this.keys, (this.topology != null) ? probe(this.topology) : null);
	}

	/**
	 * Creates a backend that connects to {@link RedisBackendConfig#url()}, to the Redis
	 * Cluster of {@link RedisBackendConfig#clusterNodes()} or to the master named by
	 * {@link RedisBackendConfig#sentinelMaster()}, through a Lettuce connection factory
	 * of its own, with the configured connect and command timeouts.
	 * <p>
	 * The connection is made on first use, not here: when the server is unreachable,
	 * operations fail as {@code TRANSIENT} until it is. While the connection is down,
	 * commands fail at once instead of waiting, and reconnection attempts back off up to
	 * half a second. {@link #close()} shuts the factory and its threads down.
	 * @param config the configuration, with a URL, cluster nodes or a sentinel
	 * @return the backend; close it when done
	 * @throws IllegalArgumentException when the configuration names no server
	 */
	public static RedisBackend create(RedisBackendConfig config) {
		Objects.requireNonNull(config, "config must not be null");
		if (config.parsedUrl() == null && !config.isCluster() && !config.isSentinel()) {
			throw new IllegalArgumentException("the Redis URL, cluster nodes or sentinel must be set for a backend "
					+ "that connects by itself; otherwise create the backend over a RedisConnectionFactory");
		}
		OwnedConnectionFactory owned = OwnedConnectionFactory.create(config);
		try {
			return new RedisBackend(owned.factory(), owned, config);
		}
		catch (RuntimeException | Error ex) {
			// Nobody else can close the factory and its threads.
			try {
				owned.close();
			}
			catch (RuntimeException closing) {
				ex.addSuppressed(closing);
			}
			throw ex;
		}
	}

	/**
	 * Creates a backend over an application's connection factory, which must be started
	 * (for Spring beans, the container does that). The factory's own settings (server,
	 * timeouts, TLS, credentials) apply; the backend never closes it.
	 * @param factory the connection factory, Lettuce's for the tested behaviour
	 * @param config the key prefix, value size limit and retries
	 * @return the backend
	 * @throws IllegalArgumentException when the configuration sets a URL, cluster nodes,
	 * a sentinel, credentials, a database or TLS, which only
	 * {@link #create(RedisBackendConfig)} uses
	 */
	public static RedisBackend create(RedisConnectionFactory factory, RedisBackendConfig config) {
		Objects.requireNonNull(factory, "factory must not be null");
		Objects.requireNonNull(config, "config must not be null");
		if (config.parsedUrl() != null) {
			throw new IllegalArgumentException("url is set (" + config.parsedUrl() + ") but a RedisConnectionFactory "
					+ "was given, which decides the server; remove the url or use create(config)");
		}
		if (config.hasConnectionSettings()) {
			throw new IllegalArgumentException(config.describeConnectionSettings() + " set but a "
					+ "RedisConnectionFactory was given, which decides the servers, credentials and TLS; remove "
					+ "them or use create(config)");
		}
		return new RedisBackend(factory, null, config);
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * {@link Broadcast} is offered over a Lettuce connection factory only: another
	 * client's subscription (Jedis's) would hold a thread for good. Without it, coherence
	 * across instances still works through the invalidation journal.
	 */
	@Override
	public <C> Optional<C> capability(Class<C> type) {
		if (type == Broadcast.class && !(this.factory instanceof LettuceConnectionFactory)) {
			return Optional.empty();
		}
		return Backend.super.capability(type);
	}

	/**
	 * {@inheritDoc}
	 * @return {@value #BACKEND_TYPE}
	 */
	@Override
	public String backendType() {
		return BACKEND_TYPE;
	}

	/**
	 * Returns the configuration this backend was created with.
	 * @return the configuration
	 */
	public RedisBackendConfig config() {
		return this.config;
	}

	@Override
	public byte @Nullable [] get(String key) {
		byte[] mapped = this.keys.map(Checks.key(key));
		return execute(BackendOperation.GET, key, true, (commands) -> commands.get(mapped),
				(connection) -> connection.stringCommands().get(mapped));
	}

	@Override
	public void set(String key, byte[] value, @Nullable Duration ttl) {
		byte[] mapped = this.keys.map(Checks.key(key));
		Checks.valueSize(BackendOperation.SET, key, value, this.config.maxValueSize(), "max value size");
		long ttlMillis = ttlMillis(ttl);
		execute(BackendOperation.SET, key, true, (commands) -> {
			commands.set(mapped, value, ttlMillis);
			return null;
		}, (connection) -> connection.stringCommands()
			.set(mapped, value, SetCondition.upsert(), expiration(ttlMillis)));
	}

	@Override
	public boolean delete(String key) {
		byte[] mapped = this.keys.map(Checks.key(key));
		Long deleted = execute(BackendOperation.DELETE, key, true, (commands) -> commands.del(mapped),
				(connection) -> connection.keyCommands().del(mapped));
		return deleted != null && deleted > 0;
	}

	@Override
	public boolean exists(String key) {
		byte[] mapped = this.keys.map(Checks.key(key));
		return Boolean.TRUE.equals(execute(BackendOperation.EXISTS, key, true, (commands) -> commands.exists(mapped),
				(connection) -> connection.keyCommands().exists(mapped)));
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * One {@code PUBLISH} to the channel under the key prefix; not retried (a message
	 * sent twice is as bad as one lost, and delivery is best effort either way). On a
	 * cluster it goes to one node whatever the channel's slot, as
	 * {@link ClusterPublishRoute} chooses: any node relays it to every node's
	 * subscribers, so a channel whose slot has no master for now is still heard, and
	 * after a failure the next message goes to another node.
	 */
	@Override
	public void publish(String channel, byte[] message) {
		byte[] mapped = RedisBroadcast.channelBytes(this.keys, Checks.key(channel));
		Objects.requireNonNull(message, "message must not be null");
		execute(BackendOperation.PUBLISH, channel, false,
				(commands) -> commands.publish(mapped, message, this.publishRoute),
				(connection) -> connection.publish(mapped, message));
	}

	/**
	 * The broadcast's probe on a cluster: published once, bounded by the command timeout;
	 * a missed probe refreshes the topology.
	 */
	private RedisBroadcast.Probe probe(ClusterTopology topology) {
		return new RedisBroadcast.Probe() {

			@Override
			public void publish(byte[] channel, byte[] message) {
				execute(BackendOperation.PUBLISH, null, false,
						(commands) -> commands.publish(channel, message, RedisBackend.this.publishRoute),
						(connection) -> connection.publish(channel, message));
			}

			@Override
			public void missed() {
				topology.nudge();
			}

		};
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * Subscriptions share one pub/sub connection of their own, made (and, when the server
	 * cannot be reached, tried again from 100 ms up to 1 s) on a thread of the backend,
	 * never the caller's; Lettuce subscribes again after a reconnection. Each
	 * confirmation by the server, the first one included, calls
	 * {@link Broadcast.Listener#onReset()}. On a Redis Cluster, a probe published every
	 * second checks that the node the subscription is on still delivers, and the
	 * subscription is made again through another node when it does not. Subscriptions end
	 * with {@link #close()}.
	 * @throws IllegalStateException when the backend is closed
	 */
	@Override
	public Broadcast.Subscription subscribe(String channel, Broadcast.Listener listener) {
		Objects.requireNonNull(listener, "listener must not be null");
		return this.broadcast.subscribe(Checks.key(channel), listener);
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * {@code SET key value NX PX ttl}: one atomic command.
	 */
	@Override
	public boolean addIfAbsent(String key, byte[] value, @Nullable Duration ttl) {
		byte[] mapped = this.keys.map(Checks.key(key));
		Checks.valueSize(BackendOperation.ADD_IF_ABSENT, key, value, this.config.maxValueSize(), "max value size");
		long ttlMillis = ttlMillis(ttl);
		return Boolean.TRUE.equals(execute(BackendOperation.ADD_IF_ABSENT, key, false,
				(commands) -> commands.setNxPx(mapped, value, ttlMillis), (connection) -> connection.stringCommands()
					.set(mapped, value, SetCondition.ifAbsent(), expiration(ttlMillis))));
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * One {@code MGET} for all keys.
	 */
	@Override
	public Map<String, byte[]> getAll(Collection<String> keys) {
		Objects.requireNonNull(keys, "keys must not be null");
		List<String> callerKeys = new ArrayList<>(new LinkedHashSet<>(keys));
		if (callerKeys.isEmpty()) {
			return Map.of();
		}
		byte[][] mapped = new byte[callerKeys.size()][];
		for (int i = 0; i < mapped.length; i++) {
			mapped[i] = this.keys.map(Checks.key(callerKeys.get(i)));
		}
		List<byte @Nullable []> values = execute(BackendOperation.GET_ALL, null, true,
				(commands) -> commands.mget(mapped), (connection) -> connection.stringCommands().mGet(mapped));
		Map<String, byte[]> found = new LinkedHashMap<>();
		if (values != null) {
			for (int i = 0; i < values.size() && i < callerKeys.size(); i++) {
				byte[] value = values.get(i);
				if (value != null) {
					found.put(callerKeys.get(i), value);
				}
			}
		}
		return found;
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * One Lua script ({@code EVALSHA}, or {@code EVAL} when the server does not know it
	 * yet), so creating and adding are one atomic step. A counter is a Redis string of
	 * decimal digits, as {@code INCRBY} keeps it. Adding past {@link Long#MAX_VALUE}
	 * fails as {@code PERMANENT}.
	 */
	@Override
	public long increment(String key, long delta, long initialValue, @Nullable Duration ttl) {
		byte[] mapped = this.keys.map(Checks.key(key));
		Checks.incrementArguments(delta, initialValue);
		byte[][] keysAndArgs = { mapped, ascii(delta), ascii(initialValue), ascii(ttlMillis(ttl)) };
		byte[] value = execute(BackendOperation.INCREMENT, key, false, (commands) -> {
			try {
				return commands.evalsha(INCREMENT_SCRIPT_SHA, mapped, keysAndArgs[1], keysAndArgs[2], keysAndArgs[3]);
			}
			catch (RuntimeException ex) {
				if (!RedisErrors.isNoScript(ex)) {
					throw ex;
				}
				// The script did not run, so sending it in full is not a retry.
				return commands.eval(INCREMENT_SCRIPT_BYTES, mapped, keysAndArgs[1], keysAndArgs[2], keysAndArgs[3]);
			}
		}, (connection) -> {
			try {
				return connection.scriptingCommands().evalSha(INCREMENT_SCRIPT_SHA, ReturnType.VALUE, 1, keysAndArgs);
			}
			catch (RuntimeException ex) {
				if (!RedisErrors.isNoScript(ex)) {
					throw ex;
				}
				// The script did not run, so sending it in full is not a retry.
				return connection.scriptingCommands().eval(INCREMENT_SCRIPT_BYTES, ReturnType.VALUE, 1, keysAndArgs);
			}
		});
		String digits = (value != null) ? new String(value, StandardCharsets.US_ASCII) : "(nothing)";
		try {
			return Long.parseLong(digits);
		}
		catch (NumberFormatException ex) {
			throw new BackendException(BackendErrorType.UNKNOWN, BackendOperation.INCREMENT, key,
					"Redis answered the increment script with '" + digits + "', not a number", ex);
		}
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * {@code PTTL}: millisecond precision.
	 */
	@Override
	public RemainingTtl remainingTtl(String key) {
		byte[] mapped = this.keys.map(Checks.key(key));
		Long millis = execute(BackendOperation.TTL, key, true, (commands) -> commands.pttl(mapped),
				(connection) -> connection.keyCommands().pTtl(mapped));
		if (millis == null) {
			throw new BackendException(BackendErrorType.UNKNOWN, BackendOperation.TTL, key,
					"Redis answered PTTL with no value", null);
		}
		if (millis == -2) {
			return RemainingTtl.missing();
		}
		if (millis < 0) {
			return RemainingTtl.noExpiry();
		}
		return RemainingTtl.expiresIn(Duration.ofMillis(millis));
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * Takes a connection (connecting when none is open, bounded by the connect timeout)
	 * and sends {@code PING}, then {@code EXISTS} of the key {@value #HEALTH_KEY} under
	 * the prefix, so that an ACL user who may connect but not use the prefix's keys
	 * ({@code NOPERM}) is reported as {@code AUTHENTICATION} too (each bounded by the
	 * command timeout). Details: {@code server} ({@code host:port}), {@code database} and
	 * {@code ssl} when the factory is Lettuce's standalone one; on a Redis Cluster
	 * {@code cluster_state}, {@code slots_served} and {@code nodes} (per
	 * {@code host:port}: {@code role}, {@code state} and a master's {@code slots}), and
	 * the health is down while some slot has no master that is up; through Sentinel
	 * {@code master}, {@code replicas} and {@code sentinels}, asked of the sentinels over
	 * a connection of the check's own; never credentials. An unhealthy result adds
	 * {@code error}. Every call is bounded by the command timeout, and the commands of
	 * the whole check by {@link #HEALTH_TIMEOUTS} command timeouts: its steps share that
	 * deadline, each waiting only for what is left of it, so that unreachable sentinels
	 * cannot add up (obtaining the connection is the factory's, bounded by its connect
	 * timeout). Not retried.
	 */
	@Override
	public BackendHealth health() {
		long start = System.nanoTime();
		long deadline = start + HEALTH_TIMEOUTS * this.config.commandTimeout().toNanos();
		try {
			Checks.open(this.closed, BackendOperation.HEALTH, null);
			String pong = once(deadline, (commands) -> {
				String answer = commands.ping();
				commands.exists(this.healthKey);
				return answer;
			}, (connection) -> {
				String answer = connection.ping();
				connection.keyCommands().exists(this.healthKey);
				return answer;
			});
			Map<String, Object> details = new LinkedHashMap<>(this.serverDetails);
			details.putAll(topologyDetails(deadline));
			long latency = elapsedMillis(start);
			if (!"PONG".equalsIgnoreCase(pong)) {
				return BackendHealth.down(backendType(), latency,
						new IllegalStateException("Redis answered PING with '" + pong + "'"), details);
			}
			if (details.get("slots_served") instanceof Integer served && served < RedisTopologyDetails.SLOTS) {
				return BackendHealth
					.down(backendType(), latency, new IllegalStateException((RedisTopologyDetails.SLOTS - served)
							+ " of " + RedisTopologyDetails.SLOTS
							+ " hash slots have no master that is up; keys in them fail until a replica takes over"),
							details);
			}
			return BackendHealth.up(backendType(), latency, details);
		}
		catch (RuntimeException ex) {
			BackendException failure = classify(BackendOperation.HEALTH, null, ex);
			nudgeTopology(failure);
			return BackendHealth.down(backendType(), elapsedMillis(start), failure, this.serverDetails);
		}
	}

	/**
	 * Stops this backend: operations after this fail as {@code PERMANENT}. A backend
	 * created from a URL also shuts its connection factory and Lettuce threads down; an
	 * application's factory is left open. Idempotent.
	 */
	@Override
	public void close() {
		if (!this.closed) {
			this.closed = true;
			if (this.sentinelWatch != null) {
				this.sentinelWatch.close();
			}
			this.broadcast.close();
			if (this.owned != null) {
				this.owned.close();
			}
		}
	}

	@Override
	public String toString() {
		return this.description;
	}

	/**
	 * Converts a TTL to Redis milliseconds: rounded up, 0 for none, at most
	 * {@link #MAX_TTL}.
	 * @param ttl the TTL, or {@code null}
	 * @return the TTL in milliseconds, or 0 for no expiry
	 */
	static long ttlMillis(@Nullable Duration ttl) {
		if (ttl == null || ttl.isZero() || ttl.isNegative()) {
			return 0;
		}
		if (ttl.compareTo(MAX_TTL) >= 0) {
			return MAX_TTL.toMillis();
		}
		long millis = ttl.toMillis();
		return ttl.minusMillis(millis).isZero() ? millis : millis + 1;
	}

	private static Expiration expiration(long millis) {
		return (millis > 0) ? Expiration.from(millis, TimeUnit.MILLISECONDS) : Expiration.persistent();
	}

	private <T extends @Nullable Object> T execute(BackendOperation operation, @Nullable String key, boolean idempotent,
			LettuceCommand<T> lettuce, Command<T> other) {
		Checks.open(this.closed, operation, key);
		Supplier<T> attempt = () -> {
			try {
				return once(lettuce, other);
			}
			catch (RuntimeException ex) {
				BackendException failure = classify(operation, key, ex);
				nudgeTopology(failure);
				throw failure;
			}
		};
		return idempotent ? this.retry.call(attempt) : attempt.get();
	}

	/**
	 * Runs one attempt on one connection: over Lettuce's asynchronous commands, bounded
	 * by the command timeout, when the connection is Lettuce's; through Spring Data
	 * Redis's commands otherwise.
	 */
	private <T extends @Nullable Object> T once(LettuceCommand<T> lettuce, Command<T> other) {
		return once(null, lettuce, other);
	}

	/**
	 * Runs one attempt as {@link #once(LettuceCommand, Command)} does, with no Lettuce
	 * command waiting past the deadline ({@code System.nanoTime()}), when there is one.
	 */
	private <T extends @Nullable Object> T once(@Nullable Long deadline, LettuceCommand<T> lettuce, Command<T> other) {
		try (RedisConnection connection = connect()) {
			if (connection instanceof LettuceConnection lettuceConnection) {
				return lettuce.run(new LettuceCommands(lettuceConnection.getNativeConnection(),
						this.config.commandTimeout(), deadline));
			}
			return other.run(connection);
		}
	}

	/**
	 * Describes a cluster's nodes or a sentinel's master and replicas, each call bounded
	 * by the command timeout and none waiting past the deadline; empty for one server. A
	 * failure to read them is a detail too ({@code topology_error}), not a failed health
	 * check: the server answered.
	 */
	Map<String, Object> topologyDetails(long deadline) {
		try {
			if (this.topology != null) {
				return once(deadline, LettuceCommands::clusterDetails, (connection) -> Map.of());
			}
			if (this.factory instanceof LettuceConnectionFactory lettuce && lettuce.isRedisSentinelAware()) {
				return RedisTopologyDetails.sentinel(lettuce, this.config.commandTimeout(), deadline);
			}
			return Map.of();
		}
		catch (RuntimeException ex) {
			return Map.of("topology_error", classify(BackendOperation.HEALTH, null, ex).getMessage());
		}
	}

	private BackendException classify(BackendOperation operation, @Nullable String key, RuntimeException failure) {
		return RedisErrors.classify(operation, key, failure,
				this.factory instanceof LettuceConnectionFactory lettuce && lettuce.isClusterAware());
	}

	/**
	 * On a cluster, a failure that may come from a lost or moved node starts a topology
	 * refresh (at most one every 500 ms).
	 */
	private void nudgeTopology(BackendException failure) {
		if (this.topology != null && (failure.getErrorType() == BackendErrorType.TRANSIENT
				|| failure.getErrorType() == BackendErrorType.TIMEOUT)) {
			this.topology.nudge();
		}
	}

	/**
	 * Takes a connection from the factory. A connection attempt whose handshake failed
	 * without a reason (see {@link RedisErrors#isInconclusiveHandshake(Throwable)}) is
	 * made again at once, up to {@value #HANDSHAKE_ATTEMPTS} attempts in all: no command
	 * was sent, so this is not a retry of the operation; it recovers the reason, such as
	 * a refused password, that decides the error type.
	 */
	private RedisConnection connect() {
		for (int attempt = 1;; attempt++) {
			try {
				return this.factory.getConnection();
			}
			catch (RuntimeException ex) {
				if (attempt >= HANDSHAKE_ATTEMPTS || !RedisErrors.isInconclusiveHandshake(ex)) {
					throw ex;
				}
			}
		}
	}

	private static byte[] ascii(long number) {
		return Long.toString(number).getBytes(StandardCharsets.US_ASCII);
	}

	private static long elapsedMillis(long startNanos) {
		return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
	}

	private static String sha1(byte[] script) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(script));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-1 is required of every Java platform", ex);
		}
	}

	/**
	 * Describes the server of a Lettuce standalone factory, without credentials.
	 */
	private static Map<String, Object> serverDetails(RedisConnectionFactory factory) {
		Map<String, Object> details = new LinkedHashMap<>();
		if (factory instanceof LettuceConnectionFactory lettuce && !lettuce.isClusterAware()
				&& !lettuce.isRedisSentinelAware()) {
			try {
				String host = lettuce.getHostName();
				String server = (host.indexOf(':') >= 0) ? "[" + host + "]:" + lettuce.getPort()
						: host + ":" + lettuce.getPort();
				details.put("server", server);
				details.put("database", lettuce.getDatabase());
				details.put("ssl", lettuce.isUseSsl());
			}
			catch (RuntimeException ex) {
				// Details are a courtesy; a factory that cannot tell its server has none.
			}
		}
		return details;
	}

	/**
	 * One attempt of an operation on one connection of another client than Lettuce.
	 */
	@FunctionalInterface
	private interface Command<T extends @Nullable Object> {

		T run(RedisConnection connection);

	}

	/**
	 * One attempt of an operation over Lettuce, bounded by the command timeout.
	 */
	@FunctionalInterface
	private interface LettuceCommand<T extends @Nullable Object> {

		T run(LettuceCommands commands);

	}

}
