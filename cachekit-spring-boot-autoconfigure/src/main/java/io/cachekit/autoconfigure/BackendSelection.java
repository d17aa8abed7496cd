package io.cachekit.autoconfigure;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 * In {@code auto} mode, when none of these cachekit properties is set, a connection
 * details bean ({@link CachekitMemcachedConnectionDetails}, then
 * {@link CachekitRedisConnectionDetails}, defined by the application or by a
 * Testcontainers or Docker Compose service connection) chooses its backend, before
 * {@code REDIS_URL}. A details bean never moves cachekit to another backend than its
 * properties choose: as in Spring Boot, connection details replace the connection
 * properties of their own service (a memcached bean replaces
 * {@code cachekit.memcached.servers}), and a Redis container that an application runs for
 * Spring Data Redis must not take the cache off its memcached servers. The properties
 * that count are {@link #BACKEND_PROPERTIES}. The conditions see the beans only when
 * given the bean factory ({@link #of(Environment, ClassLoader, ListableBeanFactory)}).
 *
 * <p>
 * An explicit backend wins over another backend's settings, the way
 * {@code spring.cache.type} wins in Spring Boot (a shared {@code application.yml} may
 * hold a file directory for development and production choose memcached): those settings
 * are listed in {@link #ignored()}, for the startup log, as are, in every mode, the
 * connection details beans of a backend that was not chosen. {@code REDIS_URL} is not
 * cachekit's own setting: it is never listed, and {@code auto} skips it when the Redis
 * client is not on the classpath (a platform may set it for another use).
 *
 * @param type the chosen backend, never {@code AUTO}
 * @param reason why, for the startup log
 * @param property the property that chose the backend, or {@code null} when none did
 * @param ignored the settings of other backends that an explicit choice overrides, and
 * the connection details beans of a backend that was not chosen
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
	 * The cachekit properties that configure a backend, in the order {@code auto} tries
	 * them. Each one that is set selects its backend in {@code auto} mode, keeps a
	 * connection details bean from choosing the backend, and is listed in
	 * {@link #ignored()} when {@code cachekit.backend} names another backend. A new
	 * backend property is one more entry here.
	 */
	static final List<BackendProperty> BACKEND_PROPERTIES = List.of(
			BackendProperty.list(BackendType.MEMCACHED, MEMCACHED_SERVERS),
			BackendProperty.text(BackendType.MEMCACHED, MEMCACHED_DISCOVERY_ENDPOINT),
			BackendProperty.text(BackendType.REDIS, REDIS_URL),
			BackendProperty.list(BackendType.REDIS, REDIS_CLUSTER_NODES),
			BackendProperty.text(BackendType.REDIS, REDIS_SENTINEL_MASTER),
			// Sentinels without their master's name choose Redis, whose startup then
			// fails
			// naming the master's property, instead of silently running without L2.
			BackendProperty.list(BackendType.REDIS, RedisTopology.SENTINEL_NODES),
			BackendProperty.text(BackendType.FILE, FILE_DIRECTORY));

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
	 * Reads the selection from the environment and the connection details beans.
	 * @param environment the environment
	 * @param classLoader the class loader that tells whether the Redis client is there,
	 * or {@code null} for the default one
	 * @param beanFactory the bean factory whose connection details beans choose a backend
	 * in {@code auto} mode when no backend property is set, or {@code null} to read only
	 * the properties
	 * @return the selection
	 */
	static BackendSelection of(Environment environment, @Nullable ClassLoader classLoader,
			@Nullable ListableBeanFactory beanFactory) {
		Binder binder = Binder.get(environment);
		BackendType type = binder.bind(BACKEND, BackendType.class).orElse(BackendType.AUTO);
		Map<String, BackendType> configured = new LinkedHashMap<>();
		for (BackendProperty property : BACKEND_PROPERTIES) {
			if (property.isSet(binder)) {
				configured.put(property.name(), property.backend());
			}
		}
		Map<String, BackendType> details = connectionDetails(beanFactory);
		boolean platformRedis = hasText(environment.getProperty(PLATFORM_REDIS_URL))
				&& isPresent(REDIS_CLIENT, classLoader);
		BackendSelection selection = (type != BackendType.AUTO)
				? new BackendSelection(type, BACKEND + "=" + type.name().toLowerCase(Locale.ROOT), BACKEND, Set.of())
				: auto(configured, details, platformRedis);
		Set<String> ignored = new LinkedHashSet<>();
		if (type != BackendType.AUTO) {
			configured.forEach((name, backend) -> {
				if (backend != selection.type()) {
					ignored.add(name);
				}
			});
		}
		details.forEach((name, backend) -> {
			if (backend != selection.type()) {
				ignored.add(name);
			}
		});
		return new BackendSelection(selection.type(), selection.reason(), selection.property(), Set.copyOf(ignored));
	}

	/**
	 * Chooses in {@code auto} mode: the first backend property that is set; else a
	 * connection details bean, memcached first; else {@code REDIS_URL}; else none.
	 * {@code REDIS_URL} comes after cachekit's Redis properties and before the file
	 * directory.
	 */
	private static BackendSelection auto(Map<String, BackendType> configured, Map<String, BackendType> details,
			boolean platformRedis) {
		if (!configured.isEmpty()) {
			Map.Entry<String, BackendType> first = configured.entrySet().iterator().next();
			if (!platformRedis || first.getValue() != BackendType.FILE) {
				return new BackendSelection(first.getValue(), first.getKey() + " is set", first.getKey(), Set.of());
			}
		}
		else if (!details.isEmpty()) {
			Map.Entry<String, BackendType> bean = details.entrySet().iterator().next();
			return new BackendSelection(bean.getValue(), "a " + bean.getKey() + " is defined", null, Set.of());
		}
		if (platformRedis) {
			return new BackendSelection(BackendType.REDIS, "the " + PLATFORM_REDIS_URL + " environment variable is set",
					null, Set.of());
		}
		return new BackendSelection(BackendType.NONE,
				"no cachekit backend property or connection details bean is configured", null, Set.of());
	}

	/**
	 * Finds the connection details beans, memcached first, each named as the startup log
	 * shows it ({@code memcached connection details bean 'cacheServers'}).
	 * @param beanFactory the bean factory, or {@code null}
	 * @return each bean's description and the backend it connects to
	 */
	private static Map<String, BackendType> connectionDetails(@Nullable ListableBeanFactory beanFactory) {
		Map<String, BackendType> details = new LinkedHashMap<>();
		if (beanFactory != null) {
			for (String name : beanFactory.getBeanNamesForType(CachekitMemcachedConnectionDetails.class, true, false)) {
				details.put("memcached connection details bean '" + name + "'", BackendType.MEMCACHED);
			}
			for (String name : beanFactory.getBeanNamesForType(CachekitRedisConnectionDetails.class, true, false)) {
				details.put("Redis connection details bean '" + name + "'", BackendType.REDIS);
			}
		}
		return details;
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

	/**
	 * A cachekit property that configures a backend.
	 *
	 * @param backend the backend it configures
	 * @param name the property
	 * @param list whether it is a list ({@code a,b} or a JSON array), set when it holds
	 * an element; otherwise set when it holds text
	 */
	record BackendProperty(BackendType backend, String name, boolean list) {

		static BackendProperty text(BackendType backend, String name) {
			return new BackendProperty(backend, name, false);
		}

		static BackendProperty list(BackendType backend, String name) {
			return new BackendProperty(backend, name, true);
		}

		boolean isSet(Binder binder) {
			if (this.list) {
				return !binder.bind(this.name, Bindable.listOf(String.class))
					.map(BackendConfigFactory::servers)
					.orElse(List.of())
					.isEmpty();
			}
			return hasText(binder.bind(this.name, String.class).orElse(null));
		}

	}

}
