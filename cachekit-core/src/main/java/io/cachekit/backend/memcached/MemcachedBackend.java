package io.cachekit.backend.memcached;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.cachekit.backend.AddIfAbsent;
import io.cachekit.backend.Backend;
import io.cachekit.backend.BackendErrorType;
import io.cachekit.backend.BackendException;
import io.cachekit.backend.BackendHealth;
import io.cachekit.backend.BackendOperation;
import io.cachekit.backend.BulkGet;
import io.cachekit.backend.Checks;
import io.cachekit.backend.Connectivity;
import io.cachekit.backend.Durations;
import io.cachekit.backend.Increment;
import io.cachekit.backend.Retry;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.config.ClusterConfiguration;
import net.spy.memcached.internal.OperationFuture;
import net.spy.memcached.ops.StatusCode;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Backend} on one or more memcached servers, through spymemcached.
 *
 * <p>
 * Keys are spread over the servers by Ketama consistent hashing, so adding or losing a
 * server moves only its share of the keys. Every key gets the configured prefix; a key
 * that memcached could not take as it is (over 250 bytes, whitespace, control characters)
 * is replaced by a readable head plus its SHA-256, so distinct keys never meet and no key
 * can inject a protocol command. The binary protocol is used throughout.
 *
 * <p>
 * TTLs are whole seconds, rounded up: {@code null}, zero or negative means no expiry, and
 * more than 30 days is clamped to 30 days ({@value #MAX_TTL_SECONDS} s), since memcached
 * reads larger numbers as absolute Unix times.
 *
 * <p>
 * Writes and deletes wait for the server's answer. An idempotent operation that fails as
 * {@code TRANSIENT} is tried again up to {@link MemcachedConfig#retryAttempts()} times;
 * when no server is connected, operations fail at once as {@code TRANSIENT} instead of
 * waiting for a timeout. A value over {@link MemcachedConfig#maxItemSize()} fails as
 * {@code PERMANENT} before anything is sent.
 *
 * <p>
 * With {@link MemcachedConfig.Builder#credentials(String, String) credentials}, every
 * connection authenticates with SASL {@code PLAIN}. Credentials the servers refuse, or
 * their absence where a server requires them, fail operations and the health check as
 * {@code AUTHENTICATION}, at once rather than after a timeout, until a server accepts
 * them; the password is never part of a message.
 *
 * <p>
 * With {@link MemcachedConfig.Builder#tls(javax.net.ssl.SSLContext) TLS}, every
 * connection is encrypted, and a server whose certificate the context does not trust or
 * that does not name its host is not connected to: while no server is connected,
 * operations and the health check fail at once as {@code AUTHENTICATION} with the
 * handshake's cause, never as an exception to a cache call.
 *
 * <p>
 * Also offers {@link AddIfAbsent}, {@link BulkGet}, {@link Increment} and
 * {@link Connectivity} (some client holds a live connection to some server). Thread-safe.
 * {@link #close()} stops every client thread.
 */
public final class MemcachedBackend implements Backend, AddIfAbsent, BulkGet, Increment, Connectivity, AutoCloseable {

	/** The {@link #backendType()} of this backend: {@value}. */
	public static final String BACKEND_TYPE = "memcached";

	/** The longest TTL memcached takes as relative: 30 days, in seconds. */
	public static final int MAX_TTL_SECONDS = 30 * 24 * 60 * 60;

	/** The key the health check writes and reads, before the prefix. */
	static final String HEALTH_KEY = "cachekit:health";

	private static final Logger logger = LoggerFactory.getLogger(MemcachedBackend.class);

	private final MemcachedConfig config;

	private final MemcachedKeys keys;

	private final RawBytesTranscoder transcoder;

	/** {@code null} only while a discovery endpoint has not named any server yet. */
	private volatile @Nullable MemcachedClientPool pool;

	private final Object poolLock = new Object();

	private volatile @Nullable ClusterDiscovery discovery;

	private final long timeoutMillis;

	private final Retry retry;

	private volatile boolean closed;

	private MemcachedBackend(MemcachedConfig config, @Nullable MemcachedClientPool pool) {
		this.config = config;
		this.keys = new MemcachedKeys(config.keyPrefix());
		this.transcoder = new RawBytesTranscoder(config.maxItemSize());
		this.pool = pool;
		this.timeoutMillis = config.operationTimeout().toMillis();
		// With no server connected, the next attempt would fail the same way at once.
		this.retry = Retry.upTo(config.retryAttempts(), (failure) -> !isAnyServerConnected());
	}

	/**
	 * Creates a backend and connects it to the configured servers, or to those its
	 * discovery endpoint names.
	 * <p>
	 * Waits up to {@link MemcachedConfig#connectTimeout()} for the first connections.
	 * Servers that are not reachable by then are logged and connected to in the
	 * background; until one is, operations fail as {@code TRANSIENT}.
	 * <p>
	 * With a {@link MemcachedConfig#discoveryEndpoint() discovery endpoint}, the endpoint
	 * is asked once first; its nodes replace the configured servers. When it cannot be
	 * asked, the backend starts on the configured servers, or, with none, on no server at
	 * all: operations fail at once as {@code TRANSIENT} and the health check says why,
	 * until the endpoint answers. From then on it is asked every
	 * {@link MemcachedConfig#discoveryInterval() interval}.
	 * @param config the configuration
	 * @return the connected backend; close it when done
	 * @throws BackendException ({@code TRANSIENT}) when the clients cannot be created
	 */
	public static MemcachedBackend create(MemcachedConfig config) {
		Objects.requireNonNull(config, "config must not be null");
		ServerAddress endpoint = config.discoveryEndpoint();
		if (endpoint == null) {
			return new MemcachedBackend(config, connect(config, ServerDirectory.resolve(config.servers())));
		}
		MemcachedBackend backend = new MemcachedBackend(config, null);
		ClusterDiscovery discovery = new ClusterDiscovery(
				new ClusterConfigClient(endpoint, config.operationTimeout(), config.sslContext(), config.tlsHostName()),
				config.discoveryInterval(), backend::apply);
		backend.discovery = discovery;
		if (!discovery.poll() && !config.servers().isEmpty()) {
			backend.pool = connect(config, ServerDirectory.resolve(config.servers()));
		}
		discovery.start();
		return backend;
	}

	private static MemcachedClientPool connect(MemcachedConfig config, ServerDirectory servers) {
		MemcachedClientPool pool;
		try {
			pool = MemcachedClientPool.connect(config, servers);
		}
		catch (IOException ex) {
			throw new BackendException(BackendErrorType.TRANSIENT, BackendOperation.HEALTH, null,
					"cannot create memcached clients for " + servers.servers(), ex);
		}
		List<ServerAddress> unreachable = pool.markUnreachable();
		if (Thread.currentThread().isInterrupted()) {
			// Closing the backend cut the wait short: the servers were not given their
			// time.
			return pool;
		}
		if (!unreachable.isEmpty()) {
			logger.warn("memcached servers not reachable within {}: {}; connecting in the background",
					Durations.format(config.connectTimeout()), unreachable);
		}
		return pool;
	}

	/**
	 * Applies a newer cluster configuration: creates the pool on its nodes the first
	 * time, else tells every client.
	 */
	private void apply(ClusterConfiguration configuration) {
		synchronized (this.poolLock) {
			if (this.closed) {
				return;
			}
			MemcachedClientPool pool = this.pool;
			if (pool != null) {
				pool.update(configuration, this.config::weightOf);
				return;
			}
			ServerDirectory servers = ServerDirectory.resolve(List.of());
			servers.update(configuration.getCacheNodeEndPoints(), this.config::weightOf);
			this.pool = connect(this.config, servers);
		}
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
	public MemcachedConfig config() {
		return this.config;
	}

	@Override
	public byte @Nullable [] get(String key) {
		String mapped = this.keys.map(Checks.key(key));
		return execute(BackendOperation.GET, key, true, (client) -> await(client.asyncGet(mapped, this.transcoder)));
	}

	@Override
	public void set(String key, byte[] value, @Nullable Duration ttl) {
		String mapped = this.keys.map(Checks.key(key));
		Checks.valueSize(BackendOperation.SET, key, value, this.config.maxItemSize(), "max item size");
		int expiry = expiry(ttl);
		execute(BackendOperation.SET, key, true, (client) -> {
			OperationFuture<Boolean> future = client.set(mapped, expiry, value, this.transcoder);
			if (!Boolean.TRUE.equals(await(future))) {
				throw MemcachedErrors.fromStatus(BackendOperation.SET, key, future.getStatus());
			}
			return true;
		});
	}

	@Override
	public boolean delete(String key) {
		String mapped = this.keys.map(Checks.key(key));
		return execute(BackendOperation.DELETE, key, true, (client) -> {
			OperationFuture<Boolean> future = client.delete(mapped);
			if (Boolean.TRUE.equals(await(future))) {
				return true;
			}
			if (isNotFound(future)) {
				return false;
			}
			throw MemcachedErrors.fromStatus(BackendOperation.DELETE, key, future.getStatus());
		});
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * Memcached has no existence check; this reads the value and discards it.
	 */
	@Override
	public boolean exists(String key) {
		String mapped = this.keys.map(Checks.key(key));
		return execute(BackendOperation.EXISTS, key, true,
				(client) -> await(client.asyncGet(mapped, this.transcoder)) != null);
	}

	@Override
	public boolean addIfAbsent(String key, byte[] value, @Nullable Duration ttl) {
		String mapped = this.keys.map(Checks.key(key));
		Checks.valueSize(BackendOperation.ADD_IF_ABSENT, key, value, this.config.maxItemSize(), "max item size");
		int expiry = expiry(ttl);
		return execute(BackendOperation.ADD_IF_ABSENT, key, false, (client) -> {
			OperationFuture<Boolean> future = client.add(mapped, expiry, value, this.transcoder);
			if (Boolean.TRUE.equals(await(future))) {
				return true;
			}
			if (isTaken(future)) {
				return false;
			}
			throw MemcachedErrors.fromStatus(BackendOperation.ADD_IF_ABSENT, key, future.getStatus());
		});
	}

	@Override
	public Map<String, byte[]> getAll(Collection<String> keys) {
		Objects.requireNonNull(keys, "keys must not be null");
		Map<String, String> callerKeys = new LinkedHashMap<>();
		for (String key : keys) {
			callerKeys.put(this.keys.map(Checks.key(key)), key);
		}
		if (callerKeys.isEmpty()) {
			return Map.of();
		}
		return execute(BackendOperation.GET_ALL, null, true, (client) -> {
			Map<String, byte[]> found = await(client.asyncGetBulk(callerKeys.keySet(), this.transcoder));
			Map<String, byte[]> result = new LinkedHashMap<>();
			found.forEach((mapped, value) -> result.put(callerKeys.get(mapped), value));
			return result;
		});
	}

	@Override
	public long increment(String key, long delta, long initialValue, @Nullable Duration ttl) {
		String mapped = this.keys.map(Checks.key(key));
		Checks.incrementArguments(delta, initialValue);
		int expiry = expiry(ttl);
		return execute(BackendOperation.INCREMENT, key, false, (client) -> {
			OperationFuture<Long> future = client.asyncIncr(mapped, delta, initialValue, expiry);
			Long value = await(future);
			if (value != null && future.getStatus().isSuccess()) {
				return value;
			}
			if (future.getStatus().getStatusCode() == StatusCode.ERR_NOT_STORED) {
				// Another client created the counter between this one's miss and its add;
				// nothing was applied, so incrementing the now existing counter is exact.
				future = client.asyncIncr(mapped, delta, initialValue, expiry);
				value = await(future);
				if (value != null && future.getStatus().isSuccess()) {
					return value;
				}
			}
			throw MemcachedErrors.fromStatus(BackendOperation.INCREMENT, key, future.getStatus());
		});
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * Writes and reads back a probe key (under the key prefix) and asks every server for
	 * its version. Details: {@code servers} maps each {@code host:port} to {@code up} or
	 * {@code down}, {@code nodes} maps it to its {@code state} ({@code up} or
	 * {@code down}) and {@code weight}, {@code pool_size} is the number of clients; with
	 * a discovery endpoint, {@code discovery_endpoint} names it and
	 * {@code config_version} is the version of the cluster configuration applied (absent
	 * before the first). Takes at most twice the operation timeout; when no server is
	 * connected it answers at once.
	 */
	@Override
	public BackendHealth health() {
		long start = System.nanoTime();
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("pool_size", this.config.maxPoolSize());
		ClusterDiscovery discovery = this.discovery;
		if (discovery != null) {
			details.put("discovery_endpoint", discovery.endpoint().toString());
			Long version = discovery.version();
			if (version != null) {
				details.put("config_version", version);
			}
		}
		MemcachedClientPool pool = this.pool;
		try {
			Checks.open(this.closed, BackendOperation.HEALTH, null);
			pool = pool(BackendOperation.HEALTH, HEALTH_KEY);
			byte[] probe = Long.toString(System.currentTimeMillis()).getBytes(StandardCharsets.US_ASCII);
			String mapped = this.keys.map(HEALTH_KEY);
			byte[] read = once(BackendOperation.HEALTH, HEALTH_KEY, (client) -> {
				OperationFuture<Boolean> write = client.set(mapped, 60, probe, this.transcoder);
				if (!Boolean.TRUE.equals(await(write))) {
					throw MemcachedErrors.fromStatus(BackendOperation.HEALTH, HEALTH_KEY, write.getStatus());
				}
				return await(client.asyncGet(mapped, this.transcoder));
			});
			long latency = elapsedMillis(start);
			if (!Arrays.equals(probe, read)) {
				describe(pool.serverStates(), details);
				return BackendHealth.down(backendType(), latency,
						new IllegalStateException("health probe read back a different value than it wrote"), details);
			}
			Map<ServerAddress, String> versions = pool.versions();
			Map<ServerAddress, Boolean> states = pool.serverStates();
			states.replaceAll((server, connected) -> connected && versions.containsKey(server));
			describe(states, details);
			return BackendHealth.up(backendType(), latency, details);
		}
		catch (BackendException ex) {
			describe((pool != null) ? pool.serverStates() : Map.of(), details);
			return BackendHealth.down(backendType(), elapsedMillis(start), ex, details);
		}
	}

	@Override
	public boolean isConnected() {
		return !this.closed && isAnyServerConnected();
	}

	private boolean isAnyServerConnected() {
		MemcachedClientPool pool = this.pool;
		return pool != null && pool.isAnyServerConnected();
	}

	/**
	 * Stops asking the discovery endpoint, then every client and its I/O thread.
	 * Operations after this fail as {@code PERMANENT}. Idempotent.
	 */
	@Override
	public void close() {
		if (!this.closed) {
			this.closed = true;
			ClusterDiscovery discovery = this.discovery;
			if (discovery != null) {
				discovery.close();
			}
			synchronized (this.poolLock) {
				MemcachedClientPool pool = this.pool;
				if (pool != null) {
					pool.close();
				}
			}
		}
	}

	@Override
	public String toString() {
		ServerAddress endpoint = this.config.discoveryEndpoint();
		return "MemcachedBackend" + ((endpoint != null) ? "(discovery " + endpoint + ")" : this.config.servers())
				+ ((this.config.username() != null) ? "(user '" + this.config.username() + "')" : "")
				+ (this.config.isTls() ? "(TLS)" : "");
	}

	/**
	 * Converts a TTL to memcached's expiry: whole seconds rounded up, 0 for none, at most
	 * {@value #MAX_TTL_SECONDS}.
	 * @param ttl the TTL, or {@code null}
	 * @return the expiry in seconds
	 */
	static int expiry(@Nullable Duration ttl) {
		if (ttl == null || ttl.isZero() || ttl.isNegative()) {
			return 0;
		}
		long seconds = ttl.getSeconds() + ((ttl.getNano() > 0) ? 1 : 0);
		return (int) Math.min(seconds, MAX_TTL_SECONDS);
	}

	private <T extends @Nullable Object> T execute(BackendOperation operation, @Nullable String key, boolean idempotent,
			Attempt<T> attempt) {
		Checks.open(this.closed, operation, key);
		return idempotent ? this.retry.call(() -> once(operation, key, attempt)) : once(operation, key, attempt);
	}

	/**
	 * Returns the pool, or fails at once when a discovery endpoint has not named any
	 * server yet.
	 */
	private MemcachedClientPool pool(BackendOperation operation, @Nullable String key) {
		MemcachedClientPool pool = this.pool;
		if (pool != null) {
			return pool;
		}
		ClusterDiscovery discovery = this.discovery;
		String failure = (discovery != null) ? discovery.failure() : null;
		throw new BackendException(BackendErrorType.TRANSIENT, operation, key, "no memcached cluster configuration yet"
				+ ((failure != null) ? ": " + failure : " from " + this.config.discoveryEndpoint()), null);
	}

	private <T extends @Nullable Object> T once(BackendOperation operation, @Nullable String key, Attempt<T> attempt) {
		MemcachedClientPool pool = pool(operation, key);
		MemcachedClient client = pool.next();
		SaslAuthentication authentication = pool.authentication();
		String refusal = authentication.refusal();
		if (!MemcachedClientPool.isAnyServerConnected(client)) {
			if (refusal != null) {
				// Connections are dropped after a refusal: the cause is the credentials.
				throw new BackendException(BackendErrorType.AUTHENTICATION, operation, key, refusal, null);
			}
			TlsHandshakes tls = pool.tls();
			String handshakeFailure = (tls != null) ? tls.failure() : null;
			if (handshakeFailure != null) {
				// The servers could not prove who they are, or do not speak TLS.
				throw new BackendException(BackendErrorType.AUTHENTICATION, operation, key, handshakeFailure, null);
			}
			throw new BackendException(BackendErrorType.TRANSIENT, operation, key, "no memcached server is connected ("
					+ pool.servers() + "); check that the servers run and are reachable", null);
		}
		if (refusal != null && this.config.hasCredentials() && !pool.isAnyServerAuthenticated(client)) {
			// Waiting would only end in a timeout; spymemcached retries in the
			// background.
			throw new BackendException(BackendErrorType.AUTHENTICATION, operation, key, refusal, null);
		}
		try {
			T result = attempt.run(client);
			if (refusal != null && !this.config.hasCredentials() && isWrite(operation)) {
				// Without credentials nothing tells of a server's change of mind but a
				// write it confirmed; reads that find nothing prove nothing.
				authentication.accepted();
			}
			return result;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw MemcachedErrors.classify(operation, key, ex);
		}
		catch (Exception ex) {
			throw authenticationAware(pool, operation, key, MemcachedErrors.classify(operation, key, ex));
		}
	}

	/**
	 * Records a server's authentication error, and reports a timeout or dropped
	 * connection while the servers refuse the credentials as the refusal it is.
	 */
	private BackendException authenticationAware(MemcachedClientPool pool, BackendOperation operation,
			@Nullable String key, BackendException failure) {
		SaslAuthentication authentication = pool.authentication();
		if (failure.getErrorType() == BackendErrorType.AUTHENTICATION) {
			Throwable cause = failure.getCause();
			authentication.refused(pool.servers().toString(), (cause != null) ? cause.getMessage() : null);
			String refusal = authentication.refusal();
			return (refusal != null)
					? new BackendException(BackendErrorType.AUTHENTICATION, operation, key, refusal, failure.getCause())
					: failure;
		}
		String refusal = authentication.refusal();
		if (refusal != null && failure.getErrorType().isRetryable()) {
			return new BackendException(BackendErrorType.AUTHENTICATION, operation, key, refusal, failure);
		}
		return failure;
	}

	private <T extends @Nullable Object> T await(Future<T> future) throws Exception {
		try {
			return future.get(this.timeoutMillis, TimeUnit.MILLISECONDS);
		}
		catch (Exception ex) {
			future.cancel(false);
			throw ex;
		}
	}

	private static boolean isWrite(BackendOperation operation) {
		return operation == BackendOperation.SET || operation == BackendOperation.ADD_IF_ABSENT
				|| operation == BackendOperation.INCREMENT || operation == BackendOperation.HEALTH;
	}

	private static boolean isNotFound(OperationFuture<?> future) {
		return future.getStatus().getStatusCode() == StatusCode.ERR_NOT_FOUND;
	}

	private static boolean isTaken(OperationFuture<?> future) {
		StatusCode code = future.getStatus().getStatusCode();
		return code == StatusCode.ERR_EXISTS || code == StatusCode.ERR_NOT_STORED;
	}

	private static long elapsedMillis(long startNanos) {
		return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
	}

	private static void describe(Map<ServerAddress, Boolean> states, Map<String, Object> details) {
		Map<String, Object> servers = new LinkedHashMap<>();
		Map<String, Object> nodes = new LinkedHashMap<>();
		states.forEach((server, up) -> {
			servers.put(server.toString(), up ? "up" : "down");
			Map<String, Object> node = new LinkedHashMap<>();
			node.put("state", up ? "up" : "down");
			node.put("weight", server.weight());
			nodes.put(server.toString(), node);
		});
		details.put("servers", servers);
		details.put("nodes", nodes);
	}

	/**
	 * One attempt of an operation on one client.
	 */
	@FunctionalInterface
	private interface Attempt<T extends @Nullable Object> {

		T run(MemcachedClient client) throws Exception;

	}

}
