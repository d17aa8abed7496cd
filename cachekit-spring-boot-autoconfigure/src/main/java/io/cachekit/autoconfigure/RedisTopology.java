package io.cachekit.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import io.cachekit.backend.redis.RedisBackendConfig;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Which Redis connection the {@code cachekit.redis.*} properties describe, checked as a
 * whole: a URL, cluster nodes or a sentinel is cachekit's own connection; none of them
 * means the application's shared connection factory. The three are mutually exclusive,
 * and the credentials, database and TLS switch belong to cachekit's own cluster or
 * sentinel connection: a URL carries its own, and Spring Boot's factory takes
 * {@code spring.data.redis.*}. Every refusal names the property and never shows a
 * password.
 */
final class RedisTopology {

	static final String CLUSTER_NODES = "cachekit.redis.cluster.nodes";

	static final String CLUSTER_REFRESH_PERIOD = "cachekit.redis.cluster.refresh-period";

	static final String CLUSTER_MAX_REDIRECTS = "cachekit.redis.cluster.max-redirects";

	static final String SENTINEL_MASTER = "cachekit.redis.sentinel.master";

	static final String SENTINEL_NODES = "cachekit.redis.sentinel.nodes";

	static final String SENTINEL_USERNAME = "cachekit.redis.sentinel.username";

	static final String SENTINEL_PASSWORD = "cachekit.redis.sentinel.password";

	static final String USERNAME = "cachekit.redis.username";

	static final String PASSWORD = "cachekit.redis.password";

	static final String DATABASE = "cachekit.redis.database";

	static final String SSL_ENABLED = "cachekit.redis.ssl.enabled";

	private static final String HIDDEN = "******";

	enum Kind {

		/** The application's connection factory (spring.data.redis.*). */
		SHARED,

		/** cachekit's own connection to one server, from a URL. */
		URL,

		/** cachekit's own connection to a Redis Cluster. */
		CLUSTER,

		/** cachekit's own connection to the master a sentinel names. */
		SENTINEL

	}

	private final Kind kind;

	private final CachekitProperties.Redis properties;

	private final List<String> clusterNodes;

	private RedisTopology(Kind kind, CachekitProperties.Redis properties, List<String> clusterNodes) {
		this.kind = kind;
		this.properties = properties;
		this.clusterNodes = clusterNodes;
	}

	/**
	 * Tells whether the properties ask for cachekit's own cluster or sentinel connection,
	 * which wins over the application's connection factory as a URL does.
	 * @param properties the {@code cachekit.redis} group
	 * @return whether cluster nodes or a sentinel master is set
	 */
	static boolean isClusterOrSentinel(CachekitProperties.Redis properties) {
		return !BackendConfigFactory.servers(properties.getCluster().getNodes()).isEmpty()
				|| hasText(properties.getSentinel().getMaster());
	}

	/**
	 * Reads and checks the topology.
	 * @param properties the {@code cachekit.redis} group
	 * @param url the URL cachekit connects to, or {@code null}
	 * @param urlProperty the property or environment variable the URL came from
	 * @return the topology
	 * @throws InvalidConfigurationPropertyValueException naming the property at fault
	 */
	static RedisTopology of(CachekitProperties.Redis properties, @Nullable String url, String urlProperty) {
		List<String> clusterNodes = BackendConfigFactory.servers(properties.getCluster().getNodes());
		String master = properties.getSentinel().getMaster();
		List<String> sentinelNodes = BackendConfigFactory.servers(properties.getSentinel().getNodes());
		List<String> chosen = new ArrayList<>();
		List<@Nullable Object> values = new ArrayList<>();
		if (url != null) {
			chosen.add(urlProperty);
			values.add(BackendConfigFactory.maskPassword(url));
		}
		if (!clusterNodes.isEmpty()) {
			chosen.add(CLUSTER_NODES);
			values.add(String.join(",", clusterNodes));
		}
		if (hasText(master)) {
			chosen.add(SENTINEL_MASTER);
			values.add(master);
		}
		if (chosen.size() > 1) {
			throw new InvalidConfigurationPropertyValueException(chosen.get(1), values.get(1),
					"set only one of " + BackendSelection.REDIS_URL + ", " + CLUSTER_NODES + " and " + SENTINEL_MASTER
							+ ", but " + String.join(" and ", chosen)
							+ ((chosen.size() == 2) ? " are both set" : " are all set"));
		}
		if (hasText(master) && sentinelNodes.isEmpty()) {
			throw new InvalidConfigurationPropertyValueException(SENTINEL_NODES, "",
					"list the sentinels as host:port, such as " + SENTINEL_NODES
							+ "=sentinel1:26379,sentinel2:26379, since " + SENTINEL_MASTER + " is set");
		}
		if (!hasText(master) && !sentinelNodes.isEmpty()) {
			throw new InvalidConfigurationPropertyValueException(SENTINEL_MASTER, master,
					"set the name the sentinels monitor the master by, such as mymaster, since " + SENTINEL_NODES
							+ " is set");
		}
		Kind kind = (url != null) ? Kind.URL
				: !clusterNodes.isEmpty() ? Kind.CLUSTER : hasText(master) ? Kind.SENTINEL : Kind.SHARED;
		RedisTopology topology = new RedisTopology(kind, properties, clusterNodes);
		topology.checkSettings(urlProperty);
		return topology;
	}

