package io.cachekit.autoconfigure;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.cachekit.autoconfigure.CachekitProperties.BackendType;
import io.cachekit.autoconfigure.service.CachekitMemcachedConnectionDetails;
import io.cachekit.autoconfigure.service.CachekitRedisConnectionDetails;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Which L2 backend the properties choose, and why.
 *
 * <p>
 * An application's own {@code Backend} bean always wins; that is decided by the bean
 * conditions, not here. Otherwise {@code cachekit.backend} names the backend, or with
 * {@code auto} (the default) the first of these that is configured: memcached servers
 * ({@code cachekit.memcached.servers}, also {@code CACHEKIT_MEMCACHED_SERVERS}) or a
 * memcached discovery endpoint ({@code cachekit.memcached.discovery.endpoint}), a Redis
 * URL ({@code cachekit.redis.url}, also {@code CACHEKIT_REDIS_URL}), Redis Cluster nodes
 * ({@code cachekit.redis.cluster.nodes}) or a Redis Sentinel master
 * ({@code cachekit.redis.sentinel.master}), then {@code REDIS_URL}, a file directory
 * ({@code cachekit.file.directory}); else none, and caches are L1 only.
 *
 * <p>
 * In {@code auto} mode a connection details bean
 * ({@link CachekitMemcachedConnectionDetails}, then
 * {@link CachekitRedisConnectionDetails}, defined by the application or by a
 * Testcontainers or Docker Compose service connection) comes first, before any property:
 * as in Spring Boot, a service connection wins over the connection properties. The
 * conditions see the bean only when given the bean factory
 * ({@link #of(Environment, ClassLoader, ListableBeanFactory)}).
 *
 * <p>
 * An explicit backend wins over another backend's settings, the way
 * {@code spring.cache.type} wins in Spring Boot (a shared {@code application.yml} may
 * hold a file directory for development and production choose memcached): those settings
 * are listed in {@link #ignored()}, for the startup log. {@code REDIS_URL} is not
 * cachekit's own setting: it is never listed, and {@code auto} skips it when the Redis
 * client is not on the classpath (a platform may set it for another use).
 *
 * @param type the chosen backend, never {@code AUTO}
 * @param reason why, for the startup log
 * @param property the property that chose the backend, or {@code null} when none did
 * @param ignored the settings of other backends that an explicit choice overrides
 */
record BackendSelection(BackendType type, String reason, @Nullable String property, Set<String> ignored) {

	static final String BACKEND = "cachekit.backend";

	static final String MEMCACHED_SERVERS = "cachekit.memcached.servers";

	/** A discovery endpoint selects memcached as servers do. */
	static final String MEMCACHED_DISCOVERY_ENDPOINT = "cachekit.memcached.discovery.endpoint";

	static final String REDIS_URL = "cachekit.redis.url";

	static final String REDIS_CLUSTER_NODES = RedisTopology.CLUSTER_NODES;

	static final String REDIS_SENTINEL_MASTER = RedisTopology.SENTINEL_MASTER;

	static final String PLATFORM_REDIS_URL = "REDIS_URL";

	static final String FILE_DIRECTORY = "cachekit.file.directory";

	/**
	 * Classes of the memcached client, which the memcached backend needs.
	 */
	static final String[] MEMCACHED_CLIENT = { "net.spy.memcached.MemcachedClient" };

	/**
	 * Classes of Spring Data Redis and Lettuce, which the Redis backend needs.
	 */
	static final String[] REDIS_CLIENT = { "org.springframework.data.redis.connection.RedisConnectionFactory",
			"org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory",
			"io.lettuce.core.RedisClient" };

	/**
	 * Reads the selection from the environment, with the default class loader.
	 * @param environment the environment
	 * @return the selection
	 */
	static BackendSelection of(Environment environment) {
		return of(environment, null);
	}

	/**
	 * Reads the selection from the environment.
	 * @param environment the environment
	 * @param classLoader the class loader that tells whether the Redis client is there,
	 * or {@code null} for the default one
	 * @return the selection
	 */
	static BackendSelection of(Environment environment, @Nullable ClassLoader classLoader) {
		return of(environment, classLoader, null);
	}

	/**
	 * Reads the selection from the environment and, in {@code auto} mode, the connection
	 * details beans.
	 * @param environment the environment
	 * @param classLoader the class loader that tells whether the Redis client is there,
	 * or {@code null} for the default one
	 * @param beanFactory the bean factory whose connection details beans choose a backend
	 * in {@code auto} mode, or {@code null} to read only the properties
	 * @return the selection
	 */
	static BackendSelection of(Environment environment, @Nullable ClassLoader classLoader,
			@Nullable ListableBeanFactory beanFactory) {
		Binder binder = Binder.get(environment);
		BackendType type = binder.bind(BACKEND, BackendType.class).orElse(BackendType.AUTO);
		boolean servers = !binder.bind(MEMCACHED_SERVERS, Bindable.listOf(String.class))
			.map(BackendConfigFactory::servers)
			.orElse(List.of())
			.isEmpty();
		boolean discovery = hasText(binder.bind(MEMCACHED_DISCOVERY_ENDPOINT, String.class).orElse(null));
		String memcachedProperty = servers ? MEMCACHED_SERVERS : (discovery ? MEMCACHED_DISCOVERY_ENDPOINT : null);
		// cachekit's own Redis connection settings that are set, the first one chooses.
		List<String> redisConfigured = new ArrayList<>();
		if (hasText(binder.bind(REDIS_URL, String.class).orElse(null))) {
			redisConfigured.add(REDIS_URL);
		}
		if (!binder.bind(REDIS_CLUSTER_NODES, Bindable.listOf(String.class))
			.map(BackendConfigFactory::servers)
			.orElse(List.of())
			.isEmpty()) {
			redisConfigured.add(REDIS_CLUSTER_NODES);
		}
		if (hasText(binder.bind(REDIS_SENTINEL_MASTER, String.class).orElse(null))) {
			redisConfigured.add(REDIS_SENTINEL_MASTER);
		}
		else if (!binder.bind(RedisTopology.SENTINEL_NODES, Bindable.listOf(String.class))
			.map(BackendConfigFactory::servers)
			.orElse(List.of())
			.isEmpty()) {
			// Sentinels without their master's name choose Redis, whose startup then
			// fails naming the master's property, instead of silently running without L2.
			redisConfigured.add(RedisTopology.SENTINEL_NODES);
		}
		String redisProperty = redisConfigured.isEmpty() ? null : redisConfigured.get(0);
		boolean platformRedis = hasText(environment.getProperty(PLATFORM_REDIS_URL));
		boolean file = hasText(binder.bind(FILE_DIRECTORY, String.class).orElse(null));
		Set<String> configured = new LinkedHashSet<>();
		if (memcachedProperty != null) {
			configured.add(memcachedProperty);
		}
		configured.addAll(redisConfigured);
		if (file) {
			configured.add(FILE_DIRECTORY);
		}
		return switch (type) {
			case AUTO -> {
				BackendSelection details = byConnectionDetails(beanFactory);
				yield (details != null) ? details : auto(memcachedProperty, redisProperty,
						platformRedis && isPresent(REDIS_CLIENT, classLoader), file);
			}
			case MEMCACHED -> explicit(type, configured, List.of(MEMCACHED_SERVERS, MEMCACHED_DISCOVERY_ENDPOINT));
			case REDIS -> explicit(type, configured, redisConfigured);
			case FILE -> explicit(type, configured, List.of(FILE_DIRECTORY));
			case NONE -> explicit(type, configured, List.of());
		};
	}

	private static BackendSelection auto(@Nullable String memcached, @Nullable String redis, boolean platformRedis,
			boolean file) {
		if (memcached != null) {
			return new BackendSelection(BackendType.MEMCACHED, memcached + " is set", memcached, Set.of());
		}
		if (redis != null) {
			return new BackendSelection(BackendType.REDIS, redis + " is set", redis, Set.of());
		}
		if (platformRedis) {
			return new BackendSelection(BackendType.REDIS, "the " + PLATFORM_REDIS_URL + " environment variable is set",
					null, Set.of());
		}
		if (file) {
			return new BackendSelection(BackendType.FILE, FILE_DIRECTORY + " is set", FILE_DIRECTORY, Set.of());
		}
		return new BackendSelection(BackendType.NONE, "no memcached servers, Redis URL or file directory is configured",
				null, Set.of());
	}

	/**
	 * Chooses the backend of a connection details bean, memcached first.
	 * @param beanFactory the bean factory, or {@code null}
	 * @return the selection, or {@code null} when there is no such bean
	 */
	private static @Nullable BackendSelection byConnectionDetails(@Nullable ListableBeanFactory beanFactory) {
		if (beanFactory == null) {
			return null;
		}
		String[] memcached = beanFactory.getBeanNamesForType(CachekitMemcachedConnectionDetails.class, true, false);
		if (memcached.length > 0) {
			return new BackendSelection(BackendType.MEMCACHED,
					"a memcached connection details bean is defined (" + String.join(", ", memcached) + ")", null,
					Set.of());
		}
		String[] redis = beanFactory.getBeanNamesForType(CachekitRedisConnectionDetails.class, true, false);
		if (redis.length > 0) {
			return new BackendSelection(BackendType.REDIS,
					"a Redis connection details bean is defined (" + String.join(", ", redis) + ")", null, Set.of());
		}
		return null;
	}

	private static BackendSelection explicit(BackendType type, Set<String> configured, List<String> own) {
		Set<String> others = new LinkedHashSet<>(configured);
		own.forEach(others::remove);
		return new BackendSelection(type, BACKEND + "=" + type.name().toLowerCase(Locale.ROOT), BACKEND,
				Set.copyOf(others));
	}

	private static boolean hasText(@Nullable String value) {
		return value != null && !value.isBlank();
	}

	/**
	 * Tells whether every class of a client is on the classpath.
	 * @param classNames the client's classes
	 * @param classLoader the class loader, or {@code null} for the default one
	 * @return whether all are present
	 */
	static boolean isPresent(String[] classNames, @Nullable ClassLoader classLoader) {
		for (String className : classNames) {
			if (!ClassUtils.isPresent(className, classLoader)) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Returns what the chosen backend needs on the classpath and lacks, as advice naming
	 * the Maven coordinates to add.
	 * @param classLoader the class loader, or {@code null} for the default one
	 * @return the advice, or {@code null} when nothing is missing
	 */
	@Nullable String missingClient(@Nullable ClassLoader classLoader) {
		if (this.type == BackendType.MEMCACHED && !isPresent(MEMCACHED_CLIENT, classLoader)) {
			return "the memcached backend needs the memcached client on the classpath: add the dependency "
					+ "com.amazonaws:elasticache-java-cluster-client (cachekit-spring-boot-starter brings it), or choose "
					+ "another backend with " + BACKEND;
		}
		if (this.type == BackendType.REDIS && !isPresent(REDIS_CLIENT, classLoader)) {
			return "the Redis backend needs Spring Data Redis and Lettuce on the classpath: add the dependency "
					+ "org.springframework.boot:spring-boot-starter-data-redis (or both "
					+ "org.springframework.data:spring-data-redis and io.lettuce:lettuce-core), or choose another "
					+ "backend with " + BACKEND;
		}
		return null;
	}

	/**
	 * Returns the failure for a backend chosen without a setting it needs.
	 * @param property the setting
	 * @param hint how to fix it
	 * @return the exception to throw
	 */
	static InvalidConfigurationPropertyValueException missing(String property, String hint) {
		return new InvalidConfigurationPropertyValueException(property, "", hint);
	}

}
