package io.cachekit.autoconfigure;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.cachekit.autoconfigure.CachekitProperties.BackendType;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.context.properties.source.MutuallyExclusiveConfigurationPropertiesException;
import org.springframework.core.env.Environment;

/**
 * Which L2 backend the properties choose, and why.
 *
 * <p>
 * An application's own {@code Backend} bean always wins; that is decided by the bean
 * conditions, not here. Otherwise {@code cachekit.backend} names the backend, or with
 * {@code auto} (the default) the first of these that is configured: memcached servers
 * ({@code cachekit.memcached.servers}, also {@code CACHEKIT_MEMCACHED_SERVERS}), a Redis
 * URL ({@code cachekit.redis.url}, also {@code CACHEKIT_REDIS_URL}, then
 * {@code REDIS_URL}), a file directory ({@code cachekit.file.directory}); else none, and
 * caches are L1 only.
 *
 * <p>
 * An explicit backend next to another backend's cachekit settings is a contradiction and
 * fails with a message naming both properties; so does {@code none} next to any of them.
 * {@code REDIS_URL} is not cachekit's own setting and never contradicts.
 *
 * @param type the chosen backend, never {@code AUTO}
 * @param reason why, for the startup log
 */
record BackendSelection(BackendType type, String reason) {

	static final String BACKEND = "cachekit.backend";

	static final String MEMCACHED_SERVERS = "cachekit.memcached.servers";

	static final String REDIS_URL = "cachekit.redis.url";

	static final String PLATFORM_REDIS_URL = "REDIS_URL";

	static final String FILE_DIRECTORY = "cachekit.file.directory";

	/**
	 * Reads the selection from the environment.
	 * @param environment the environment
	 * @return the selection
	 * @throws MutuallyExclusiveConfigurationPropertiesException when the settings
	 * contradict each other
	 */
	static BackendSelection of(Environment environment) {
		Binder binder = Binder.get(environment);
		BackendType type = binder.bind(BACKEND, BackendType.class).orElse(BackendType.AUTO);
		boolean memcached = !binder.bind(MEMCACHED_SERVERS, Bindable.listOf(String.class))
			.map(BackendConfigFactory::servers)
			.orElse(List.of())
			.isEmpty();
		boolean redis = hasText(binder.bind(REDIS_URL, String.class).orElse(null));
		boolean platformRedis = hasText(environment.getProperty(PLATFORM_REDIS_URL));
		boolean file = hasText(binder.bind(FILE_DIRECTORY, String.class).orElse(null));
		Set<String> configured = new LinkedHashSet<>();
		if (memcached) {
			configured.add(MEMCACHED_SERVERS);
		}
		if (redis) {
			configured.add(REDIS_URL);
		}
		if (file) {
			configured.add(FILE_DIRECTORY);
		}
		return switch (type) {
			case AUTO -> auto(memcached, redis, platformRedis, file);
			case MEMCACHED -> explicit(type, configured, MEMCACHED_SERVERS);
			case REDIS -> explicit(type, configured, REDIS_URL);
			case FILE -> explicit(type, configured, FILE_DIRECTORY);
			case NONE -> explicit(type, configured, null);
		};
	}

	private static BackendSelection auto(boolean memcached, boolean redis, boolean platformRedis, boolean file) {
		if (memcached) {
			return new BackendSelection(BackendType.MEMCACHED, MEMCACHED_SERVERS + " is set");
		}
		if (redis) {
			return new BackendSelection(BackendType.REDIS, REDIS_URL + " is set");
		}
		if (platformRedis) {
			return new BackendSelection(BackendType.REDIS,
					"the " + PLATFORM_REDIS_URL + " environment variable is set");
		}
		if (file) {
			return new BackendSelection(BackendType.FILE, FILE_DIRECTORY + " is set");
		}
		return new BackendSelection(BackendType.NONE,
				"no memcached servers, Redis URL or file directory is configured");
	}

	private static BackendSelection explicit(BackendType type, Set<String> configured, @Nullable String own) {
		Set<String> others = new LinkedHashSet<>(configured);
		if (own != null) {
			others.remove(own);
		}
		if (!others.isEmpty()) {
			Set<String> clashing = new LinkedHashSet<>(others);
			clashing.add(BACKEND);
			throw new MutuallyExclusiveConfigurationPropertiesException(clashing, clashing);
		}
		return new BackendSelection(type, BACKEND + "=" + type.name().toLowerCase(Locale.ROOT));
	}

	private static boolean hasText(@Nullable String value) {
		return value != null && !value.isBlank();
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
