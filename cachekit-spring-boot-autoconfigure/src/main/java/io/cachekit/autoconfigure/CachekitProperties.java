package io.cachekit.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.cachekit.backend.file.FileBackendConfig;
import io.cachekit.backend.memcached.MemcachedConfig;
import io.cachekit.tier.CacheConfiguration;
import io.cachekit.tier.CircuitBreakerConfig;
import io.cachekit.tier.FailMode;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration properties of cachekit, under {@code cachekit}.
 */
@ConfigurationProperties("cachekit")
public class CachekitProperties {

	/**
	 * Shared L2 backend. 'auto' picks the first configured of memcached servers, a Redis
	 * URL, cluster nodes or sentinel master (also CACHEKIT_REDIS_URL, then REDIS_URL) and
	 * a file directory, else none (L1 only). An application's own Backend bean always
	 * wins.
	 */
	private BackendType backend = BackendType.AUTO;

	/**
	 * Time-to-live of cache entries, for caches without their own. Zero means no expiry.
	 */
	private Duration defaultTtl = CacheConfiguration.DEFAULT_TTL;

	/**
	 * Whether to cache null results, for caches without their own setting.
	 */
	private boolean allowNullValues = true;

	/**
	 * How long a cache trusts the clear-generation it read from L2 before reading it
	 * again: the delay before a clear in one application instance is seen by the others.
	 */
	private Duration generationRefresh = CacheConfiguration.DEFAULT_GENERATION_REFRESH;

	private final L1 l1 = new L1();

	private final Memcached memcached = new Memcached();

	private final Redis redis = new Redis();

	private final File file = new File();

	private final Serialization serialization = new Serialization();

	private final Coherence coherence = new Coherence();

	private final CircuitBreaker circuitBreaker = new CircuitBreaker();

	private final Lock lock = new Lock();

	private final RefreshAhead refreshAhead = new RefreshAhead();

	private final ServeStale serveStale = new ServeStale();

	private final Compression compression = new Compression();

	private final Encryption encryption = new Encryption();

	private final Health health = new Health();

	/**
	 * What a read does with an L2 entry that fails its integrity or authenticity check
	 * (damaged, written for another key, not decryptable, or plaintext in an encrypted
	 * cache): 'open' treats it as a miss, 'closed' hands an exception to Spring's
	 * CacheErrorHandler. Either way the entry is deleted and counted.
	 */
	private FailMode failMode = FailMode.OPEN;

	/**
	 * Per-cache settings, keyed by cache name: ttl (time-to-live, zero for no expiry),
	 * l1-enabled (whether the cache keeps an in-process L1), l1-ttl (longest time an
	 * entry stays in L1, at most cachekit.l1.max-ttl), allow-null-values (whether null
	 * results are cached), coherence (whether L1 follows other instances' changes), lock
	 * (the load lease: lock.enabled, lock.ttl, lock.max-wait, lock.poll-initial,
	 * lock.poll-max, as under cachekit.lock), refresh-ahead (refresh-ahead.enabled,
	 * refresh-ahead.at, refresh-ahead.jitter), serve-stale (serve-stale.grace) and
	 * encryption (encryption.enabled); unset ones come from the global settings. Caches
	 * listed here are created at startup. Any other key fails startup.
	 */
	private final Map<String, CacheSpec> caches = new LinkedHashMap<>();

	public BackendType getBackend() {
		return this.backend;
	}

	public void setBackend(BackendType backend) {
		this.backend = backend;
	}

	public Duration getDefaultTtl() {
		return this.defaultTtl;
	}

	public void setDefaultTtl(Duration defaultTtl) {
		this.defaultTtl = defaultTtl;
	}

	public boolean isAllowNullValues() {
		return this.allowNullValues;
	}

	public void setAllowNullValues(boolean allowNullValues) {
		this.allowNullValues = allowNullValues;
	}

	public Duration getGenerationRefresh() {
		return this.generationRefresh;
	}

	public void setGenerationRefresh(Duration generationRefresh) {
		this.generationRefresh = generationRefresh;
	}

	public L1 getL1() {
		return this.l1;
	}

	public Memcached getMemcached() {
		return this.memcached;
	}

	public Redis getRedis() {
		return this.redis;
	}

	public File getFile() {
		return this.file;
	}

	public Serialization getSerialization() {
		return this.serialization;
	}

	public CircuitBreaker getCircuitBreaker() {
		return this.circuitBreaker;
	}

	public Map<String, CacheSpec> getCaches() {
		return this.caches;
	}

	public Coherence getCoherence() {
		return this.coherence;
	}

	public Lock getLock() {
		return this.lock;
	}

	public RefreshAhead getRefreshAhead() {
		return this.refreshAhead;
	}

	public ServeStale getServeStale() {
		return this.serveStale;
	}

	public Compression getCompression() {
		return this.compression;
	}

	public Health getHealth() {
		return this.health;
	}

	public Encryption getEncryption() {
		return this.encryption;
	}

	public FailMode getFailMode() {
		return this.failMode;
	}

	public void setFailMode(FailMode failMode) {
		this.failMode = failMode;
	}

	/**
	 * The shared L2 backend to use.
	 */
	public enum BackendType {

