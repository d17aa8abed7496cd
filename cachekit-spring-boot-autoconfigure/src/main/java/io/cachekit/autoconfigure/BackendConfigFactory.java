package io.cachekit.autoconfigure;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.security.NoSuchAlgorithmException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;

import io.cachekit.autoconfigure.service.CachekitMemcachedConnectionDetails;
import io.cachekit.autoconfigure.service.CachekitRedisConnectionDetails;
import io.cachekit.backend.file.FileBackendConfig;
import io.cachekit.backend.memcached.MemcachedConfig;
import io.cachekit.backend.redis.RedisBackendConfig;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.ssl.SslOptions;

/**
 * Turns the backend property groups ({@code cachekit.memcached.*},
 * {@code cachekit.redis.*}, {@code cachekit.file.*}) into the engine's configurations,
 * failing with an {@link InvalidConfigurationPropertyValueException} that names the
 * property for any bad value. The engine's messages name its settings by concept
 * ({@code max total size}) or builder setting ({@code maxPoolSize}); each is replaced
 * here by the property a Spring Boot user wrote.
 */
final class BackendConfigFactory {

	private static final String PREFIX = "cachekit.memcached.";

	private static final String FILE = "cachekit.file.";

	private static final String REDIS = "cachekit.redis.";

	private static final String REDIS_SSL_BUNDLE = REDIS + "ssl.bundle";

	/** What an invalid URL of a Redis connection details bean is called. */
	private static final String REDIS_URL_GETTER = "getUrl()";

	/** The engine's setting a memcached connection details bean fills, and its getter. */
	private static final Map<String, String> MEMCACHED_GETTERS = Map.of("servers", "getServers()");

	/** The engine's setting a Redis connection details bean fills, and its getter. */
	private static final Map<String, String> REDIS_GETTERS = Map.of("url", REDIS_URL_GETTER);

	private static final Logger logger = LoggerFactory.getLogger(CachekitAutoConfiguration.class);

	private static final Map<String, String> MEMCACHED_PROPERTIES = Map.ofEntries(
			Map.entry("servers", PREFIX + "servers"), Map.entry("operationTimeout", PREFIX + "timeout"),
			Map.entry("operation timeout", PREFIX + "timeout"), Map.entry("connectTimeout", PREFIX + "connect-timeout"),
			Map.entry("connect timeout", PREFIX + "connect-timeout"),
			Map.entry("maxPoolSize", PREFIX + "max-pool-size"), Map.entry("pool size", PREFIX + "max-pool-size"),
			Map.entry("retryAttempts", PREFIX + "retry-attempts"),
			Map.entry("retry attempts", PREFIX + "retry-attempts"), Map.entry("keyPrefix", PREFIX + "key-prefix"),
			Map.entry("maxItemSize", PREFIX + "max-item-size"), Map.entry("max item size", PREFIX + "max-item-size"),
			Map.entry("maxReconnectDelay", PREFIX + "max-reconnect-delay"),
			Map.entry("max reconnect delay", PREFIX + "max-reconnect-delay"),
			Map.entry("failureMode", PREFIX + "failure-mode"), Map.entry("weights", PREFIX + "weights"),
			Map.entry("discovery endpoint", PREFIX + "discovery.endpoint"),
			Map.entry("discovery interval", PREFIX + "discovery.interval"));

	private static final Map<String, String> FILE_PROPERTIES = Map.ofEntries(Map.entry("directory", FILE + "directory"),
			Map.entry("maxTotalBytes", FILE + "max-size"), Map.entry("max total size", FILE + "max-size"),
			Map.entry("maxEntries", FILE + "max-entries"), Map.entry("max entries", FILE + "max-entries"),
			Map.entry("maxValueSize", FILE + "max-value-size"), Map.entry("max value size", FILE + "max-value-size"),
			Map.entry("sweepInterval", FILE + "sweep-interval"), Map.entry("sweep interval", FILE + "sweep-interval"));

	private BackendConfigFactory() {
	}