	/**
	 * The topology of a connection details bean: its URL names the server, and the
	 * connection settings of the properties (cluster nodes, sentinel, credentials,
	 * database, TLS switch), which may name another deployment's servers, are not used.
	 * @param properties the {@code cachekit.redis} group
	 * @return the topology
	 */
	static RedisTopology ofConnectionDetails(CachekitProperties.Redis properties) {
		return new RedisTopology(Kind.URL, properties, List.of());
	}

	/**
	 * Names the connection settings of the properties that are set, which a connection
	 * details bean replaces.
	 * @param properties the {@code cachekit.redis} group
	 * @return the property names, empty when none is set
	 */
	static List<String> replacedByConnectionDetails(CachekitProperties.Redis properties) {
		List<String> set = new ArrayList<>();
		if (!BackendConfigFactory.servers(properties.getCluster().getNodes()).isEmpty()) {
			set.add(CLUSTER_NODES);
		}
		if (hasText(properties.getSentinel().getMaster())
				|| !BackendConfigFactory.servers(properties.getSentinel().getNodes()).isEmpty()) {
			set.add("cachekit.redis.sentinel.*");
		}
		if (properties.getUsername() != null) {
			set.add(USERNAME);
		}
		if (properties.getPassword() != null) {
			set.add(PASSWORD);
		}
		if (properties.getDatabase() != 0) {
			set.add(DATABASE);
		}
		if (properties.getSsl().isEnabled()) {
			set.add(SSL_ENABLED);
		}
		return set;
	}

	/**
	 * Tells whether cachekit makes the connection itself (a URL, cluster nodes or a
	 * sentinel), rather than sharing the application's factory.
	 * @return whether the connection is cachekit's own
	 */
	boolean isOwnConnection() {
		return this.kind != Kind.SHARED;
	}

	/**
	 * Tells whether TLS was asked for with {@code cachekit.redis.ssl.enabled}.
	 * @return the switch
	 */
	boolean ssl() {
		return this.properties.getSsl().isEnabled();
	}

	/**
	 * Names what cachekit connects to, for a message.
	 * @return the property that sets it, such as {@code cachekit.redis.cluster.nodes}
	 */
	String describe() {
		return switch (this.kind) {
			case CLUSTER -> "the cluster nodes (" + CLUSTER_NODES + ")";
			case SENTINEL -> "the sentinels and their master (" + SENTINEL_MASTER + ")";
			case URL -> "the URL";
			case SHARED -> "Spring Boot's Redis connection";
		};
	}

	/**
	 * Sets the cluster or sentinel, its credentials, database and TLS switch, and the
	 * cluster's refresh period and redirect limit on the engine's builder.
	 * @param builder the builder
	 */
	void applyTo(RedisBackendConfig.Builder builder) {
		CachekitProperties.Redis redis = this.properties;
		apply(CLUSTER_REFRESH_PERIOD, redis.getCluster().getRefreshPeriod(), builder::clusterRefreshPeriod,
				"cluster refresh period");
		apply(CLUSTER_MAX_REDIRECTS, redis.getCluster().getMaxRedirects(), builder::maxRedirects, "max redirects");
		if (this.kind == Kind.CLUSTER) {
			apply(CLUSTER_NODES, this.clusterNodes, builder::cluster, "cluster nodes");
		}
		if (this.kind == Kind.SENTINEL) {
			String master = String.valueOf(redis.getSentinel().getMaster());
			List<String> nodes = BackendConfigFactory.servers(redis.getSentinel().getNodes());
			apply(SENTINEL_NODES, nodes, (list) -> builder.sentinel(master, list), "sentinel nodes");
			String sentinelUsername = redis.getSentinel().getUsername();
			if (sentinelUsername != null) {
				builder.sentinelUsername(sentinelUsername);
			}
			String sentinelPassword = redis.getSentinel().getPassword();
			if (sentinelPassword != null) {
				builder.sentinelPassword(sentinelPassword);
			}
			builder.database(redis.getDatabase());
		}
		if (this.kind == Kind.CLUSTER || this.kind == Kind.SENTINEL) {
			String username = redis.getUsername();
			if (username != null) {
				builder.username(username);
			}
			String password = redis.getPassword();
			if (password != null) {
				builder.password(password);
			}
			builder.ssl(redis.getSsl().isEnabled());
		}
	}