		/**
		 * The first configured of memcached servers, a Redis URL and a file directory;
		 * else none.
		 */
		AUTO,

		/**
		 * Memcached; servers must be set.
		 */
		MEMCACHED,

		/**
		 * Redis, through the application's Redis connection factory or a Redis URL.
		 */
		REDIS,

		/**
		 * A directory of files on this machine, shared by the processes that use it.
		 */
		FILE,

		/**
		 * No shared tier: every cache is L1 only.
		 */
		NONE

	}

	/**
	 * The in-process tier.
	 */
	public static class L1 {

		/**
		 * Whether caches keep an in-process L1, for caches without their own setting.
		 */
		private boolean enabled = true;

		/**
		 * Bound of the L1 of each cache (not of all caches together), in estimated heap
		 * bytes of the values, keys and entries it holds.
		 */
		private DataSize maxSize = DataSize.ofBytes(CacheConfiguration.DEFAULT_L1_MAX_SIZE);

		/**
		 * Longest time an entry stays in L1, for every cache: also how long a change made
		 * by another application instance may go unseen here. A cache's l1-ttl may be
		 * shorter, not longer.
		 */
		private Duration maxTtl = CacheConfiguration.DEFAULT_L1_TTL;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public DataSize getMaxSize() {
			return this.maxSize;
		}

		public void setMaxSize(DataSize maxSize) {
			this.maxSize = maxSize;
		}

		public Duration getMaxTtl() {
			return this.maxTtl;
		}

		public void setMaxTtl(Duration maxTtl) {
			this.maxTtl = maxTtl;
		}

	}

	/**
	 * The memcached backend.
	 */
	public static class Memcached {

		/**
		 * Memcached servers as host:port or host:port:weight, comma-separated or as a
		 * JSON array. Keys are spread over them by consistent hashing, in proportion to
		 * their weights.
		 */
		private List<String> servers = new ArrayList<>();

		/**
		 * Time one operation may take before it fails as a timeout.
		 */
		private Duration timeout = MemcachedConfig.DEFAULT_OPERATION_TIMEOUT;

		/**
		 * Time to wait at startup for the first connection to every server. Servers still
		 * unreachable are connected in the background.
		 */
		private Duration connectTimeout = MemcachedConfig.DEFAULT_CONNECT_TIMEOUT;

		/**
		 * Number of memcached clients operations are spread over; each has one I/O thread
		 * and one connection per server.
		 */
		private int maxPoolSize = MemcachedConfig.DEFAULT_MAX_POOL_SIZE;

		/**
		 * Number of retries of a get, set or delete whose connection dropped. Timeouts
		 * are not retried.
		 */
		private int retryAttempts = MemcachedConfig.DEFAULT_RETRY_ATTEMPTS;

		/**
		 * Prefix put before every key, so that applications sharing servers do not meet.
		 */
		private String keyPrefix = "";

		/**
		 * Largest value sent to memcached; larger values are not cached. memcached's own
		 * item limit (-I, 1 MiB by default) also counts a 59-byte header and the key: set
		 * this to that limit less 309 bytes.
		 */
		private DataSize maxItemSize = DataSize.ofBytes(MemcachedConfig.DEFAULT_MAX_ITEM_SIZE);

		/**
		 * Longest wait between attempts to reconnect to a failed server.
		 */
		private Duration maxReconnectDelay = MemcachedConfig.DEFAULT_MAX_RECONNECT_DELAY;

		/**
		 * What happens to keys of a server that is down: 'redistribute' them to the next
		 * server, 'retry' the failed server until the timeout, or 'cancel' at once.
		 */
		private MemcachedConfig.FailureMode failureMode = MemcachedConfig.FailureMode.REDISTRIBUTE;

		public List<String> getServers() {
			return this.servers;
		}

