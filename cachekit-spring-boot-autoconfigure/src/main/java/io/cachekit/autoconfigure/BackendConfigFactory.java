package io.cachekit.autoconfigure;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import io.cachekit.backend.file.FileBackendConfig;
import io.cachekit.backend.memcached.MemcachedConfig;
import io.cachekit.backend.redis.RedisBackendConfig;
import io.cachekit.backend.memcached.ServerAddress;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Turns the backend property groups ({@code cachekit.memcached.*},
 * {@code cachekit.redis.*}, {@code cachekit.file.*}) into the engine's configurations,
 * failing with an {@link InvalidConfigurationPropertyValueException} that names the
 * property for any bad value.
 */
final class BackendConfigFactory {

	private static final String PREFIX = "cachekit.memcached.";

	private static final String FILE = "cachekit.file.";

	private static final String REDIS = "cachekit.redis.";

	private BackendConfigFactory() {
	}

	static FileBackendConfig file(CachekitProperties.File properties) {
		FileBackendConfig.Builder builder = FileBackendConfig.builder();
		String directory = properties.getDirectory();
		Path path = (directory != null && !directory.isBlank()) ? toPath(directory)
				: FileBackendConfig.defaultDirectory();
		apply(FILE + "directory", path, builder::directory);
		apply(FILE + "max-size", properties.getMaxSize(), (size) -> builder.maxTotalBytes(size.toBytes()));
		apply(FILE + "max-entries", properties.getMaxEntries(), builder::maxEntries);
		apply(FILE + "max-value-size", properties.getMaxValueSize(),
				(size) -> builder.maxValueSize(toInt(size.toBytes())));
		apply(FILE + "sweep-interval", properties.getSweepInterval(), builder::sweepInterval);
		return builder.build();
	}

	/**
	 * Creates the Redis configuration.
	 * @param properties the {@code cachekit.redis} group
	 * @param url the URL to connect to and the property it came from, or {@code null} to
	 * use the application's connection factory
	 * @return the configuration
	 */
	static RedisBackendConfig redis(CachekitProperties.Redis properties, @Nullable String url, String urlProperty) {
		RedisBackendConfig.Builder builder = RedisBackendConfig.builder();
		if (url != null) {
			apply(urlProperty, url, builder::url);
			apply(REDIS + "timeout", properties.getTimeout(), builder::commandTimeout);
			apply(REDIS + "connect-timeout", properties.getConnectTimeout(), builder::connectTimeout);
		}
		apply(REDIS + "retry-attempts", properties.getRetryAttempts(), builder::retryAttempts);
		apply(REDIS + "key-prefix", properties.getKeyPrefix(), builder::keyPrefix);
		apply(REDIS + "max-value-size", properties.getMaxValueSize(),
				(size) -> builder.maxValueSize(toInt(size.toBytes())));
		return builder.build();
	}

	static MemcachedConfig memcached(CachekitProperties.Memcached properties) {
		List<String> servers = servers(properties.getServers());
		if (servers.isEmpty()) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "servers", "",
					"memcached needs at least one host:port, e.g. cachekit.memcached.servers=localhost:11211 "
							+ "(or CACHEKIT_MEMCACHED_SERVERS), or set cachekit.backend=none for L1-only caches");
		}
		for (int i = 0; i < servers.size(); i++) {
			String server = servers.get(i);
			apply(PREFIX + "servers[" + i + "]", server, ServerAddress::parse);
		}
		MemcachedConfig.Builder builder = MemcachedConfig.builder();
		apply(PREFIX + "servers", String.join(",", servers), (value) -> builder.servers(servers));
		apply(PREFIX + "timeout", properties.getTimeout(), builder::operationTimeout);
		apply(PREFIX + "connect-timeout", properties.getConnectTimeout(), builder::connectTimeout);
		apply(PREFIX + "max-pool-size", properties.getMaxPoolSize(), builder::maxPoolSize);
		apply(PREFIX + "retry-attempts", properties.getRetryAttempts(), builder::retryAttempts);
		apply(PREFIX + "key-prefix", properties.getKeyPrefix(), builder::keyPrefix);
		apply(PREFIX + "max-item-size", properties.getMaxItemSize(),
				(size) -> builder.maxItemSize(toInt(size.toBytes())));
		apply(PREFIX + "max-reconnect-delay", properties.getMaxReconnectDelay(), builder::maxReconnectDelay);
		apply(PREFIX + "failure-mode", properties.getFailureMode(), builder::failureMode);
		return builder.build();
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
			throw new InvalidConfigurationPropertyValueException(FILE + "directory", directory, ex.getMessage());
		}
	}

	static <T> void apply(String property, @Nullable T value, Consumer<T> setter) {
		if (value == null) {
			throw new InvalidConfigurationPropertyValueException(property, null, "a value is required");
		}
		try {
			setter.accept(value);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationPropertyValueException(property, describe(value), ex.getMessage());
		}
	}

	private static Object describe(Object value) {
		return (value instanceof Duration duration) ? duration.toString() : value;
	}

	static int toInt(long bytes) {
		return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, bytes));
	}

}