	private void checkSettings(String urlProperty) {
		CachekitProperties.Redis redis = this.properties;
		CachekitProperties.Redis.Sentinel sentinel = redis.getSentinel();
		List<Setting> own = List.of(new Setting(USERNAME, redis.getUsername(), false, "username"),
				new Setting(PASSWORD, redis.getPassword(), true, "password"),
				new Setting(DATABASE, (redis.getDatabase() != 0) ? redis.getDatabase() : null, false, "database"),
				new Setting(SSL_ENABLED, redis.getSsl().isEnabled() ? true : null, false, "ssl.enabled"));
		List<Setting> ofSentinels = List.of(
				new Setting(SENTINEL_USERNAME, sentinel.getUsername(), false, "sentinel.username"),
				new Setting(SENTINEL_PASSWORD, sentinel.getPassword(), true, "sentinel.password"));
		for (Setting setting : own) {
			if (setting.value() == null) {
				continue;
			}
			if (this.kind == Kind.URL) {
				throw setting.refused("it must not be set with " + urlProperty + ", which carries it: "
						+ "redis[s]://[[user]:password@]host[:port][/database] ('rediss' for TLS)");
			}
			if (this.kind == Kind.SHARED) {
				throw setting.refused(forOwnConnectionOnly(setting));
			}
		}
		for (Setting setting : ofSentinels) {
			if (setting.value() != null && this.kind != Kind.SENTINEL) {
				throw setting
					.refused(
							"it applies to the sentinels of " + SENTINEL_MASTER + ", which is not set"
									+ ((this.kind == Kind.SHARED)
											? "; Spring Boot's Redis connection, which cachekit uses now, "
													+ "takes spring.data.redis." + setting.springName() + " instead"
											: ""));
			}
		}
		if (this.kind == Kind.CLUSTER && redis.getDatabase() != 0) {
			throw own.get(2).refused("a Redis Cluster has only database 0");
		}
		if (redis.getDatabase() < 0) {
			throw own.get(2).refused("it must be 0 or more");
		}
		checkPair(own.get(0), own.get(1));
		checkPair(ofSentinels.get(0), ofSentinels.get(1));
	}

	private static String forOwnConnectionOnly(Setting setting) {
		return "it applies to the connection cachekit makes for " + CLUSTER_NODES + " or " + SENTINEL_MASTER
				+ " (a URL carries its own); Spring Boot's Redis connection, which cachekit uses now, takes "
				+ "spring.data.redis." + setting.springName() + " instead";
	}

	private static void checkPair(Setting username, Setting password) {
		Object user = username.value();
		if (user != null && user.toString().isBlank()) {
			throw username.refused("it must not be blank");
		}
		Object secret = password.value();
		if (secret != null && secret.toString().isEmpty()) {
			throw password.refused("it must not be empty");
		}
		if (user != null && secret == null) {
			throw username
				.refused("it is set without " + password.property() + "; set the password of that ACL " + "user too");
		}
	}

	private static <T> void apply(String property, T value, Consumer<T> setter, String engineName) {
		try {
			setter.accept(value);
		}
		catch (IllegalArgumentException ex) {
			String reason = String.valueOf(ex.getMessage());
			if (reason.startsWith(engineName + " ")) {
				reason = reason.substring(engineName.length() + 1);
			}
			Object shown = (value instanceof List<?> list)
					? String.join(",", list.stream().map(String::valueOf).toList()) : value;
			throw PropertyMessages.invalid(property, shown, reason.replace(engineName, property));
		}
	}

	private static boolean hasText(@Nullable String value) {
		return value != null && !value.isBlank();
	}

	/** A property of cachekit's own connection, for the checks. */
	private record Setting(String property, @Nullable Object value, boolean secret, String springName) {

		InvalidConfigurationPropertyValueException refused(String reason) {
			return new InvalidConfigurationPropertyValueException(this.property,
					(this.secret && this.value != null) ? HIDDEN : PropertyMessages.describe(this.value), reason);
		}

	}

}