		public void setServers(List<String> servers) {
			this.servers = servers;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public Duration getConnectTimeout() {
			return this.connectTimeout;
		}

		public void setConnectTimeout(Duration connectTimeout) {
			this.connectTimeout = connectTimeout;
		}

		public int getMaxPoolSize() {
			return this.maxPoolSize;
		}

		public void setMaxPoolSize(int maxPoolSize) {
			this.maxPoolSize = maxPoolSize;
		}

		public int getRetryAttempts() {
			return this.retryAttempts;
		}

		public void setRetryAttempts(int retryAttempts) {
			this.retryAttempts = retryAttempts;
		}

		public String getKeyPrefix() {
			return this.keyPrefix;
		}

		public void setKeyPrefix(String keyPrefix) {
			this.keyPrefix = keyPrefix;
		}

		public DataSize getMaxItemSize() {
			return this.maxItemSize;
		}

		public void setMaxItemSize(DataSize maxItemSize) {
			this.maxItemSize = maxItemSize;
		}

		public Duration getMaxReconnectDelay() {
			return this.maxReconnectDelay;
		}

		public void setMaxReconnectDelay(Duration maxReconnectDelay) {
			this.maxReconnectDelay = maxReconnectDelay;
		}

		public MemcachedConfig.FailureMode getFailureMode() {
			return this.failureMode;
		}

		public void setFailureMode(MemcachedConfig.FailureMode failureMode) {
			this.failureMode = failureMode;
		}

		// SASL authentication (memcached -S)

		/**
		 * SASL user name, sent with the password by the PLAIN mechanism over the binary
		 * protocol. Set with password, or neither for servers without SASL.
		 */
		private @Nullable String username;

		/**
		 * SASL password of the user. Never shown in health, logs or messages.
		 */
		private @Nullable String password;

		public @Nullable String getUsername() {
			return this.username;
		}

		public void setUsername(@Nullable String username) {
			this.username = username;
		}

		public @Nullable String getPassword() {
			return this.password;
		}

		public void setPassword(@Nullable String password) {
			this.password = password;
		}

		// Weights and auto-discovery

		/**
		 * Weight of each server by host:port, from 1 to 1000, instead of host:port:weight
		 * in servers; servers not named weigh 1. Also weighs nodes a discovery endpoint
		 * names. Keys need brackets: cachekit.memcached.weights[cache1:11211]=3.
		 */
		private Map<String, Integer> weights = new LinkedHashMap<>();

		private final Discovery discovery = new Discovery();

		public Map<String, Integer> getWeights() {
			return this.weights;
		}

		public void setWeights(Map<String, Integer> weights) {
			this.weights = weights;
		}

		public Discovery getDiscovery() {
			return this.discovery;
		}

		/**
		 * Auto-discovery of the memcached nodes from a configuration endpoint.
		 */
		public static class Discovery {

			/**
			 * Configuration endpoint as host:port that lists the cluster's nodes ("config
			 * get cluster", as an ElastiCache memcached configuration endpoint answers
			 * it). Nodes it adds or removes are added to or removed from the pool at
			 * runtime; servers, if also set, are used until it first answers.
			 */
			private @Nullable String endpoint;

			/**
			 * How often the configuration endpoint is asked for the cluster's nodes, at
			 * least 100ms. A change reaches the pool within this interval plus one round
			 * trip.
			 */
			private Duration interval = MemcachedConfig.DEFAULT_DISCOVERY_INTERVAL;

			public @Nullable String getEndpoint() {
				return this.endpoint;
			}

			public void setEndpoint(@Nullable String endpoint) {
				this.endpoint = endpoint;
			}

			public Duration getInterval() {
				return this.interval;
			}

			public void setInterval(Duration interval) {
				this.interval = interval;
			}

		}

		// TLS (memcached -Z)

		private final Ssl ssl = new Ssl();

		public Ssl getSsl() {
			return this.ssl;
		}

		/**
		 * TLS for the memcached connections.
		 */
		public static class Ssl {

			/**
			 * Whether to connect over TLS. Enabled automatically if "bundle" is provided
			 * unless specified otherwise; enabled without a bundle, the JDK's default
			 * trust store decides which servers are trusted.
			 */
			private @Nullable Boolean enabled;

			/**
			 * SSL bundle name (spring.ssl.bundle.*) whose trust material verifies the
			 * servers' certificates. The certificate must also name the host each server
			 * is configured by.
			 */
			private @Nullable String bundle;

			public @Nullable Boolean getEnabled() {
				return this.enabled;
			}

			public void setEnabled(@Nullable Boolean enabled) {
				this.enabled = enabled;
			}

			/**
			 * Tells whether TLS is on: as set, or else when a bundle is named.
			 * @return {@code true} to connect over TLS
			 */
			boolean isOn() {
				return (this.enabled != null) ? this.enabled : this.bundle != null;
			}

			public @Nullable String getBundle() {
				return this.bundle;
			}

			public void setBundle(@Nullable String bundle) {
				this.bundle = bundle;
			}

		}

	}

	/**
	 * The Redis backend.
	 */
	public static class Redis {

		/**
		 * Redis URL, such as redis://:password@host:6379/0 or rediss:// for TLS. Unset,
		 * and with no cachekit.redis.cluster.nodes or cachekit.redis.sentinel.master
		 * either, the application's Redis connection factory (spring.data.redis.*) is
		 * used, then the REDIS_URL environment variable.
		 */
		private @Nullable String url;

		/**
		 * Time one command may take before it fails as a timeout, on cachekit's own
		 * connection and on the application's shared connection factory alike.
		 */
		private Duration timeout = Duration.ofSeconds(1);

		/**
		 * Time to wait for a connection to Redis.
		 */
		private Duration connectTimeout = Duration.ofSeconds(2);

		/**
		 * Prefix put before every key, so that applications sharing a server do not meet.
		 */
		private String keyPrefix = "";

		/**
		 * Number of retries of a get, set or delete whose connection dropped. Timeouts
		 * are not retried.
		 */
		private int retryAttempts = 2;

		/**
		 * Largest value sent to Redis; larger values are not cached.
		 */
		private DataSize maxValueSize = DataSize.ofMegabytes(16);

		public @Nullable String getUrl() {
			return this.url;
		}