	static FileBackendConfig file(CachekitProperties.File properties) {
		FileBackendConfig.Builder builder = FileBackendConfig.builder();
		String directory = properties.getDirectory();
		Path path = directory.isBlank() ? FileBackendConfig.defaultDirectory() : toPath(directory);
		apply(FILE + "directory", path, builder::directory, FILE_PROPERTIES);
		apply(FILE + "max-size", properties.getMaxSize(), (size) -> builder.maxTotalBytes(size.toBytes()),
				FILE_PROPERTIES);
		apply(FILE + "max-entries", properties.getMaxEntries(), builder::maxEntries, FILE_PROPERTIES);
		apply(FILE + "max-value-size", properties.getMaxValueSize(),
				(size) -> builder.maxValueSize(toInt(size.toBytes())), FILE_PROPERTIES);
		apply(FILE + "sweep-interval", properties.getSweepInterval(), builder::sweepInterval, FILE_PROPERTIES);
		return build(FILE + "max-value-size", properties.getMaxValueSize(), builder::build, FILE_PROPERTIES);
	}

	/**
	 * Creates the Redis configuration.
	 * @param properties the {@code cachekit.redis} group
	 * @param url the URL to connect to, or {@code null} to use the application's
	 * connection factory
	 * @param urlProperty the property or environment variable the URL came from
	 * @param sslBundles the application's SSL bundles, for
	 * {@code cachekit.redis.ssl.bundle}, or {@code null} when there are none
	 * @return the configuration
	 */
	static RedisBackendConfig redis(CachekitProperties.Redis properties, @Nullable String url, String urlProperty,
			@Nullable SslBundles sslBundles) {
		return redis(properties, url, urlProperty, sslBundles, null);
	}

	private static RedisBackendConfig redis(CachekitProperties.Redis properties, @Nullable String url,
			String urlProperty, @Nullable SslBundles sslBundles, @Nullable CachekitRedisConnectionDetails details) {
		Map<String, String> names = Map.ofEntries(Map.entry("url", urlProperty),
				Map.entry("commandTimeout", REDIS + "timeout"), Map.entry("command timeout", REDIS + "timeout"),
				Map.entry("connectTimeout", REDIS + "connect-timeout"),
				Map.entry("connect timeout", REDIS + "connect-timeout"),
				Map.entry("retryAttempts", REDIS + "retry-attempts"),
				Map.entry("retry attempts", REDIS + "retry-attempts"), Map.entry("keyPrefix", REDIS + "key-prefix"),
				Map.entry("maxValueSize", REDIS + "max-value-size"),
				Map.entry("max value size", REDIS + "max-value-size"));
		RedisBackendConfig.Builder builder = RedisBackendConfig.builder();
		RedisTopology topology;
		if (details != null) {
			topology = RedisTopology.ofConnectionDetails(properties);
			List<String> replaced = RedisTopology.replacedByConnectionDetails(properties);
			if (!replaced.isEmpty()) {
				logger.info("cachekit: the Redis connection details ({}) name the server; ignoring {}",
						details.getClass().getName(), String.join(", ", replaced));
			}
		}
		else {
			topology = RedisTopology.of(properties, url, urlProperty);
		}
		if (url != null) {
			if (details != null) {
				fromDetails("Redis", details, REDIS_GETTERS, () -> builder.url(url));
			}
			else {
				try {
					builder.url(url);
				}
				catch (IllegalArgumentException ex) {
					throw PropertyMessages.translate(urlProperty, maskPassword(url), ex, names);
				}
			}
		}
		topology.applyTo(builder);
		// The timeout bounds the shared factory's calls too; connecting is the factory's.
		apply(REDIS + "timeout", properties.getTimeout(), builder::commandTimeout, names);
		if (topology.isOwnConnection()) {
			apply(REDIS + "connect-timeout", properties.getConnectTimeout(), builder::connectTimeout, names);
		}
		SslBundle detailsBundle = (details != null) ? details.getSslBundle() : null;
		if (details == null) {
			redisSsl(properties.getSsl().getBundle(), url, urlProperty, topology, sslBundles, builder);
		}
		else if (detailsBundle != null) {
			if (url == null || !url.strip().regionMatches(true, 0, "rediss://", 0, 9)) {
				throw new IllegalStateException("the Redis connection details (" + details.getClass().getName()
						+ ") are invalid: getSslBundle() returns a bundle, which needs a rediss:// URL, but getUrl() is '"
						+ ((url != null) ? maskPassword(url) : "") + "'");
			}
			redisSsl(detailsBundle, builder);
		}
		apply(REDIS + "retry-attempts", properties.getRetryAttempts(), builder::retryAttempts, names);
		apply(REDIS + "key-prefix", properties.getKeyPrefix(), builder::keyPrefix, names);
		apply(REDIS + "max-value-size", properties.getMaxValueSize(),
				(size) -> builder.maxValueSize(toInt(size.toBytes())), names);
		if (details != null) {
			return fromDetails("Redis", details, REDIS_GETTERS, builder::build);
		}
		return build(urlProperty, null, builder::build, names);
	}

