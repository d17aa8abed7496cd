package io.cachekit.backend.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

import io.cachekit.backend.Checks;
import io.cachekit.backend.Durations;
import io.cachekit.backend.Retry;
import org.jspecify.annotations.Nullable;

/**
 * Immutable settings of a {@link RedisBackend}.
 *
 * <p>
 * Built with {@link #builder()}. Every setter checks its value at once and throws
 * {@link IllegalArgumentException} with a message that names the setting and says what is
 * allowed.
 *
 * <p>
 * The key prefix, value size limit, retries and command timeout apply to every backend.
 * Where the servers are is for {@link RedisBackend#create(RedisBackendConfig)}, which
 * builds its own Lettuce connection factory: exactly one of
 * <ul>
 * <li>{@link Builder#url(String) url}: one server, credentials and database in the
 * URL;</li>
 * <li>{@link Builder#cluster(List) cluster}: the seed nodes of a Redis Cluster, with
 * {@link Builder#username(String) username}, {@link Builder#password(String) password},
 * {@link Builder#ssl(boolean) ssl}, {@link Builder#clusterRefreshPeriod(Duration) refresh
 * period} and {@link Builder#maxRedirects(int) max redirects};</li>
 * <li>{@link Builder#sentinel(String, List) sentinel}: a master name and its sentinels,
 * with the data nodes' username, password, database and ssl, and the sentinels' own
 * {@link Builder#sentinelUsername(String) username} and
 * {@link Builder#sentinelPassword(String) password}.</li>
 * </ul>
 * A backend over an application's {@code RedisConnectionFactory} uses that factory's
 * servers, credentials and TLS instead, and refuses a configuration that sets any of
 * them.
 *
 * <pre>{@code
 * RedisBackendConfig config = RedisBackendConfig.builder()
 *     .url("redis://:secret@cache.example.com:6379/2")
 *     .commandTimeout(Duration.ofMillis(500))
 *     .keyPrefix("orders:")
 *     .build();
 * }</pre>
 *
 * <p>
 * Over TLS ({@code rediss://}, or {@code ssl(true)} for a cluster or sentinel) the
 * server's certificate and host name are always verified: against the JDK's default
 * trusted authorities, or against
 * {@link Builder#trustManagerFactory(TrustManagerFactory)}. A client certificate, TLS
 * protocols and cipher suites may be set too. These TLS settings need TLS;
 * {@link Builder#build()} refuses them otherwise.
 *
 * <p>
 * {@link #toString()} and every message mask every password.
 */
public final class RedisBackendConfig {