		public void setUrl(@Nullable String url) {
			this.url = url;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public Duration getConnectTimeout() {
			return this.connectTimeout;
		}

		public void setConnectTimeout(Duration connectTimeout) {
			this.connectTimeout = connectTimeout;
		}

		public String getKeyPrefix() {
			return this.keyPrefix;
		}

		public void setKeyPrefix(String keyPrefix) {
			this.keyPrefix = keyPrefix;
		}

		public int getRetryAttempts() {
			return this.retryAttempts;
		}

		public void setRetryAttempts(int retryAttempts) {
			this.retryAttempts = retryAttempts;
		}

		public DataSize getMaxValueSize() {
			return this.maxValueSize;
		}

		public void setMaxValueSize(DataSize maxValueSize) {
			this.maxValueSize = maxValueSize;
		}

		// TLS of cachekit's own Redis connection.

		private final Ssl ssl = new Ssl();

		public Ssl getSsl() {
			return this.ssl;
		}

		/**
		 * TLS of the connection cachekit makes for a rediss:// URL. Spring Boot's own
		 * connection factory takes spring.data.redis.ssl.* instead.
		 */
		public static class Ssl {

			/**
			 * Name of the SSL bundle (spring.ssl.bundle.*) whose trusted certificates,
			 * and client key if any, a rediss:// URL uses. Unset, the JDK's default
			 * trusted authorities are used. The server's certificate and host name are
			 * verified either way.
			 */
			private @Nullable String bundle;

			public @Nullable String getBundle() {
				return this.bundle;
			}

			public void setBundle(@Nullable String bundle) {
				this.bundle = bundle;
			}

			// TLS of cachekit's own cluster or sentinel connection (issue 10, part RS).

			/**
			 * Whether cachekit's own connection to the cluster nodes
			 * (cachekit.redis.cluster.nodes), or to the sentinels and their master
			 * (cachekit.redis.sentinel.*), uses TLS, verified as for rediss:// with
			 * cachekit.redis.ssl.bundle. A URL asks for TLS with rediss:// instead.
			 */
			private boolean enabled = false;

			public boolean isEnabled() {
				return this.enabled;
			}

			public void setEnabled(boolean enabled) {
				this.enabled = enabled;
			}

		}

		// Redis Cluster and Sentinel of cachekit's own connection (issue 10, part RS).

		private final Cluster cluster = new Cluster();

		private final Sentinel sentinel = new Sentinel();

		/**
		 * Login username of cachekit's own connection to the cluster nodes, or to the
		 * master a sentinel names (an ACL user). A URL carries its own user.
		 */
		private @Nullable String username;

		/**
		 * Login password of cachekit's own connection to the cluster nodes, or to the
		 * master a sentinel names. A URL carries its own password.
		 */
		private @Nullable String password;

		/**
		 * Database index of cachekit's own connection to the master a sentinel names. A
		 * URL carries its own database; a cluster has only database 0.
		 */
		private int database = 0;

		public Cluster getCluster() {
			return this.cluster;
		}

		public Sentinel getSentinel() {
			return this.sentinel;
		}

		public @Nullable String getUsername() {
			return this.username;
		}

		public void setUsername(@Nullable String username) {
			this.username = username;
		}

		public @Nullable String getPassword() {
			return this.password;
		}

		public void setPassword(@Nullable String password) {
			this.password = password;
		}

		public int getDatabase() {
			return this.database;
		}

		public void setDatabase(int database) {
			this.database = database;
		}

		/**
		 * cachekit's own connection to a Redis Cluster.
		 */
		public static class Cluster {

			/**
			 * Cluster nodes as host:port ([v6]:port for IPv6), comma-separated: seeds
			 * from which the whole topology is read. Setting them makes cachekit connect
			 * to the cluster itself instead of through Spring Boot's connection factory,
			 * and chooses the Redis backend when cachekit.backend is 'auto'.
			 */
			private List<String> nodes = new ArrayList<>();

			/**
			 * Interval at which the cluster's topology is read again when nothing went
			 * wrong; a failed or redirected command, a lost connection or a timeout makes
			 * it be read at once.
			 */
			private Duration refreshPeriod = Duration.ofSeconds(5);

			/**
			 * Maximum number of MOVED or ASK redirects one command follows before it
			 * fails.
			 */
			private int maxRedirects = 5;

			public List<String> getNodes() {
				return this.nodes;
			}

			public void setNodes(List<String> nodes) {
				this.nodes = nodes;
			}

			public Duration getRefreshPeriod() {
				return this.refreshPeriod;
			}

			public void setRefreshPeriod(Duration refreshPeriod) {
				this.refreshPeriod = refreshPeriod;
			}

			public int getMaxRedirects() {
				return this.maxRedirects;
			}

			public void setMaxRedirects(int maxRedirects) {
				this.maxRedirects = maxRedirects;
			}

		}

		/**
		 * cachekit's own connection to the master Redis Sentinel names.
		 */
		public static class Sentinel {

			/**
			 * Name the sentinels monitor the master by, such as mymaster. Setting it,
			 * with the nodes, makes cachekit connect through the sentinels itself instead
			 * of through Spring Boot's connection factory, and chooses the Redis backend
			 * when cachekit.backend is 'auto'.
			 */
			private @Nullable String master;

			/**
			 * Sentinels as host:port ([v6]:port for IPv6), comma-separated.
			 */
			private List<String> nodes = new ArrayList<>();

			/**
			 * Login username of the sentinels themselves (an ACL user).
			 */
			private @Nullable String username;

			/**
			 * Login password of the sentinels themselves, which may differ from the
			 * master's (cachekit.redis.password).
			 */
			private @Nullable String password;

			public @Nullable String getMaster() {
				return this.master;
			}

			public void setMaster(@Nullable String master) {
				this.master = master;
			}

			public List<String> getNodes() {
				return this.nodes;
			}

			public void setNodes(List<String> nodes) {
				this.nodes = nodes;
			}

			public @Nullable String getUsername() {
				return this.username;
			}

			public void setUsername(@Nullable String username) {
				this.username = username;
			}

			public @Nullable String getPassword() {
				return this.password;
			}

			public void setPassword(@Nullable String password) {
				this.password = password;
			}

		}

	}

