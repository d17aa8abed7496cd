package io.cachekit.backend.memcached;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import javax.net.ssl.SSLContext;

import io.cachekit.backend.Checks;
import io.cachekit.backend.Durations;
import io.cachekit.backend.Retry;
import org.jspecify.annotations.Nullable;

/**
 * Immutable settings of a {@link MemcachedBackend}.
 *
 * <p>
 * Built with {@link #builder()}. Every setter checks its value at once and throws
 * {@link IllegalArgumentException} with a message that names the setting and says what is
 * allowed; {@link Builder#build()} fails the same way when neither servers nor a
 * discovery endpoint was given.
 *
 * <pre>{@code
 * MemcachedConfig config = MemcachedConfig.builder()
 *     .servers("mc1:11211", "mc2:11211")
 *     .operationTimeout(Duration.ofMillis(500))
 *     .keyPrefix("orders:")
 *     .build();
 * }</pre>
 */
public final class MemcachedConfig {

	/** The default time to wait for the first connection to every server. */
	public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);

	/** The default time one operation may take before it fails as a timeout. */
	public static final Duration DEFAULT_OPERATION_TIMEOUT = Duration.ofSeconds(1);

	/**
	 * The default number of spymemcached clients. Each client owns one I/O thread and one
	 * connection per server, and operations are spread over the clients round-robin.
	 * <p>
	 * One client is the default because it measured as fast as two or four for 16 threads
	 * against a local memcached on a 2-core machine (see {@code MemcachedPoolBenchmark}
	 * in the benchmarks module); more clients help only when one I/O thread is the
	 * bottleneck, on machines with more cores.
	 */
	public static final int DEFAULT_MAX_POOL_SIZE = 1;

	/** The default number of retries after a failed first attempt. */
	public static final int DEFAULT_RETRY_ATTEMPTS = 2;

	/**
	 * The default largest value, in bytes, that is sent to memcached: 1,048,267, the
	 * largest value a memcached with its default item size limit ({@code -I 1m}) stores
	 * under any key. memcached counts its own item header (59 bytes) and the key (up to
	 * 250 bytes) in that limit, so a larger value would travel only to be refused.
	 */
	public static final int DEFAULT_MAX_ITEM_SIZE = 1024 * 1024 - 59 - 250;

	/**
	 * The default longest wait between attempts to reconnect to a failed server: one
	 * second, the shortest spymemcached takes (it counts whole seconds and cannot be
	 * asked to reconnect at once), so that a restarted server is connected to again
	 * within a second. An attempt on a server that is down costs one refused connection.
	 */
	public static final Duration DEFAULT_MAX_RECONNECT_DELAY = Duration.ofSeconds(1);

	/** How often a discovery endpoint is asked for the cluster's nodes by default. */
	public static final Duration DEFAULT_DISCOVERY_INTERVAL = Duration.ofSeconds(60);

	/** The shortest interval between two questions to a discovery endpoint. */
	public static final Duration MIN_DISCOVERY_INTERVAL = Duration.ofMillis(100);

	/** The longest key prefix, in UTF-8 bytes. */
	public static final int MAX_KEY_PREFIX_BYTES = 128;

	private final List<ServerAddress> servers;

	private final Duration connectTimeout;

	private final Duration operationTimeout;

	private final int maxPoolSize;

	private final int retryAttempts;

	private final String keyPrefix;

	private final int maxItemSize;

	private final Duration maxReconnectDelay;

	private final FailureMode failureMode;

	private final @Nullable String username;

	private final @Nullable String password;

	private final @Nullable SSLContext sslContext;

	private final @Nullable String tlsHostName;

	private final Map<ServerAddress, Integer> weights;

	private final @Nullable ServerAddress discoveryEndpoint;

	private final Duration discoveryInterval;

	private MemcachedConfig(Builder builder, List<ServerAddress> servers) {
		this.servers = List.copyOf(servers);
		this.weights = Map.copyOf(builder.weights);
		this.discoveryEndpoint = builder.discoveryEndpoint;
		this.discoveryInterval = builder.discoveryInterval;
		this.connectTimeout = builder.connectTimeout;
		this.operationTimeout = builder.operationTimeout;
		this.maxPoolSize = builder.maxPoolSize;
		this.retryAttempts = builder.retryAttempts;
		this.keyPrefix = builder.keyPrefix;
		this.maxItemSize = builder.maxItemSize;
		this.maxReconnectDelay = builder.maxReconnectDelay;
		this.failureMode = builder.failureMode;
		this.username = builder.username;
		this.password = builder.password;
		this.sslContext = builder.sslContext;
		this.tlsHostName = builder.tlsHostName;
	}

	/**
	 * Starts a configuration with every default and no servers.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Starts a builder that holds this configuration's values.
	 * @return a new builder
	 */
	public Builder toBuilder() {
		Builder builder = new Builder();
		builder.servers.addAll(this.servers);
		this.servers.stream().filter((server) -> server.weight() != 1).forEach(builder.weighted::add);
		this.weights.forEach((server, weight) -> {
			if (this.servers.stream().noneMatch(server::sameServer)) {
				builder.weights.put(server, weight);
			}
		});
		builder.discoveryEndpoint = this.discoveryEndpoint;
		builder.discoveryInterval = this.discoveryInterval;
		builder.connectTimeout = this.connectTimeout;
		builder.operationTimeout = this.operationTimeout;
		builder.maxPoolSize = this.maxPoolSize;
		builder.retryAttempts = this.retryAttempts;
		builder.keyPrefix = this.keyPrefix;
		builder.maxItemSize = this.maxItemSize;
		builder.maxReconnectDelay = this.maxReconnectDelay;
		builder.failureMode = this.failureMode;
		builder.username = this.username;
		builder.password = this.password;
		builder.sslContext = this.sslContext;
		builder.tlsHostName = this.tlsHostName;
		return builder;
	}

	/**
	 * Returns the servers keys are spread over by consistent (Ketama) hashing, each with
	 * its weight.
	 * @return the servers; empty only when a {@link #discoveryEndpoint() discovery
	 * endpoint} names them
	 */
	public List<ServerAddress> servers() {
		return this.servers;
	}

	/**
	 * Returns the weight of a server, configured or discovered: the weight given for its
	 * host and port, or 1.
	 * @param server the server (its own weight is ignored)
	 * @return the weight, 1 to {@value ServerAddress#MAX_WEIGHT}
	 */
	int weightOf(ServerAddress server) {
		for (ServerAddress configured : this.servers) {
			if (configured.sameServer(server)) {
				return configured.weight();
			}
		}
		for (Map.Entry<ServerAddress, Integer> weight : this.weights.entrySet()) {
			if (weight.getKey().sameServer(server)) {
				return weight.getValue();
			}
		}
		return 1;
	}

	/**
	 * Returns the configuration endpoint asked for the cluster's nodes
	 * ({@code config get cluster}, as ElastiCache answers it), if any.
	 * @return the endpoint, or {@code null} when the servers are fixed
	 */
	public @Nullable ServerAddress discoveryEndpoint() {
		return this.discoveryEndpoint;
	}

	/**
	 * Returns how often the discovery endpoint is asked for the cluster's nodes.
	 * @return the interval
	 */
	public Duration discoveryInterval() {
		return this.discoveryInterval;
	}

	/**
	 * Returns how long creating a backend waits for its first connections.
	 * @return the connect timeout
	 */
	public Duration connectTimeout() {
		return this.connectTimeout;
	}

	/**
	 * Returns how long one attempt of an operation may take.
	 * @return the operation timeout
	 */
	public Duration operationTimeout() {
		return this.operationTimeout;
	}

	/**
	 * Returns the number of spymemcached clients operations are spread over.
	 * @return the pool size, at least one
	 */
	public int maxPoolSize() {
		return this.maxPoolSize;
	}

	/**
	 * Returns how many times an idempotent operation is tried again after a
	 * {@code TRANSIENT} failure (timeouts are not retried).
	 * @return the retry attempts, zero or more
	 */
	public int retryAttempts() {
		return this.retryAttempts;
	}

	/**
	 * Returns the prefix put before every key, the health probe's included.
	 * @return the prefix, possibly empty
	 */
	public String keyPrefix() {
		return this.keyPrefix;
	}

	/**
	 * Returns the largest value, in bytes, that is sent to memcached.
	 * @return the item size limit
	 */
	public int maxItemSize() {
		return this.maxItemSize;
	}

	/**
	 * Returns the longest wait between attempts to reconnect to a failed server.
	 * @return the reconnect delay cap, whole seconds
	 */
	public Duration maxReconnectDelay() {
		return this.maxReconnectDelay;
	}

	/**
	 * Returns what happens to operations for a server that is down.
	 * @return the failure mode
	 */
	public FailureMode failureMode() {
		return this.failureMode;
	}

	/**
	 * Returns the SASL user name the backend authenticates as.
	 * @return the user name, or {@code null} when the servers need no authentication
	 */
	public @Nullable String username() {
		return this.username;
	}

	/**
	 * Tells whether the backend authenticates with SASL {@code PLAIN}.
	 * @return {@code true} when a user name and password were set
	 */
	public boolean hasCredentials() {
		return this.username != null;
	}

	/**
	 * Returns the SASL password. Package-private: the password is only handed to the
	 * client, never shown.
	 * @return the password, or {@code null} when no credentials were set
	 */
	@Nullable String password() {
		return this.password;
	}

	/**
	 * Returns the context connections are made over TLS with.
	 * @return the context, or {@code null} when connections are plain TCP
	 */
	public @Nullable SSLContext sslContext() {
		return this.sslContext;
	}

	/**
	 * Tells whether the backend connects over TLS.
	 * @return {@code true} when a TLS context was set
	 */
	public boolean isTls() {
		return this.sslContext != null;
	}

	/**
	 * Returns the host name every server's certificate must name.
	 * @return the name, or {@code null} when each server's certificate must name the host
	 * the server is configured by (or when TLS is off)
	 */
	public @Nullable String tlsHostName() {
		return this.tlsHostName;
	}

	/**
	 * Describes the configuration; the password is masked.
	 */
	@Override
	public String toString() {
		return "MemcachedConfig[servers=" + describeServers()
				+ ((this.discoveryEndpoint != null) ? ", discoveryEndpoint=" + this.discoveryEndpoint
						+ ", discoveryInterval=" + Durations.format(this.discoveryInterval) : "")
				+ ", connectTimeout=" + Durations.format(this.connectTimeout) + ", operationTimeout="
				+ Durations.format(this.operationTimeout) + ", maxPoolSize=" + this.maxPoolSize + ", retryAttempts="
				+ this.retryAttempts + ", keyPrefix='" + this.keyPrefix + "', maxItemSize=" + this.maxItemSize
				+ ", maxReconnectDelay=" + Durations.format(this.maxReconnectDelay) + ", failureMode="
				+ this.failureMode + ", username="
				+ ((this.username != null) ? "'" + this.username + "', password=******" : "none") + ", tls="
				+ ((this.sslContext == null) ? "off"
						: (this.tlsHostName != null) ? "on (host name '" + this.tlsHostName + "')" : "on")
				+ "]";
	}

	private String describeServers() {
		List<String> servers = new ArrayList<>();
		for (ServerAddress server : this.servers) {
			servers.add((server.weight() != 1) ? server + ":" + server.weight() : server.toString());
		}
		this.weights.forEach((server, weight) -> {
			if (this.servers.stream().noneMatch(server::sameServer)) {
				servers.add("(discovered) " + server + ":" + weight);
			}
		});
		return servers.toString();
	}

	/**
	 * What a backend does with an operation whose server is down.
	 */
	public enum FailureMode {

		/**
		 * Send it to the next server on the hash ring that is up. Keys of a failed server
		 * miss rather than fail, and move back when it returns.
		 */
		REDISTRIBUTE,

		/**
		 * Keep it for the failed server: it fails as a timeout unless the server returns
		 * within the operation timeout.
		 */
		RETRY,

		/**
		 * Fail it at once as {@code TRANSIENT}.
		 */
		CANCEL

	}

	/**
	 * Builds a {@link MemcachedConfig}. Not thread-safe.
	 */
	public static final class Builder {

		private final List<ServerAddress> servers = new ArrayList<>();

		/** The servers given with a weight in their address. */
		private final Set<ServerAddress> weighted = new HashSet<>();

		private final Map<ServerAddress, Integer> weights = new LinkedHashMap<>();

		private @Nullable ServerAddress discoveryEndpoint;

		private Duration discoveryInterval = DEFAULT_DISCOVERY_INTERVAL;

		private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;

		private Duration operationTimeout = DEFAULT_OPERATION_TIMEOUT;

		private int maxPoolSize = DEFAULT_MAX_POOL_SIZE;

		private int retryAttempts = DEFAULT_RETRY_ATTEMPTS;

		private String keyPrefix = "";

		private int maxItemSize = DEFAULT_MAX_ITEM_SIZE;

		private Duration maxReconnectDelay = DEFAULT_MAX_RECONNECT_DELAY;

		private FailureMode failureMode = FailureMode.REDISTRIBUTE;

		private @Nullable String username;

		private @Nullable String password;

		private @Nullable SSLContext sslContext;

		private @Nullable String tlsHostName;

		private Builder() {
		}

		/**
		 * Sets the servers, replacing any set before.
		 * @param servers addresses as {@code host:port}, {@code host:port:weight},
		 * {@code [ipv6]:port} or {@code [ipv6]:port:weight}
		 * @return this builder
		 * @throws IllegalArgumentException when the list is empty or an address is not
		 * {@code host:port} with a port from 1 to 65535 and an optional weight from 1 to
		 * {@value ServerAddress#MAX_WEIGHT}; the message names the index
		 */
		public Builder servers(String... servers) {
			Objects.requireNonNull(servers, "servers must not be null");
			return servers(Arrays.asList(servers));
		}

		/**
		 * Sets the servers, replacing any set before.
		 * @param servers addresses as {@code host:port}, {@code host:port:weight},
		 * {@code [ipv6]:port} or {@code [ipv6]:port:weight}
		 * @return this builder
		 * @throws IllegalArgumentException when the list is empty or an address is not
		 * {@code host:port} with a port from 1 to 65535 and an optional weight from 1 to
		 * {@value ServerAddress#MAX_WEIGHT}; the message names the index
		 */
		public Builder servers(Collection<String> servers) {
			Objects.requireNonNull(servers, "servers must not be null");
			if (servers.isEmpty()) {
				throw new IllegalArgumentException("servers must not be empty: give at least one host:port");
			}
			List<ServerAddress> parsed = new ArrayList<>(servers.size());
			Set<ServerAddress> weighted = new HashSet<>();
			int index = 0;
			for (String server : servers) {
				if (server == null) {
					throw new IllegalArgumentException("servers[" + index + "] must not be null");
				}
				ServerAddress address;
				try {
					address = ServerAddress.parse(server);
				}
				catch (IllegalArgumentException ex) {
					throw new IllegalArgumentException("servers[" + index + "]: " + ex.getMessage(), ex);
				}
				if (parsed.stream().anyMatch(address::sameServer)) {
					throw new IllegalArgumentException("servers[" + index + "]: '" + server + "' is listed twice");
				}
				parsed.add(address);
				if (server.strip().length() > address.toString().length()) {
					weighted.add(address);
				}
				index++;
			}
			this.servers.clear();
			this.servers.addAll(parsed);
			this.weighted.clear();
			this.weighted.addAll(weighted);
			return this;
		}

		/**
		 * Sets the servers' weights, replacing any set before: the alternative to
		 * {@code host:port:weight} in {@link #servers(Collection)}. A weight may also
		 * name a server that only a discovery endpoint lists; servers without one weigh
		 * 1.
		 * @param weights {@code host:port} to a weight from 1 to
		 * {@value ServerAddress#MAX_WEIGHT}
		 * @return this builder
		 * @throws IllegalArgumentException when a key is not {@code host:port} or a
		 * weight is out of range; the message names the key
		 */
		public Builder weights(Map<String, Integer> weights) {
			Objects.requireNonNull(weights, "weights must not be null");
			Map<ServerAddress, Integer> parsed = new LinkedHashMap<>();
			weights.forEach((server, weight) -> {
				if (server == null || weight == null) {
					throw new IllegalArgumentException("weights must not hold null keys or values");
				}
				ServerAddress address;
				try {
					address = ServerAddress.parse(server);
				}
				catch (IllegalArgumentException ex) {
					throw new IllegalArgumentException("weights['" + server + "']: " + ex.getMessage(), ex);
				}
				if (weight < 1 || weight > ServerAddress.MAX_WEIGHT) {
					throw new IllegalArgumentException("weights['" + server + "'] must be from 1 to "
							+ ServerAddress.MAX_WEIGHT + ", was " + weight);
				}
				if (address.weight() != 1 || parsed.keySet().stream().anyMatch(address::sameServer)) {
					throw new IllegalArgumentException(
							"weights['" + server + "']: give each server once, as host:port without a weight");
				}
				parsed.put(address, weight);
			});
			this.weights.clear();
			this.weights.putAll(parsed);
			return this;
		}

		/**
		 * Names a configuration endpoint that lists the cluster's nodes, asked every
		 * {@link #discoveryInterval(Duration) interval} with {@code config get cluster}
		 * (the ElastiCache auto-discovery protocol; {@code get AmazonElastiCache:cluster}
		 * when the engine answers {@code ERROR}). Nodes it adds or removes are added to
		 * or removed from every client at runtime. Servers given as well are used until
		 * the first answer.
		 * @param endpoint the endpoint as {@code host:port}
		 * @return this builder
		 * @throws IllegalArgumentException when it is not {@code host:port}
		 */
		public Builder discoveryEndpoint(String endpoint) {
			Objects.requireNonNull(endpoint, "discovery endpoint must not be null");
			ServerAddress address;
			try {
				address = ServerAddress.parse(endpoint);
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException("discovery endpoint: " + ex.getMessage(), ex);
			}
			if (address.weight() != 1 || endpoint.strip().length() > address.toString().length()) {
				throw new IllegalArgumentException(
						"discovery endpoint: '" + endpoint + "' must be host:port, without a weight");
			}
			this.discoveryEndpoint = address;
			return this;
		}

		/**
		 * Removes the discovery endpoint: the servers are fixed.
		 * @return this builder
		 */
		public Builder noDiscovery() {
			this.discoveryEndpoint = null;
			return this;
		}

		/**
		 * Sets how often the discovery endpoint is asked for the cluster's nodes; a
		 * change reaches every client within this interval plus one round trip.
		 * @param discoveryInterval at least {@link #MIN_DISCOVERY_INTERVAL 100 ms}
		 * @return this builder
		 * @throws IllegalArgumentException when shorter
		 */
		public Builder discoveryInterval(Duration discoveryInterval) {
			Checks.positive("discovery interval", discoveryInterval);
			if (discoveryInterval.compareTo(MIN_DISCOVERY_INTERVAL) < 0) {
				throw new IllegalArgumentException("discovery interval must be at least "
						+ Durations.format(MIN_DISCOVERY_INTERVAL) + ", was " + Durations.format(discoveryInterval));
			}
			this.discoveryInterval = discoveryInterval;
			return this;
		}

		/**
		 * Sets how long creating a backend waits for the first connection to every
		 * server. A server still unreachable then is logged and connected to in the
		 * background.
		 * @param connectTimeout a positive duration
		 * @return this builder
		 * @throws IllegalArgumentException when not positive
		 */
		public Builder connectTimeout(Duration connectTimeout) {
			this.connectTimeout = Checks.positive("connect timeout", connectTimeout);
			return this;
		}

		/**
		 * Sets how long one attempt of an operation may take before it fails as
		 * {@code TIMEOUT}; also the bound on a health check.
		 * @param operationTimeout a positive duration of at least one millisecond
		 * @return this builder
		 * @throws IllegalArgumentException when not positive
		 */
		public Builder operationTimeout(Duration operationTimeout) {
			this.operationTimeout = Checks.positive("operation timeout", operationTimeout);
			return this;
		}

		/**
		 * Sets the number of spymemcached clients operations are spread over round-robin.
		 * See {@link #DEFAULT_MAX_POOL_SIZE} for the trade-off.
		 * @param maxPoolSize from 1 to 64
		 * @return this builder
		 * @throws IllegalArgumentException when out of range
		 */
		public Builder maxPoolSize(int maxPoolSize) {
			this.maxPoolSize = Checks.between("pool size", maxPoolSize, 1, 64);
			return this;
		}

		/**
		 * Sets how many times an idempotent operation (get, set, delete, exists, bulk
		 * get) is tried again after a {@code TRANSIENT} failure, such as a dropped
		 * connection. Add-if-absent and increment are never retried, and neither is an
		 * operation that timed out or found no server connected.
		 * @param retryAttempts from 0 to {@value Retry#MAX_RETRY_ATTEMPTS}
		 * @return this builder
		 * @throws IllegalArgumentException when out of range
		 */
		public Builder retryAttempts(int retryAttempts) {
			this.retryAttempts = Checks.between("retry attempts", retryAttempts, 0, Retry.MAX_RETRY_ATTEMPTS);
			return this;
		}

		/**
		 * Sets the prefix put before every key, so that several applications can share
		 * servers without meeting.
		 * @param keyPrefix at most {@value MemcachedConfig#MAX_KEY_PREFIX_BYTES} UTF-8
		 * bytes, with no whitespace, control character or {@code #}
		 * @return this builder
		 * @throws IllegalArgumentException when too long or holding a forbidden character
		 */
		public Builder keyPrefix(String keyPrefix) {
			Objects.requireNonNull(keyPrefix, "key prefix must not be null");
			if (keyPrefix.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_PREFIX_BYTES) {
				throw new IllegalArgumentException(
						"key prefix must be at most " + MAX_KEY_PREFIX_BYTES + " UTF-8 bytes, was '" + keyPrefix + "'");
			}
			int bad = MemcachedKeys.firstUnsafeChar(keyPrefix);
			if (bad >= 0) {
				throw new IllegalArgumentException("key prefix must not contain whitespace, control characters or '"
						+ MemcachedKeys.HASH_MARKER + "', found U+" + String.format("%04X", (int) keyPrefix.charAt(bad))
						+ " at index " + bad);
			}
			this.keyPrefix = keyPrefix;
			return this;
		}

		/**
		 * Sets the largest value that is sent to memcached. A larger value fails with
		 * {@code PERMANENT} before anything is sent. Keep it at or below the server's
		 * item size ({@code memcached -I}, 1 MiB by default), less key and header bytes.
		 * @param maxItemSize bytes, from 1 to 1 GiB
		 * @return this builder
		 * @throws IllegalArgumentException when out of range
		 */
		public Builder maxItemSize(int maxItemSize) {
			Checks.bytesBetween("max item size", maxItemSize, 1, 1 << 30);
			this.maxItemSize = maxItemSize;
			return this;
		}

		/**
		 * Sets the longest wait between attempts to reconnect to a failed server; waits
		 * double from one second up to it. Rounded up to whole seconds.
		 * @param maxReconnectDelay a positive duration
		 * @return this builder
		 * @throws IllegalArgumentException when not positive
		 */
		public Builder maxReconnectDelay(Duration maxReconnectDelay) {
			Duration delay = Checks.positive("max reconnect delay", maxReconnectDelay);
			long seconds = delay.getSeconds() + ((delay.getNano() > 0) ? 1 : 0);
			this.maxReconnectDelay = Duration.ofSeconds(seconds);
			return this;
		}

		/**
		 * Sets what happens to operations whose server is down.
		 * @param failureMode the failure mode
		 * @return this builder
		 */
		public Builder failureMode(FailureMode failureMode) {
			this.failureMode = Objects.requireNonNull(failureMode, "failure mode must not be null");
			return this;
		}

		/**
		 * Sets the credentials the backend authenticates with, by SASL {@code PLAIN} over
		 * the binary protocol, on every connection to every server (servers started with
		 * {@code memcached -S}). {@code PLAIN} sends the password as it is: use it on a
		 * trusted network or over TLS.
		 * @param username the SASL user name, not blank
		 * @param password the SASL password, not empty
		 * @return this builder
		 * @throws IllegalArgumentException when the user name is blank or the password
		 * empty; the message never holds the password
		 */
		public Builder credentials(String username, String password) {
			Objects.requireNonNull(username, "username must not be null");
			Objects.requireNonNull(password, "password must not be null");
			if (username.isBlank()) {
				throw new IllegalArgumentException("username must not be blank: give the SASL user name");
			}
			if (password.isEmpty()) {
				throw new IllegalArgumentException(
						"password must not be empty: give the SASL password of '" + username + "'");
			}
			this.username = username;
			this.password = password;
			return this;
		}

		/**
		 * Removes any credentials, for servers that need no authentication (the default).
		 * @return this builder
		 */
		public Builder noCredentials() {
			this.username = null;
			this.password = null;
			return this;
		}

		/**
		 * Connects to every server over TLS ({@code memcached -Z}) with this context.
		 * Each server's certificate must be trusted by the context and must name the host
		 * the server is configured by (its DNS name, or its IP address as a subject
		 * alternative name); a server that fails either check is not connected to, and
		 * operations and the health check fail as {@code AUTHENTICATION} naming the cause
		 * while no server is connected.
		 * @param sslContext an initialized context, such as one made from the trusted
		 * certificate of the servers' authority, or {@code SSLContext.getDefault()} for
		 * the JDK's trust store
		 * @return this builder
		 */
		public Builder tls(SSLContext sslContext) {
			this.sslContext = Objects.requireNonNull(sslContext, "TLS context must not be null");
			this.tlsHostName = null;
			return this;
		}

		/**
		 * Connects to every server over TLS with this context, and checks that every
		 * server's certificate names {@code hostName}, for servers configured by an
		 * address their certificate does not name (such as IP addresses behind a
		 * cluster's DNS name). Otherwise as {@link #tls(SSLContext)}.
		 * @param sslContext an initialized context
		 * @param hostName the name every certificate must hold, not blank
		 * @return this builder
		 * @throws IllegalArgumentException when the host name is blank
		 */
		public Builder tls(SSLContext sslContext, String hostName) {
			Objects.requireNonNull(hostName, "TLS host name must not be null");
			if (hostName.isBlank()) {
				throw new IllegalArgumentException(
						"TLS host name must not be blank: give the name the servers' certificates hold");
			}
			tls(sslContext);
			this.tlsHostName = hostName.strip();
			return this;
		}

		/**
		 * Connects over plain TCP (the default).
		 * @return this builder
		 */
		public Builder noTls() {
			this.sslContext = null;
			this.tlsHostName = null;
			return this;
		}

		/**
		 * Creates the configuration.
		 * @return the configuration
		 * @throws IllegalArgumentException when neither servers nor a discovery endpoint
		 * was set, or a server is weighted both in its address and in
		 * {@link #weights(Map)}
		 */
		public MemcachedConfig build() {
			if (this.servers.isEmpty() && this.discoveryEndpoint == null) {
				throw new IllegalArgumentException(
						"servers must not be empty: give at least one host:port, or a discovery endpoint");
			}
			List<ServerAddress> servers = new ArrayList<>(this.servers.size());
			for (ServerAddress server : this.servers) {
				Integer weight = null;
				for (Map.Entry<ServerAddress, Integer> entry : this.weights.entrySet()) {
					if (entry.getKey().sameServer(server)) {
						weight = entry.getValue();
					}
				}
				if (weight != null && this.weighted.contains(server)) {
					throw new IllegalArgumentException("server " + server
							+ " is weighted twice, in its address and in weights: give its weight once");
				}
				servers.add((weight != null) ? server.withWeight(weight) : server);
			}
			if (this.discoveryEndpoint == null) {
				for (ServerAddress weighted : this.weights.keySet()) {
					if (servers.stream().noneMatch(weighted::sameServer)) {
						throw new IllegalArgumentException(
								"weights names " + weighted + ", which is not one of the servers " + servers);
					}
				}
			}
			return new MemcachedConfig(this, servers);
		}

	}

}
