package io.cachekit.autoconfigure;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Hides cachekit's secrets from the actuator's {@code env} and {@code configprops}
 * endpoints, even with {@code management.endpoint.*.show-values=always}: the encryption
 * key and previous keys and every {@code cachekit.*.password} are replaced by
 * {@code ******}, and the password inside a Redis URL ({@code cachekit.redis.url},
 * {@code CACHEKIT_REDIS_URL}, {@code REDIS_URL}) is masked, the rest of the URL kept.
 * Names are matched in every form a property source holds them:
 * {@code cachekit.encryption.key}, {@code cachekit.encryption.previous-keys[0]},
 * {@code CACHEKIT_ENCRYPTION_KEY}, {@code CACHEKIT_ENCRYPTION_PREVIOUSKEYS_0}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(SanitizingFunction.class)
class CachekitSanitizingConfiguration {

	@Bean
	SanitizingFunction cachekitSanitizingFunction() {
		return CachekitSanitizingConfiguration::sanitize;
	}

	private static final Pattern URL_PASSWORD = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*://[^:@/]*:)(.*)(@[^@]*)$",
			Pattern.DOTALL);

	static SanitizableData sanitize(SanitizableData data) {
		String name = canonical(data.getKey());
		if (isSecret(name)) {
			return (data.getValue() != null) ? data.withSanitizedValue() : data;
		}
		if (name.equals("cachekit.redis.url") || name.equals("redis.url")) {
			return data.withValue(maskPassword(data.getValue()));
		}
		return data;
	}

	/**
	 * Reduces a property name to one form: lower case, dots between parts, no dashes, no
	 * index ({@code CACHEKIT_ENCRYPTION_PREVIOUSKEYS_0} and
	 * {@code cachekit.encryption.previous-keys[0]} both give
	 * {@code cachekit.encryption.previouskeys}).
	 */
	static String canonical(String key) {
		String name = key.toLowerCase(Locale.ROOT).replace('_', '.').replace("-", "");
		name = name.replaceAll("\\[[^]]*]", "").replaceAll("(\\.[0-9]+)+$", "");
		return name;
	}

	private static boolean isSecret(String name) {
		if (!name.startsWith("cachekit.")) {
			return false;
		}
		return name.equals("cachekit.encryption.key") || name.startsWith("cachekit.encryption.previouskeys")
				|| name.endsWith(".key") && name.contains(".encryption.") || name.endsWith("password");
	}

	private static @Nullable Object maskPassword(@Nullable Object value) {
		if (value == null) {
			return null;
		}
		Matcher matcher = URL_PASSWORD.matcher(value.toString());
		return matcher.matches() ? matcher.group(1) + SanitizableData.SANITIZED_VALUE + matcher.group(3) : value;
	}

}