	/**
	 * The file backend.
	 */
	public static class File {

		/**
		 * Directory holding one file per entry; several processes may share it. Setting
		 * it chooses the file backend when cachekit.backend is 'auto'.
		 */
		private String directory = FileBackendConfig.defaultDirectory().toString();

		/**
		 * Bound of the files' total size; the least recently used entries go first.
		 */
		private DataSize maxSize = DataSize.ofMegabytes(256);

		/**
		 * Bound of the number of entries; the least recently used entries go first.
		 */
		private int maxEntries = 100_000;

		/**
		 * Largest value stored; larger values are not cached.
		 */
		private DataSize maxValueSize = DataSize.ofMegabytes(16);

		/**
		 * Interval of the sweep that removes expired entries and enforces the bounds.
		 */
		private Duration sweepInterval = Duration.ofMinutes(1);

		public String getDirectory() {
			return this.directory;
		}

		public void setDirectory(String directory) {
			this.directory = directory;
		}

		public DataSize getMaxSize() {
			return this.maxSize;
		}

		public void setMaxSize(DataSize maxSize) {
			this.maxSize = maxSize;
		}

		public int getMaxEntries() {
			return this.maxEntries;
		}

		public void setMaxEntries(int maxEntries) {
			this.maxEntries = maxEntries;
		}

		public DataSize getMaxValueSize() {
			return this.maxValueSize;
		}

		public void setMaxValueSize(DataSize maxValueSize) {
			this.maxValueSize = maxValueSize;
		}

		public Duration getSweepInterval() {
			return this.sweepInterval;
		}

		public void setSweepInterval(Duration sweepInterval) {
			this.sweepInterval = sweepInterval;
		}

	}

	/**
	 * The value codec.
	 */
	public static class Serialization {

		/**
		 * Packages whose classes may be read back from L2, besides the application's own
		 * packages and JDK value types. Any other class in cached bytes is refused.
		 */
		private List<String> trustedPackages = new ArrayList<>();

		public List<String> getTrustedPackages() {
			return this.trustedPackages;
		}

		public void setTrustedPackages(List<String> trustedPackages) {
			this.trustedPackages = trustedPackages;
		}

	}

	/**
	 * Coherence of each instance's L1 with the changes other instances make.
	 */
	public static class Coherence {

		/**
		 * Whether caches keep their L1 coherent with changes made by other application
		 * instances, through an invalidation journal in L2 (and pub/sub on Redis), for
		 * caches without their own setting. Off, a change made elsewhere may be served
		 * here for up to cachekit.l1.max-ttl.
		 */
		private boolean enabled = true;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

	/**
	 * Settings of one cache; unset values come from the global ones.
	 */
	public static class CacheSpec {

		/**
		 * Time-to-live of the cache's entries. Zero means no expiry.
		 */
		private @Nullable Duration ttl;

		/**
		 * Whether the cache keeps an in-process L1.
		 */
		private @Nullable Boolean l1Enabled;

		/**
		 * Longest time an entry of the cache stays in L1; at most cachekit.l1.max-ttl.
		 */
		private @Nullable Duration l1Ttl;

		/**
		 * Whether the cache stores null results.
		 */
		private @Nullable Boolean allowNullValues;

		/**
		 * Whether the cache keeps its L1 coherent with changes made by other application
		 * instances.
		 */
		private @Nullable Boolean coherence;

		private final CacheLock lock = new CacheLock();

		private final CacheRefreshAhead refreshAhead = new CacheRefreshAhead();

		private final CacheServeStale serveStale = new CacheServeStale();

		private final CacheEncryption encryption = new CacheEncryption();

		public @Nullable Duration getTtl() {
			return this.ttl;
		}

		public void setTtl(@Nullable Duration ttl) {
			this.ttl = ttl;
		}

		public @Nullable Boolean getL1Enabled() {
			return this.l1Enabled;
		}

		public void setL1Enabled(@Nullable Boolean l1Enabled) {
			this.l1Enabled = l1Enabled;
		}

		public @Nullable Duration getL1Ttl() {
			return this.l1Ttl;
		}

		public void setL1Ttl(@Nullable Duration l1Ttl) {
			this.l1Ttl = l1Ttl;
		}

		public @Nullable Boolean getAllowNullValues() {
			return this.allowNullValues;
		}

		public void setAllowNullValues(@Nullable Boolean allowNullValues) {
			this.allowNullValues = allowNullValues;
		}

		public @Nullable Boolean getCoherence() {
			return this.coherence;
		}

		public void setCoherence(@Nullable Boolean coherence) {
			this.coherence = coherence;
		}

		public CacheLock getLock() {
			return this.lock;
		}