	/**
	 * Applies {@code cachekit.redis.ssl.bundle}: the bundle's trust managers, its key
	 * managers when it holds a key, and its protocols and ciphers. It needs a
	 * {@code rediss://} URL of cachekit's own; Spring Boot's connection factory takes
	 * {@code spring.data.redis.ssl.bundle} instead.
	 */
	private static void redisSsl(@Nullable String bundleName, @Nullable String url, String urlProperty,
			RedisTopology topology, @Nullable SslBundles sslBundles, RedisBackendConfig.Builder builder) {
		if (bundleName == null || bundleName.isBlank()) {
			return;
		}
		if (!topology.isOwnConnection()) {
			throw new InvalidConfigurationPropertyValueException(REDIS_SSL_BUNDLE, bundleName,
					"it applies to the connection cachekit makes for " + BackendSelection.REDIS_URL + ", "
							+ BackendSelection.REDIS_CLUSTER_NODES + " or " + BackendSelection.REDIS_SENTINEL_MASTER
							+ "; Spring Boot's Redis connection, which cachekit uses now, takes "
							+ "spring.data.redis.ssl.bundle instead");
		}
		if (url == null) {
			if (!topology.ssl()) {
				throw new InvalidConfigurationPropertyValueException(REDIS_SSL_BUNDLE, bundleName,
						"TLS is off: set " + RedisTopology.SSL_ENABLED + "=true to reach " + topology.describe()
								+ " over TLS with this bundle");
			}
		}
		else if (!url.strip().regionMatches(true, 0, "rediss://", 0, 9)) {
			throw new InvalidConfigurationPropertyValueException(REDIS_SSL_BUNDLE, bundleName,
					"TLS needs a rediss:// URL, but " + urlProperty + " is '" + maskPassword(url) + "'");
		}
		if (sslBundles == null) {
			throw new InvalidConfigurationPropertyValueException(REDIS_SSL_BUNDLE, bundleName,
					"no SSL bundles are configured; define one as spring.ssl.bundle.pem." + bundleName
							+ ".truststore.certificate (or spring.ssl.bundle.jks." + bundleName + ".*)");
		}
		SslBundle bundle;
		try {
			bundle = sslBundles.getBundle(bundleName);
		}
		catch (NoSuchSslBundleException ex) {
			throw new InvalidConfigurationPropertyValueException(REDIS_SSL_BUNDLE, bundleName,
					"there is no SSL bundle named '" + bundleName + "' (known: " + sslBundles.getBundleNames()
							+ "); define it as spring.ssl.bundle.pem." + bundleName
							+ ".truststore.certificate (or spring.ssl.bundle.jks." + bundleName + ".*)");
		}
		redisSsl(bundle, builder);
	}

	private static void redisSsl(SslBundle bundle, RedisBackendConfig.Builder builder) {
		builder.trustManagerFactory(bundle.getManagers().getTrustManagerFactory());
		if (bundle.getStores().getKeyStore() != null) {
			builder.keyManagerFactory(bundle.getManagers().getKeyManagerFactory());
		}
		SslOptions options = bundle.getOptions();
		if (options.getEnabledProtocols() != null) {
			builder.tlsProtocols(List.of(options.getEnabledProtocols()));
		}
		if (options.getCiphers() != null) {
			builder.tlsCipherSuites(List.of(options.getCiphers()));
		}
	}

	static MemcachedConfig memcached(CachekitProperties.Memcached properties) {
		return memcached(properties, null);
	}

	static MemcachedConfig memcached(CachekitProperties.Memcached properties, @Nullable SslBundles sslBundles) {
		return memcached(properties, null, sslBundles);
	}