	/** The default time to wait for a connection to be established. */
	public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);

	/** The default time one command may take before it fails as a timeout. */
	public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(1);

	/** The default number of retries after a failed first attempt. */
	public static final int DEFAULT_RETRY_ATTEMPTS = 2;

	/**
	 * The default largest value, in bytes, that is sent to Redis: 16 MiB. Redis itself
	 * takes up to 512 MB, but one large value holds up its single command thread and
	 * every other client while it is copied, so a cache should refuse values far smaller.
	 */
	public static final int DEFAULT_MAX_VALUE_SIZE = 16 * 1024 * 1024;

	/** The largest value size that may be configured: Redis's own limit of 512 MiB. */
	public static final int MAX_VALUE_SIZE_LIMIT = 512 * 1024 * 1024;

	/** The longest key prefix, in UTF-8 bytes. */
	public static final int MAX_KEY_PREFIX_BYTES = 128;

	/**
	 * The default period of a cluster's topology refresh: how often the map of slots to
	 * nodes is read again even when nothing went wrong.
	 */
	public static final Duration DEFAULT_CLUSTER_REFRESH_PERIOD = Duration.ofSeconds(5);

	/** The default number of {@code MOVED}/{@code ASK} redirects one command follows. */
	public static final int DEFAULT_MAX_REDIRECTS = 5;

	/** The largest number of redirects that may be configured. */
	public static final int MAX_REDIRECTS_LIMIT = 16;

	private final @Nullable RedisUrl url;

	private final Duration connectTimeout;

	private final Duration commandTimeout;

	private final int retryAttempts;

	private final String keyPrefix;

	private final int maxValueSize;

	private final @Nullable TrustManagerFactory trustManagerFactory;

	private final @Nullable KeyManagerFactory keyManagerFactory;

	private final List<String> tlsProtocols;

	private final List<String> tlsCipherSuites;

	private final List<RedisNodes.Node> clusterNodes;

	private final @Nullable String sentinelMaster;

	private final List<RedisNodes.Node> sentinelNodes;

	private final @Nullable String username;

	private final @Nullable String password;

	private final @Nullable String sentinelUsername;

	private final @Nullable String sentinelPassword;

	private final int database;

	private final boolean ssl;

	private final Duration clusterRefreshPeriod;

	private final int maxRedirects;

	private RedisBackendConfig(Builder builder) {
		this.clusterNodes = builder.clusterNodes;
		this.sentinelMaster = builder.sentinelMaster;
		this.sentinelNodes = builder.sentinelNodes;
		this.username = builder.username;
		this.password = builder.password;
		this.sentinelUsername = builder.sentinelUsername;
		this.sentinelPassword = builder.sentinelPassword;
		this.database = builder.database;
		this.ssl = builder.ssl;
		this.clusterRefreshPeriod = builder.clusterRefreshPeriod;
		this.maxRedirects = builder.maxRedirects;
		this.trustManagerFactory = builder.trustManagerFactory;
		this.keyManagerFactory = builder.keyManagerFactory;
		this.tlsProtocols = builder.tlsProtocols;
		this.tlsCipherSuites = builder.tlsCipherSuites;
		this.url = builder.url;
		this.connectTimeout = builder.connectTimeout;
		this.commandTimeout = builder.commandTimeout;
		this.retryAttempts = builder.retryAttempts;
		this.keyPrefix = builder.keyPrefix;
		this.maxValueSize = builder.maxValueSize;
	}

	/**
	 * Starts a configuration with every default and no URL.
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
		builder.url = this.url;
		builder.connectTimeout = this.connectTimeout;
		builder.commandTimeout = this.commandTimeout;
		builder.retryAttempts = this.retryAttempts;
		builder.keyPrefix = this.keyPrefix;
		builder.maxValueSize = this.maxValueSize;
		builder.trustManagerFactory = this.trustManagerFactory;
		builder.keyManagerFactory = this.keyManagerFactory;
		builder.tlsProtocols = this.tlsProtocols;
		builder.tlsCipherSuites = this.tlsCipherSuites;
		builder.clusterNodes = this.clusterNodes;
		builder.sentinelMaster = this.sentinelMaster;
		builder.sentinelNodes = this.sentinelNodes;
		builder.username = this.username;
		builder.password = this.password;
		builder.sentinelUsername = this.sentinelUsername;
		builder.sentinelPassword = this.sentinelPassword;
		builder.database = this.database;
		builder.ssl = this.ssl;
		builder.clusterRefreshPeriod = this.clusterRefreshPeriod;
		builder.maxRedirects = this.maxRedirects;
		return builder;
	}

	/**
	 * Returns the server's URL with its password masked as {@code ****}, normalized to
	 * {@code redis[s]://[user][:****@]host:port/database}.
	 * @return the URL, safe to log, or empty when none was set
	 */
	public Optional<String> url() {
		return Optional.ofNullable(this.url).map(RedisUrl::toString);
	}

	/**
	 * Returns the seed nodes of a Redis Cluster.
	 * @return the nodes as {@code host:port} ({@code [v6]:port} for IPv6), or an empty
	 * list when the backend connects to no cluster
	 */
	public List<String> clusterNodes() {
		return this.clusterNodes.stream().map(RedisNodes.Node::toString).toList();
	}

	/**
	 * Returns the name of the master the sentinels watch.
	 * @return the master's name, or empty when the backend connects through no sentinels
	 */
	public Optional<String> sentinelMaster() {
		return Optional.ofNullable(this.sentinelMaster);
	}

	/**
	 * Returns the sentinels' addresses.
	 * @return the sentinels as {@code host:port}, or an empty list without sentinels
	 */
	public List<String> sentinelNodes() {
		return this.sentinelNodes.stream().map(RedisNodes.Node::toString).toList();
	}

	/**
	 * Returns the ACL user of the cluster nodes or of the sentinel's data nodes (a URL
	 * carries its own).
	 * @return the user name, or empty for the default user
	 */
	public Optional<String> username() {
		return Optional.ofNullable(this.username);
	}

	/**
	 * Tells whether a password is set for the cluster nodes or the sentinel's data nodes;
	 * the password itself is never returned.
	 * @return whether a password is set
	 */
	public boolean hasPassword() {
		return this.password != null;
	}

	/**
	 * Returns the ACL user of the sentinels.
	 * @return the user name, or empty for the default user
	 */
	public Optional<String> sentinelUsername() {
		return Optional.ofNullable(this.sentinelUsername);
	}

	/**
	 * Tells whether a password is set for the sentinels; the password itself is never
	 * returned.
	 * @return whether a sentinel password is set
	 */
	public boolean hasSentinelPassword() {
		return this.sentinelPassword != null;
	}

	/**
	 * Returns the database of the sentinel's data nodes (a URL carries its own; a cluster
	 * has only database 0).
	 * @return the database number
	 */
	public int database() {
		return this.database;
	}

	/**
	 * Tells whether cluster nodes or the sentinel and its data nodes are reached over TLS
	 * (a URL asks for TLS with {@code rediss://}).
	 * @return whether TLS is used for a cluster or sentinel
	 */
	public boolean ssl() {
		return this.ssl;
	}

	/**
	 * Returns how often a cluster's topology is read again when nothing went wrong;
	 * failures and redirects make it be read at once.
	 * @return the refresh period
	 */
	public Duration clusterRefreshPeriod() {
		return this.clusterRefreshPeriod;
	}

	/**
	 * Returns how many {@code MOVED}/{@code ASK} redirects one cluster command follows.
	 * @return the redirect limit
	 */
	public int maxRedirects() {
		return this.maxRedirects;
	}

	/**
	 * Returns how long establishing a connection may take.
	 * @return the connect timeout
	 */
	public Duration connectTimeout() {
		return this.connectTimeout;
	}

	/**
	 * Returns how long one command may take before it fails as {@code TIMEOUT}. It bounds
	 * every command over a Lettuce connection factory, the backend's own or an
	 * application's (whose own, often longer, timeout then does not apply to cachekit's
	 * calls).
	 * @return the command timeout
	 */
	public Duration commandTimeout() {
		return this.commandTimeout;
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
	 * Returns the prefix put before every key.
	 * @return the prefix, possibly empty
	 */
	public String keyPrefix() {
		return this.keyPrefix;
	}

	/**
	 * Returns the largest value, in bytes, that is sent to Redis.
	 * @return the value size limit
	 */
	public int maxValueSize() {
		return this.maxValueSize;
	}

	/**
	 * Tells whether TLS settings other than the defaults are made (trust, client
	 * certificate, protocols or cipher suites).
	 */
	boolean hasTlsSettings() {
		return this.trustManagerFactory != null || this.keyManagerFactory != null || !this.tlsProtocols.isEmpty()
				|| !this.tlsCipherSuites.isEmpty();
	}

	@Nullable RedisUrl parsedUrl() {
		return this.url;
	}

	List<RedisNodes.Node> parsedClusterNodes() {
		return this.clusterNodes;
	}

	List<RedisNodes.Node> parsedSentinelNodes() {
		return this.sentinelNodes;
	}

	@Nullable String password() {
		return this.password;
	}

	@Nullable String sentinelPassword() {
		return this.sentinelPassword;
	}

	boolean isCluster() {
		return !this.clusterNodes.isEmpty();
	}

	boolean isSentinel() {
		return this.sentinelMaster != null;
	}

	/**
	 * Tells whether any setting of the backend's own connection is made: the servers,
	 * their credentials, database or TLS.
	 */
	boolean hasConnectionSettings() {
		return this.url != null || isCluster() || isSentinel() || this.username != null || this.password != null
				|| this.sentinelUsername != null || this.sentinelPassword != null || this.database != 0 || this.ssl
				|| hasTlsSettings();
	}

	/**
	 * Names the connection settings that are made, for a message.
	 */
	String describeConnectionSettings() {
		List<String> names = new ArrayList<>();
		if (this.url != null) {
			names.add("url");
		}
		if (isCluster()) {
			names.add("cluster nodes");
		}
		if (isSentinel()) {
			names.add("sentinel");
		}
		if (this.username != null) {
			names.add("username");
		}
		if (this.password != null) {
			names.add("password");
		}
		if (this.sentinelUsername != null) {
			names.add("sentinel username");
		}
		if (this.sentinelPassword != null) {
			names.add("sentinel password");
		}
		if (this.database != 0) {
			names.add("database");
		}
		if (this.ssl) {
			names.add("ssl");
		}
		if (hasTlsSettings()) {
			names.add("TLS settings");
		}
		return String.join(", ", names);
	}

	private boolean usesTls() {
		return (this.url != null) ? this.url.ssl() : this.ssl;
	}

	@Nullable TrustManagerFactory trustManagerFactory() {
		return this.trustManagerFactory;
	}

	@Nullable KeyManagerFactory keyManagerFactory() {
		return this.keyManagerFactory;
	}

	List<String> tlsProtocols() {
		return this.tlsProtocols;
	}

	List<String> tlsCipherSuites() {
		return this.tlsCipherSuites;
	}

	@Override
	public String toString() {
		StringBuilder text = new StringBuilder("RedisBackendConfig[");
		if (isCluster()) {
			text.append("cluster=")
				.append(this.clusterNodes)
				.append(", clusterRefreshPeriod=")
				.append(Durations.format(this.clusterRefreshPeriod))
				.append(", maxRedirects=")
				.append(this.maxRedirects);
		}
		else if (this.sentinelMaster != null) {
			text.append("sentinel=").append(this.sentinelMaster).append(' ').append(this.sentinelNodes);
			if (this.sentinelUsername != null) {
				text.append(", sentinelUsername=").append(this.sentinelUsername);
			}
			if (this.sentinelPassword != null) {
				text.append(", sentinelPassword=****");
			}
			text.append(", database=").append(this.database);
		}
		else {
			text.append("url=").append((this.url != null) ? this.url : "(none)");
		}
		if (this.username != null) {
			text.append(", username=").append(this.username);
		}
		if (this.password != null) {
			text.append(", password=****");
		}
		text.append(", connectTimeout=")
			.append(Durations.format(this.connectTimeout))
			.append(", commandTimeout=")
			.append(Durations.format(this.commandTimeout))
			.append(", retryAttempts=")
			.append(this.retryAttempts)
			.append(", keyPrefix='")
			.append(this.keyPrefix)
			.append("', maxValueSize=")
			.append(this.maxValueSize);
		if (usesTls()) {
			text.append(", tls=").append(describeTls());
		}
		return text.append(']').toString();
	}

	private String describeTls() {
		StringBuilder text = new StringBuilder((this.trustManagerFactory != null) ? "trust given" : "default trust");
		if (this.keyManagerFactory != null) {
			text.append(", client certificate");
		}
		if (!this.tlsProtocols.isEmpty()) {
			text.append(", protocols ").append(this.tlsProtocols);
		}
		if (!this.tlsCipherSuites.isEmpty()) {
			text.append(", cipher suites ").append(this.tlsCipherSuites);
		}
		return "[" + text + "]";
	}

	/**
	 * Builds a {@link RedisBackendConfig}. Not thread-safe.
	 */
	public static final class Builder {

		private @Nullable RedisUrl url;

		private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;

		private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;

		private int retryAttempts = DEFAULT_RETRY_ATTEMPTS;

		private String keyPrefix = "";

		private int maxValueSize = DEFAULT_MAX_VALUE_SIZE;

		private @Nullable TrustManagerFactory trustManagerFactory;

		private @Nullable KeyManagerFactory keyManagerFactory;

		private List<String> tlsProtocols = List.of();

		private List<String> tlsCipherSuites = List.of();

		private List<RedisNodes.Node> clusterNodes = List.of();

		private @Nullable String sentinelMaster;

		private List<RedisNodes.Node> sentinelNodes = List.of();

		private @Nullable String username;

		private @Nullable String password;

		private @Nullable String sentinelUsername;

		private @Nullable String sentinelPassword;

		private int database;

		private boolean ssl;

		private Duration clusterRefreshPeriod = DEFAULT_CLUSTER_REFRESH_PERIOD;

		private int maxRedirects = DEFAULT_MAX_REDIRECTS;

		private Builder() {
		}

		/**
		 * Sets the server {@link RedisBackend#create(RedisBackendConfig)} connects to.
		 * @param url {@code redis://[[user]:password@]host[:port][/database]}, or
		 * {@code rediss://...} for TLS; the port defaults to 6379 and the database to 0;
		 * reserved characters in the user name and password percent-encoded
		 * @return this builder
		 * @throws IllegalArgumentException when the scheme, host, port or database is
		 * invalid; the message names {@code url} and never holds the password
		 */
		public Builder url(String url) {
			Objects.requireNonNull(url, "url must not be null");
			this.url = RedisUrl.parse(url);
			return this;
		}

		/**
		 * Connects {@link RedisBackend#create(RedisBackendConfig)} to a Redis Cluster.
		 * The nodes are seeds: the client reads the whole topology from the first that
		 * answers, and follows it as masters fail over or slots move.
		 * @param nodes one or more nodes as {@code host:port} ({@code [v6]:port} for
		 * IPv6)
		 * @return this builder
		 * @throws IllegalArgumentException when the list is empty or an entry is not
		 * {@code host:port}; the message names {@code cluster nodes}
		 */
		public Builder cluster(List<String> nodes) {
			this.clusterNodes = RedisNodes.parse("cluster nodes", nodes);
			return this;
		}

		/**
		 * Connects {@link RedisBackend#create(RedisBackendConfig)} to the master that
		 * Redis Sentinel names, and to each new master after a failover.
		 * @param master the name the sentinels monitor the master by, such as
		 * {@code mymaster}
		 * @param nodes one or more sentinels as {@code host:port} ({@code [v6]:port})
		 * @return this builder
		 * @throws IllegalArgumentException when the master is blank, the list is empty or
		 * an entry is not {@code host:port}; the message names {@code sentinel master} or
		 * {@code sentinel nodes}
		 */
		public Builder sentinel(String master, List<String> nodes) {
			Objects.requireNonNull(master, "sentinel master must not be null");
			if (master.isBlank()) {
				throw new IllegalArgumentException("sentinel master must not be blank; set the name the sentinels "
						+ "monitor the master by, such as mymaster");
			}
			this.sentinelNodes = RedisNodes.parse("sentinel nodes", nodes);
			this.sentinelMaster = master.strip();
			return this;
		}

		/**
		 * Sets the ACL user of the cluster nodes or of the sentinel's data nodes. A URL
		 * carries its own user.
		 * @param username the user name
		 * @return this builder
		 * @throws IllegalArgumentException when blank
		 */
		public Builder username(String username) {
			this.username = nonBlank("username", username);
			return this;
		}

		/**
		 * Sets the password of the cluster nodes or of the sentinel's data nodes
		 * ({@code requirepass}, or the ACL user's). A URL carries its own password.
		 * @param password the password
		 * @return this builder
		 * @throws IllegalArgumentException when empty
		 */
		public Builder password(String password) {
			this.password = nonEmpty("password", password);
			return this;
		}

		/**
		 * Sets the ACL user of the sentinels themselves.
		 * @param sentinelUsername the user name
		 * @return this builder
		 * @throws IllegalArgumentException when blank
		 */
		public Builder sentinelUsername(String sentinelUsername) {
			this.sentinelUsername = nonBlank("sentinel username", sentinelUsername);
			return this;
		}

		/**
		 * Sets the password of the sentinels themselves ({@code requirepass} in the
		 * sentinel's configuration), which may differ from the data nodes'.
		 * @param sentinelPassword the password
		 * @return this builder
		 * @throws IllegalArgumentException when empty
		 */
		public Builder sentinelPassword(String sentinelPassword) {
			this.sentinelPassword = nonEmpty("sentinel password", sentinelPassword);
			return this;
		}

		/**
		 * Sets the database of the sentinel's data nodes. A URL carries its own database;
		 * a cluster has only database 0.
		 * @param database 0 or more
		 * @return this builder
		 * @throws IllegalArgumentException when negative
		 */
		public Builder database(int database) {
			this.database = Checks.between("database", database, 0, Integer.MAX_VALUE);
			return this;
		}

		/**
		 * Sets whether the cluster nodes, or the sentinels and their data nodes, are
		 * reached over TLS, verified as for {@code rediss://}. A URL asks for TLS with
		 * {@code rediss://} instead.
		 * @param ssl whether to use TLS
		 * @return this builder
		 */
		public Builder ssl(boolean ssl) {
			this.ssl = ssl;
			return this;
		}

		/**
		 * Sets how often a cluster's topology (which node serves which slots) is read
		 * again when nothing went wrong. Independently of it, a failed or redirected
		 * command, a lost connection or a timeout makes the topology be read at once (at
		 * most once a second per kind of trigger). Used for a cluster only.
		 * @param clusterRefreshPeriod a positive duration of at least one millisecond
		 * @return this builder
		 * @throws IllegalArgumentException when not positive
		 */
		public Builder clusterRefreshPeriod(Duration clusterRefreshPeriod) {
			this.clusterRefreshPeriod = Checks.positive("cluster refresh period", clusterRefreshPeriod);
			return this;
		}

		/**
		 * Sets how many {@code MOVED}/{@code ASK} redirects one cluster command follows
		 * before it fails. Used for a cluster only.
		 * @param maxRedirects from 1 to {@value RedisBackendConfig#MAX_REDIRECTS_LIMIT}
		 * @return this builder
		 * @throws IllegalArgumentException when out of range
		 */
		public Builder maxRedirects(int maxRedirects) {
			this.maxRedirects = Checks.between("max redirects", maxRedirects, 1, MAX_REDIRECTS_LIMIT);
			return this;
		}

		/**
		 * Sets how long establishing a connection (TCP, TLS and authentication) may take
		 * before it fails as {@code TRANSIENT}.
		 * @param connectTimeout a positive duration of at least one millisecond
		 * @return this builder
		 * @throws IllegalArgumentException when not positive
		 */
		public Builder connectTimeout(Duration connectTimeout) {
			this.connectTimeout = Checks.positive("connect timeout", connectTimeout);
			return this;
		}

		/**
		 * Sets how long one command may take before it fails as {@code TIMEOUT}; also the
		 * bound on a health check's ping.
		 * @param commandTimeout a positive duration of at least one millisecond
		 * @return this builder
		 * @throws IllegalArgumentException when not positive
		 */
		public Builder commandTimeout(Duration commandTimeout) {
			this.commandTimeout = Checks.positive("command timeout", commandTimeout);
			return this;
		}

		/**
		 * Sets how many times an idempotent operation (get, set, delete, exists, bulk
		 * get, TTL inspection) is tried again after a {@code TRANSIENT} failure.
		 * Add-if-absent and increment are never retried, and neither is an operation that
		 * timed out or failed because the server could not be reached.
		 * @param retryAttempts from 0 to {@value Retry#MAX_RETRY_ATTEMPTS}
		 * @return this builder
		 * @throws IllegalArgumentException when out of range
		 */
		public Builder retryAttempts(int retryAttempts) {
			this.retryAttempts = Checks.between("retry attempts", retryAttempts, 0, Retry.MAX_RETRY_ATTEMPTS);
			return this;
		}

		/**
		 * Sets the prefix put before every key, so that several applications can share a
		 * server without meeting. Redis keys are binary-safe, so any character is
		 * allowed.
		 * @param keyPrefix at most {@value RedisBackendConfig#MAX_KEY_PREFIX_BYTES} UTF-8
		 * bytes
		 * @return this builder
		 * @throws IllegalArgumentException when too long
		 */
		public Builder keyPrefix(String keyPrefix) {
			Objects.requireNonNull(keyPrefix, "key prefix must not be null");
			int length = RedisKeys.encodedLength(keyPrefix);
			if (length > MAX_KEY_PREFIX_BYTES) {
				throw new IllegalArgumentException("key prefix must be at most " + MAX_KEY_PREFIX_BYTES
						+ " UTF-8 bytes, was " + length + " bytes");
			}
			this.keyPrefix = keyPrefix;
			return this;
		}

		/**
		 * Sets the largest value that is sent to Redis. A larger value fails with
		 * {@code PERMANENT} before anything is sent.
		 * @param maxValueSize bytes, from 1 to
		 * {@value RedisBackendConfig#MAX_VALUE_SIZE_LIMIT}
		 * @return this builder
		 * @throws IllegalArgumentException when out of range
		 */
		public Builder maxValueSize(int maxValueSize) {
			Checks.bytesBetween("max value size", maxValueSize, 1, MAX_VALUE_SIZE_LIMIT);
			this.maxValueSize = maxValueSize;
			return this;
		}

		/**
		 * Sets the authorities a {@code rediss://} server's certificate must be signed
		 * by, instead of the JDK's default ones; the host name is verified either way. A
		 * Spring Boot SSL bundle's {@code getManagers().getTrustManagerFactory()} fits.
		 * @param trustManagerFactory an initialized trust manager factory
		 * @return this builder
		 */
		public Builder trustManagerFactory(TrustManagerFactory trustManagerFactory) {
			this.trustManagerFactory = Objects.requireNonNull(trustManagerFactory,
					"trust manager factory must not be null");
			return this;
		}

		/**
		 * Sets the client certificate and key offered to a {@code rediss://} server that
		 * asks for one ({@code tls-auth-clients}).
		 * @param keyManagerFactory an initialized key manager factory
		 * @return this builder
		 */
		public Builder keyManagerFactory(KeyManagerFactory keyManagerFactory) {
			this.keyManagerFactory = Objects.requireNonNull(keyManagerFactory, "key manager factory must not be null");
			return this;
		}

		/**
		 * Limits the TLS protocol versions offered, such as {@code TLSv1.3}.
		 * @param protocols the protocol names; none for the JDK's defaults
		 * @return this builder
		 * @throws IllegalArgumentException when a name is blank
		 */
		public Builder tlsProtocols(List<String> protocols) {
			this.tlsProtocols = names("tls protocols", protocols);
			return this;
		}

		/**
		 * Limits the TLS cipher suites offered.
		 * @param cipherSuites the cipher suite names; none for the JDK's defaults
		 * @return this builder
		 * @throws IllegalArgumentException when a name is blank
		 */
		public Builder tlsCipherSuites(List<String> cipherSuites) {
			this.tlsCipherSuites = names("tls cipher suites", cipherSuites);
			return this;
		}

		/**
		 * Creates the configuration.
		 * @return the configuration
		 * @throws IllegalArgumentException when more than one of url, cluster nodes and
		 * sentinel is set; when username, password, database or ssl is set with a url
		 * (which carries its own); when a database other than 0 is set for a cluster;
		 * when a sentinel username or password is set without a sentinel; when a username
		 * is set without a password; or when TLS settings are made without TLS (a
		 * {@code rediss://} url or {@code ssl(true)}). A backend over an application's
		 * connection factory takes all of these from that factory.
		 */
		public RedisBackendConfig build() {
			RedisBackendConfig config = new RedisBackendConfig(this);
			List<String> topologies = new ArrayList<>();
			if (this.url != null) {
				topologies.add("url");
			}
			if (config.isCluster()) {
				topologies.add("cluster nodes");
			}
			if (config.isSentinel()) {
				topologies.add("sentinel");
			}
			if (topologies.size() > 1) {
				throw new IllegalArgumentException(
						"set only one of url, cluster nodes and sentinel, found " + String.join(" and ", topologies));
			}
			if (this.url != null) {
				List<String> inUrl = new ArrayList<>();
				if (this.username != null) {
					inUrl.add("username");
				}
				if (this.password != null) {
					inUrl.add("password");
				}
				if (this.database != 0) {
					inUrl.add("database");
				}
				if (this.ssl) {
					inUrl.add("ssl");
				}
				if (!inUrl.isEmpty()) {
					throw new IllegalArgumentException(String.join(", ", inUrl) + " must not be set with a url, "
							+ "which carries them: redis[s]://[[user]:password@]host[:port][/database] ('rediss' "
							+ "for TLS); url was '" + this.url + "'");
				}
			}
			if (config.isCluster() && this.database != 0) {
				throw new IllegalArgumentException(
						"database must be 0 for a Redis Cluster, which has only database 0, was " + this.database);
			}
			if (!config.isSentinel() && (this.sentinelUsername != null || this.sentinelPassword != null)) {
				throw new IllegalArgumentException(
						"sentinel username and sentinel password need a sentinel (master and nodes); "
								+ "for the data nodes' credentials set username and password");
			}
			if (this.username != null && this.password == null) {
				throw new IllegalArgumentException("username '" + this.username + "' is set without a password; "
						+ "set the password of that ACL user too");
			}
			if (this.sentinelUsername != null && this.sentinelPassword == null) {
				throw new IllegalArgumentException("sentinel username '" + this.sentinelUsername
						+ "' is set without a sentinel password; set the password of that ACL user too");
			}
			if (config.hasTlsSettings() && !config.usesTls()) {
				throw new IllegalArgumentException("TLS settings (trust, client certificate, protocols or cipher "
						+ "suites) need TLS: the url must start with rediss://, or ssl be true for cluster nodes "
						+ "or a sentinel; " + ((this.url != null) ? "url was '" + this.url + "'"
								: (topologies.isEmpty() ? "url was not set" : "ssl is false")));
			}
			return config;
		}

		private static String nonBlank(String setting, String value) {
			Objects.requireNonNull(value, () -> setting + " must not be null");
			if (value.isBlank()) {
				throw new IllegalArgumentException(setting + " must not be blank");
			}
			return value;
		}

		private static String nonEmpty(String setting, String value) {
			Objects.requireNonNull(value, () -> setting + " must not be null");
			if (value.isEmpty()) {
				throw new IllegalArgumentException(setting + " must not be empty");
			}
			return value;
		}

		private static List<String> names(String setting, List<String> names) {
			Objects.requireNonNull(names, setting + " must not be null");
			for (String name : names) {
				if (name == null || name.isBlank()) {
					throw new IllegalArgumentException(setting + " must not contain blank names, was " + names);
				}
			}
			return List.copyOf(names);
		}

	}

}