		public CacheRefreshAhead getRefreshAhead() {
			return this.refreshAhead;
		}

		public CacheServeStale getServeStale() {
			return this.serveStale;
		}

		public CacheEncryption getEncryption() {
			return this.encryption;
		}

	}

	/**
	 * The circuit breaker in front of L2, shared by every cache of the cache manager.
	 */
	public static class CircuitBreaker {

		/**
		 * Share of failed L2 calls (connection failures and timeouts) among the recent
		 * calls that opens the breaker, in percent.
		 */
		private int failureRateThreshold = CircuitBreakerConfig.DEFAULT_FAILURE_RATE_THRESHOLD;

		/**
		 * Share of slow L2 calls among the recent calls that opens the breaker, in
		 * percent.
		 */
		private int slowCallRateThreshold = CircuitBreakerConfig.DEFAULT_SLOW_CALL_RATE_THRESHOLD;

		/**
		 * Duration over which an L2 call counts as slow.
		 */
		private Duration slowCallDurationThreshold = CircuitBreakerConfig.DEFAULT_SLOW_CALL_DURATION_THRESHOLD;

		/**
		 * Number of recent L2 calls whose outcome the breaker looks at.
		 */
		private int slidingWindowSize = CircuitBreakerConfig.DEFAULT_SLIDING_WINDOW_SIZE;

		/**
		 * Number of L2 calls the breaker must have seen before it may open; at most the
		 * sliding window size.
		 */
		private int minimumNumberOfCalls = CircuitBreakerConfig.DEFAULT_MINIMUM_NUMBER_OF_CALLS;

		/**
		 * Time the breaker stays open, skipping L2, before trial calls.
		 */
		private Duration waitDurationInOpenState = CircuitBreakerConfig.DEFAULT_WAIT_DURATION_IN_OPEN_STATE;

		/**
		 * Number of trial calls let through once the open time has passed; their outcome
		 * closes the breaker or opens it again.
		 */
		private int permittedNumberOfCallsInHalfOpenState = CircuitBreakerConfig.DEFAULT_PERMITTED_NUMBER_OF_CALLS_IN_HALF_OPEN_STATE;

		public int getFailureRateThreshold() {
			return this.failureRateThreshold;
		}

		public void setFailureRateThreshold(int failureRateThreshold) {
			this.failureRateThreshold = failureRateThreshold;
		}

		public int getSlowCallRateThreshold() {
			return this.slowCallRateThreshold;
		}

		public void setSlowCallRateThreshold(int slowCallRateThreshold) {
			this.slowCallRateThreshold = slowCallRateThreshold;
		}

		public Duration getSlowCallDurationThreshold() {
			return this.slowCallDurationThreshold;
		}

		public void setSlowCallDurationThreshold(Duration slowCallDurationThreshold) {
			this.slowCallDurationThreshold = slowCallDurationThreshold;
		}

		public int getSlidingWindowSize() {
			return this.slidingWindowSize;
		}

		public void setSlidingWindowSize(int slidingWindowSize) {
			this.slidingWindowSize = slidingWindowSize;
		}

		public int getMinimumNumberOfCalls() {
			return this.minimumNumberOfCalls;
		}

		public void setMinimumNumberOfCalls(int minimumNumberOfCalls) {
			this.minimumNumberOfCalls = minimumNumberOfCalls;
		}

		public Duration getWaitDurationInOpenState() {
			return this.waitDurationInOpenState;
		}

		public void setWaitDurationInOpenState(Duration waitDurationInOpenState) {
			this.waitDurationInOpenState = waitDurationInOpenState;
		}

		public int getPermittedNumberOfCallsInHalfOpenState() {
			return this.permittedNumberOfCallsInHalfOpenState;
		}

		public void setPermittedNumberOfCallsInHalfOpenState(int permittedNumberOfCallsInHalfOpenState) {
			this.permittedNumberOfCallsInHalfOpenState = permittedNumberOfCallsInHalfOpenState;
		}

	}

	/**
	 * The load lease, for caches without their own setting: on a miss with a loader
	 * (@Cacheable(sync = true), Cache.get(key, loader), retrieve(key, loader)) one
	 * application instance of the cluster takes a short-lived lease key in L2 and loads;
	 * the others wait for its entry.
	 */
	public static class Lock {

		/**
		 * Whether a miss with a loader takes a lease in L2 first, so that the cluster
		 * loads the key once.
		 */
		private boolean enabled;

		/**
		 * How long a lease lives when its holder never releases it (an instance that died
		 * mid-load): the longest the others wait for a dead holder. Memcached counts it
		 * in whole seconds.
		 */
		private Duration ttl = CacheConfiguration.DEFAULT_LEASE_TTL;

		/**
		 * How long an instance that lost the lease waits for the holder's entry before it
		 * loads itself.
		 */
		private Duration maxWait = CacheConfiguration.DEFAULT_LEASE_MAX_WAIT;

		/**
		 * First pause between two looks at L2 while waiting for the lease holder; it
		 * doubles up to poll-max.
		 */
		private Duration pollInitial = CacheConfiguration.DEFAULT_LEASE_POLL_INITIAL;