	/**
	 * Creates the memcached configuration.
	 * @param properties the {@code cachekit.memcached} group
	 * @param details the connection details bean whose servers, credentials and TLS
	 * replace the properties', or {@code null} to read them from the properties
	 * @param sslBundles the application's SSL bundles, or {@code null} when there are
	 * none
	 * @return the configuration
	 */
	static MemcachedConfig memcached(CachekitProperties.Memcached properties,
			@Nullable CachekitMemcachedConnectionDetails details, @Nullable SslBundles sslBundles) {
		List<String> servers = (details != null) ? servers(details.getServers()) : servers(properties.getServers());
		if (servers.isEmpty() && details != null) {
			throw new IllegalStateException("the memcached connection details (" + details.getClass().getName()
					+ ") name no server: getServers() must return at least one host:port");
		}
		String endpoint = properties.getDiscovery().getEndpoint();
		boolean discovery = endpoint != null && !endpoint.isBlank();
		if (details != null) {
			logReplacedTopology(details, discovery, properties.getWeights());
			discovery = false;
		}
		if (servers.isEmpty() && !discovery) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "servers", "",
					"memcached needs at least one host:port, e.g. cachekit.memcached.servers=localhost:11211 "
							+ "(or CACHEKIT_MEMCACHED_SERVERS), or a discovery endpoint "
							+ "(cachekit.memcached.discovery.endpoint), or set cachekit.backend=none for L1-only caches");
		}
		MemcachedConfig.Builder builder = MemcachedConfig.builder();
		if (details != null) {
			fromDetails("memcached", details, MEMCACHED_GETTERS, () -> builder.servers(servers));
		}
		else {
			if (!servers.isEmpty()) {
				apply(PREFIX + "servers", servers, builder::servers, MEMCACHED_PROPERTIES);
			}
			apply(PREFIX + "weights", properties.getWeights(), builder::weights, MEMCACHED_PROPERTIES);
			if (discovery) {
				apply(PREFIX + "discovery.endpoint", endpoint, builder::discoveryEndpoint, MEMCACHED_PROPERTIES);
			}
			apply(PREFIX + "discovery.interval", properties.getDiscovery().getInterval(), builder::discoveryInterval,
					MEMCACHED_PROPERTIES);
		}
		apply(PREFIX + "timeout", properties.getTimeout(), builder::operationTimeout, MEMCACHED_PROPERTIES);
		apply(PREFIX + "connect-timeout", properties.getConnectTimeout(), builder::connectTimeout,
				MEMCACHED_PROPERTIES);
		apply(PREFIX + "max-pool-size", properties.getMaxPoolSize(), builder::maxPoolSize, MEMCACHED_PROPERTIES);
		apply(PREFIX + "retry-attempts", properties.getRetryAttempts(), builder::retryAttempts, MEMCACHED_PROPERTIES);
		apply(PREFIX + "key-prefix", properties.getKeyPrefix(), builder::keyPrefix, MEMCACHED_PROPERTIES);
		apply(PREFIX + "max-item-size", properties.getMaxItemSize(),
				(size) -> builder.maxItemSize(toInt(size.toBytes())), MEMCACHED_PROPERTIES);
		apply(PREFIX + "max-reconnect-delay", properties.getMaxReconnectDelay(), builder::maxReconnectDelay,
				MEMCACHED_PROPERTIES);
		apply(PREFIX + "failure-mode", properties.getFailureMode(), builder::failureMode, MEMCACHED_PROPERTIES);
		if (details != null) {
			connection(details, builder);
			return fromDetails("memcached", details, MEMCACHED_GETTERS, builder::build);
		}
		credentials(properties, builder);
		tls(properties.getSsl(), sslBundles, builder);
		return build(PREFIX + "servers", servers, builder::build, MEMCACHED_PROPERTIES);
	}

	/**
	 * Logs once, when the backend is created, that a connection details bean replaces the
	 * discovery endpoint and weights of the properties: those name the nodes of another
	 * deployment (an {@code application.yml} written for production beside a test's
	 * service connection), whose discovered nodes would replace the bean's servers and
	 * whose weights name servers the bean does not have.
	 */
	private static void logReplacedTopology(CachekitMemcachedConnectionDetails details, boolean discovery,
			Map<String, Integer> weights) {
		List<String> replaced = new ArrayList<>();
		if (discovery) {
			replaced.add(PREFIX + "discovery.*");
		}
		if (!weights.isEmpty()) {
			replaced.add(PREFIX + "weights");
		}
		if (!replaced.isEmpty()) {
			logger.info("cachekit: the memcached connection details ({}) name the servers; ignoring {}",
					details.getClass().getName(), String.join(" and ", replaced));
		}
	}

	/**
	 * Applies {@code cachekit.memcached.ssl.*}: the named bundle's trust material, or the
	 * JDK's default trust store when no bundle is named.
	 */
	private static void tls(CachekitProperties.Memcached.Ssl ssl, @Nullable SslBundles sslBundles,
			MemcachedConfig.Builder builder) {
		if (!ssl.isOn()) {
			return;
		}
		String bundle = ssl.getBundle();
		if (bundle == null || bundle.isBlank()) {
			builder.tls(defaultSslContext());
			return;
		}
		String hint = "define it with spring.ssl.bundle.pem." + bundle
				+ ".truststore.certificate (the servers' certificate authority, PEM), or remove " + PREFIX
				+ "ssl.bundle to trust the JDK's default trust store";
		if (sslBundles == null) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "ssl.bundle", bundle,
					"no SSL bundles are configured; " + hint);
		}
		try {
			builder.tls(sslBundles.getBundle(bundle).createSslContext());
		}
		catch (NoSuchSslBundleException ex) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "ssl.bundle", bundle,
					"there is no SSL bundle named '" + bundle + "'; " + hint);
		}
	}

	private static SSLContext defaultSslContext() {
		try {
			return SSLContext.getDefault();
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("the JDK has no default TLS context for cachekit.memcached.ssl", ex);
		}
	}

	/**
	 * Applies {@code cachekit.memcached.username} and {@code password}: both or neither.
	 * A refused password is never shown, only whether it was set.
	 */
	private static void credentials(CachekitProperties.Memcached properties, MemcachedConfig.Builder builder) {
		String username = properties.getUsername();
		String password = properties.getPassword();
		if (username == null && password == null) {
			return;
		}
		if (username == null || username.isBlank()) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "username", username,
					"a SASL user name is required when cachekit.memcached.password is set; set both, or neither "
							+ "for servers without SASL");
		}
		if (password == null || password.isEmpty()) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "password", (password != null) ? "" : null,
					"a SASL password is required when cachekit.memcached.username is set; set both, or neither "
							+ "for servers without SASL");
		}
		builder.credentials(username, password);
	}

	/**
	 * Reads the server list in both accepted forms: comma-separated
	 * ({@code mc1:11211,mc2:11211}) and a JSON array ({@code ["mc1:11211","mc2:11211"]},
	 * the form of the Python library's {@code CACHEKIT_MEMCACHED_SERVERS}). Binding
	 * splits a JSON array at its commas, so its pieces are joined back first.
	 * @param bound the list as bound
	 * @return the servers, trimmed, without brackets or quotes
	 */
	static List<String> servers(List<String> bound) {
		String joined = String.join(",", bound).strip();
		if (joined.startsWith("[") && joined.endsWith("]")) {
			joined = joined.substring(1, joined.length() - 1);
		}
		List<String> servers = new ArrayList<>();
		for (String part : joined.split(",", -1)) {
			String server = part.strip();
			if (server.length() >= 2 && server.startsWith("\"") && server.endsWith("\"")) {
				server = server.substring(1, server.length() - 1).strip();
			}
			if (!server.isEmpty()) {
				servers.add(server);
			}
		}
		return servers;
	}

	private static Path toPath(String directory) {
		try {
			return Path.of(directory);
		}
		catch (InvalidPathException ex) {
			throw PropertyMessages.invalid(FILE + "directory", directory, "not a valid path: " + ex.getMessage());
		}
	}

	private static <T> void apply(String property, @Nullable T value, Consumer<T> setter,
			Map<String, String> properties) {
		if (value == null) {
			throw new InvalidConfigurationPropertyValueException(property, null, "a value is required");
		}
		try {
			setter.accept(value);
		}
		catch (IllegalArgumentException ex) {
			throw PropertyMessages.translate(property, value, ex, properties);
		}
	}

	private static <T> T build(String property, @Nullable Object value, Supplier<T> build,
			Map<String, String> properties) {
		try {
			return build.get();
		}
		catch (IllegalArgumentException ex) {
			throw PropertyMessages.translate(property, value, ex, properties);
		}
	}

	/**
	 * Hides the user information of a URL ({@code redis://user:secret@host} becomes
	 * {@code redis://****@host}), so that a refused URL can be shown.
	 * @param url the URL as written
	 * @return the URL without credentials
	 */
	static String maskPassword(String url) {
		int scheme = url.indexOf("://");
		int at = url.lastIndexOf('@');
		if (scheme < 0 || at < scheme) {
			return url;
		}
		return url.substring(0, scheme + 3) + "****" + url.substring(at);
	}

	static int toInt(long bytes) {
		return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, bytes));
	}

	// Service connections: a connection details bean in place of the connection
	// properties.

	/**
	 * Creates the Redis configuration of a connection details bean: its URL, credentials
	 * and TLS bundle; the timeouts and the rest from the properties.
	 * @param properties the {@code cachekit.redis} group
	 * @param details the connection details
	 * @return the configuration
	 */
	static RedisBackendConfig redis(CachekitProperties.Redis properties, CachekitRedisConnectionDetails details) {
		String url = withCredentials(details.getUrl(), details.getUsername(), details.getPassword());
		return redis(properties, url, REDIS_URL_GETTER, null, details);
	}

	/**
	 * Runs a step of the configuration with values of a connection details bean. The
	 * engine's refusal starts with its setting ({@code servers[0]: ...},
	 * {@code url ...}), which the user did not write, and no property holds the value:
	 * the failure names the bean's class and getter instead
	 * ({@code getServers()[0]: ...}).
	 * @param kind the backend, as the message names it
	 * @param details the bean
	 * @param getters the engine's settings and the getters they come from
	 * @param step the step
	 * @return what the step returned
	 */
	private static <T> T fromDetails(String kind, ConnectionDetails details, Map<String, String> getters,
			Supplier<T> step) {
		try {
			return step.get();
		}
		catch (IllegalArgumentException ex) {
			String reason = String.valueOf(ex.getMessage());
			for (Map.Entry<String, String> getter : getters.entrySet()) {
				reason = reason.replaceFirst("^" + Pattern.quote(getter.getKey()) + "\\b",
						Matcher.quoteReplacement(getter.getValue()));
			}
			throw new IllegalStateException(
					"the " + kind + " connection details (" + details.getClass().getName() + ") are invalid: " + reason,
					ex);
		}
	}

	/**
	 * Replaces the user information of a Redis URL with the given credentials,
	 * percent-encoded; keeps the URL's when both are {@code null}.
	 */
	static String withCredentials(String url, @Nullable String username, @Nullable String password) {
		if (username == null && password == null) {
			return url;
		}
		int scheme = url.indexOf("://");
		if (scheme < 0) {
			return url;
		}
		String rest = url.substring(scheme + 3);
		int slash = rest.indexOf('/');
		int at = rest.lastIndexOf('@', (slash >= 0) ? slash : rest.length());
		String hostAndPath = (at >= 0) ? rest.substring(at + 1) : rest;
		String userInfo = encode((username != null) ? username : "")
				+ ((password != null) ? ":" + encode(password) : "");
		return url.substring(0, scheme + 3) + userInfo + "@" + hostAndPath;
	}

	private static String encode(String text) {
		return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
	}

	/**
	 * Applies a memcached connection details bean's credentials (both or neither) and TLS
	 * bundle.
	 */
	private static void connection(CachekitMemcachedConnectionDetails details, MemcachedConfig.Builder builder) {
		String username = details.getUsername();
		String password = details.getPassword();
		if (username != null || password != null) {
			if (username == null || username.isBlank() || password == null || password.isEmpty()) {
				throw new IllegalStateException("the memcached connection details (" + details.getClass().getName()
						+ ") need both a SASL user name and a password, or neither");
			}
			builder.credentials(username, password);
		}
		SslBundle bundle = details.getSslBundle();
		if (bundle != null) {
			builder.tls(bundle.createSslContext());
		}
	}

}