		/**
		 * Longest pause between two looks at L2 while waiting for the lease holder.
		 */
		private Duration pollMax = CacheConfiguration.DEFAULT_LEASE_POLL_MAX;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getTtl() {
			return this.ttl;
		}

		public void setTtl(Duration ttl) {
			this.ttl = ttl;
		}

		public Duration getMaxWait() {
			return this.maxWait;
		}

		public void setMaxWait(Duration maxWait) {
			this.maxWait = maxWait;
		}

		public Duration getPollInitial() {
			return this.pollInitial;
		}

		public void setPollInitial(Duration pollInitial) {
			this.pollInitial = pollInitial;
		}

		public Duration getPollMax() {
			return this.pollMax;
		}

		public void setPollMax(Duration pollMax) {
			this.pollMax = pollMax;
		}

	}

	/**
	 * The load lease of one cache; unset values come from cachekit.lock.
	 */
	public static class CacheLock {

		/**
		 * Whether a miss with a loader takes a lease in L2 first.
		 */
		private @Nullable Boolean enabled;

		/**
		 * How long a lease lives when its holder never releases it.
		 */
		private @Nullable Duration ttl;

		/**
		 * How long an instance that lost the lease waits before it loads itself.
		 */
		private @Nullable Duration maxWait;

		/**
		 * First pause between two looks at L2 while waiting for the lease holder.
		 */
		private @Nullable Duration pollInitial;

		/**
		 * Longest pause between two looks at L2 while waiting for the lease holder.
		 */
		private @Nullable Duration pollMax;

		public @Nullable Boolean getEnabled() {
			return this.enabled;
		}

		public void setEnabled(@Nullable Boolean enabled) {
			this.enabled = enabled;
		}

		public @Nullable Duration getTtl() {
			return this.ttl;
		}

		public void setTtl(@Nullable Duration ttl) {
			this.ttl = ttl;
		}

		public @Nullable Duration getMaxWait() {
			return this.maxWait;
		}

		public void setMaxWait(@Nullable Duration maxWait) {
			this.maxWait = maxWait;
		}

		public @Nullable Duration getPollInitial() {
			return this.pollInitial;
		}

		public void setPollInitial(@Nullable Duration pollInitial) {
			this.pollInitial = pollInitial;
		}

		public @Nullable Duration getPollMax() {
			return this.pollMax;
		}

		public void setPollMax(@Nullable Duration pollMax) {
			this.pollMax = pollMax;
		}

	}

	/**
	 * Refresh-ahead, for caches without their own setting: an entry read late in its TTL
	 * by a call with a loader (@Cacheable(sync = true), Cache.get(key, loader),
	 * retrieve(key, loader)) is returned at once and reloaded in the background; a
	 *
	 * @Cacheable without sync has no loader to reload with.
	 */
	public static class RefreshAhead {

		/**
		 * Whether an entry read late in its TTL is reloaded in the background.
		 */
		private boolean enabled;

		/**
		 * Fraction of the TTL after which a read reloads the entry, above 0 and below 1.
		 */
		private double at = CacheConfiguration.DEFAULT_REFRESH_AHEAD_AT;

		/**
		 * Largest random fraction of the TTL added to 'at' per read, so that instances do
		 * not all reload at once.
		 */
		private double jitter = CacheConfiguration.DEFAULT_REFRESH_AHEAD_JITTER;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public double getAt() {
			return this.at;
		}

		public void setAt(double at) {
			this.at = at;
		}

		public double getJitter() {
			return this.jitter;
		}

		public void setJitter(double jitter) {
			this.jitter = jitter;
		}

	}

	/**
	 * Serve-stale, for caches without their own setting.
	 */
	public static class ServeStale {

		/**
		 * How long past its freshness an entry is kept, in L2 and L1, and served when L2
		 * is out of reach or the loader fails (never otherwise). Zero turns serve-stale
		 * off.
		 */
		private Duration grace = Duration.ZERO;

		public Duration getGrace() {
			return this.grace;
		}

		public void setGrace(Duration grace) {
			this.grace = grace;
		}

	}

	/**
	 * Refresh-ahead of one cache; unset values come from cachekit.refresh-ahead.
	 */
	public static class CacheRefreshAhead {

		/**
		 * Whether an entry read late in its TTL is reloaded in the background.
		 */
		private @Nullable Boolean enabled;

		/**
		 * Fraction of the TTL after which a read reloads the entry.
		 */
		private @Nullable Double at;

		/**
		 * Largest random fraction of the TTL added to 'at' per read.
		 */
		private @Nullable Double jitter;

		public @Nullable Boolean getEnabled() {
			return this.enabled;
		}

		public void setEnabled(@Nullable Boolean enabled) {
			this.enabled = enabled;
		}

		public @Nullable Double getAt() {
			return this.at;
		}

		public void setAt(@Nullable Double at) {
			this.at = at;
		}

		public @Nullable Double getJitter() {
			return this.jitter;
		}

		public void setJitter(@Nullable Double jitter) {
			this.jitter = jitter;
		}

	}

	/**
	 * Serve-stale of one cache; unset values come from cachekit.serve-stale.
	 */
	public static class CacheServeStale {

		/**
		 * How long past its freshness an entry is kept and served when L2 is out of reach
		 * or the loader fails. Zero turns serve-stale off.
		 */
		private @Nullable Duration grace;

		public @Nullable Duration getGrace() {
			return this.grace;
		}

		public void setGrace(@Nullable Duration grace) {
			this.grace = grace;
		}

	}

	/**
	 * LZ4 compression of large values in L2.
	 */
	public static class Compression {

		/**
		 * Whether values whose encoded form is larger than the threshold are compressed
		 * with LZ4 before they are written to L2, when that makes them smaller. Nothing
		 * is compressed without an L2 backend; compressed entries are read either way.
		 */
		private boolean enabled = true;

		/**
		 * Encoded size above which a value is compressed.
		 */
		private DataSize threshold = DataSize.ofKilobytes(1);

		/**
		 * Largest size a compressed entry may decompress to; an entry that claims more is
		 * refused as corrupt before anything is allocated, and no larger value is
		 * compressed. Unset, the chosen backend's largest value:
		 * cachekit.memcached.max-item-size, cachekit.redis.max-value-size or
		 * cachekit.file.max-value-size; 16MB with the application's own backend.
		 */
		private @Nullable DataSize maxDecompressedSize;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public DataSize getThreshold() {
			return this.threshold;
		}

		public void setThreshold(DataSize threshold) {
			this.threshold = threshold;
		}

		public @Nullable DataSize getMaxDecompressedSize() {
			return this.maxDecompressedSize;
		}

		public void setMaxDecompressedSize(@Nullable DataSize maxDecompressedSize) {
			this.maxDecompressedSize = maxDecompressedSize;
		}

	}

	/**
	 * Encryption at rest of the values cachekit writes to L2.
	 */
	public static class Encryption {

		/**
		 * Whether caches encrypt their L2 entries with AES-256-GCM. Unset means on
		 * exactly when cachekit.encryption.key is set. A cache's own
		 * cachekit.caches.<name>.encryption.enabled overrides it.
		 */
		private @Nullable Boolean enabled;

		/**
		 * Secret key of at least 32 bytes: 'hex:' followed by hex digits, 'base64:'
		 * followed by base64, or without a prefix hex when it is hex digits only, else
		 * base64. Each cache encrypts under its own key derived from it and the cache
		 * name. Never shown by the actuator endpoints.
		 */
		private @Nullable String key;

		/**
		 * Keys used before cachekit.encryption.key, in the same forms: entries written
		 * under them are still read, and replaced under the current key by the next
		 * write. Never shown by the actuator endpoints.
		 */
		private List<String> previousKeys = new ArrayList<>();

		/**
		 * Whether caches that encrypt compress their values too, as cachekit.compression
		 * says. Compressed, an entry's length depends on its content: whoever can read L2
		 * and controls part of a value can learn the rest of it from the lengths of the
		 * entries written (as the CRIME attack does).
		 */
		private boolean compress;

		public @Nullable Boolean getEnabled() {
			return this.enabled;
		}

		public void setEnabled(@Nullable Boolean enabled) {
			this.enabled = enabled;
		}

		public @Nullable String getKey() {
			return this.key;
		}

		public void setKey(@Nullable String key) {
			this.key = key;
		}

		public List<String> getPreviousKeys() {
			return this.previousKeys;
		}

		public void setPreviousKeys(List<String> previousKeys) {
			this.previousKeys = previousKeys;
		}

		public boolean isCompress() {
			return this.compress;
		}

		public void setCompress(boolean compress) {
			this.compress = compress;
		}

		@Override
		public String toString() {
			return "Encryption[enabled=" + this.enabled + ", key=" + ((this.key != null) ? "******" : "none")
					+ ", previousKeys=" + this.previousKeys.size() + ", compress=" + this.compress + "]";
		}

	}

	/**
	 * Encryption of one cache; unset values come from cachekit.encryption.
	 */
	public static class CacheEncryption {

		/**
		 * Whether the cache encrypts its L2 entries, with a key derived from
		 * cachekit.encryption.key and the cache name.
		 */
		private @Nullable Boolean enabled;

		public @Nullable Boolean getEnabled() {
			return this.enabled;
		}

		public void setEnabled(@Nullable Boolean enabled) {
			this.enabled = enabled;
		}

	}

	/**
	 * What the cachekit health contributor reports.
	 */
	public static class Health {

		/**
		 * Status reported when the L2 backend is unreachable: 'down' turns the
		 * application's overall health DOWN; 'degraded' reports DEGRADED, which Spring
		 * Boot's default aggregation ignores, so the application stays UP while its
		 * caches serve from L1.
		 */
		private OutageStatus outageStatus = OutageStatus.DOWN;

		public OutageStatus getOutageStatus() {
			return this.outageStatus;
		}

		public void setOutageStatus(OutageStatus outageStatus) {
			this.outageStatus = outageStatus;
		}

	}

	/**
	 * Status of the cachekit health contributor when the L2 backend is unreachable.
	 */
	public enum OutageStatus {

		/**
		 * DOWN: the application's overall health is DOWN (HTTP 503).
		 */
		DOWN,

		/**
		 * DEGRADED: a status of its own, which the default health aggregation ignores
		 * (overall UP, HTTP 200) unless it is listed in
		 * management.endpoint.health.status.order.
		 */
		DEGRADED

	}

}
