package io.cachekit.autoconfigure;

import java.util.Locale;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.ConfigurationCondition;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when the properties choose a backend whose client library is not on the
 * classpath (the ElastiCache cluster client for memcached; Spring Data Redis and Lettuce
 * for Redis), so that startup fails naming the dependencies instead of running L1 only in
 * silence.
 */
class OnMissingBackendClientCondition extends SpringBootCondition implements ConfigurationCondition {

	/**
	 * Evaluated when beans are registered, not when configuration classes are parsed, so
	 * that connection details beans of the application's {@code @Bean} methods and of
	 * service connections are seen.
	 */
	@Override
	public ConfigurationPhase getConfigurationPhase() {
		return ConfigurationPhase.REGISTER_BEAN;
	}

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		BackendSelection selection = BackendSelection.of(context.getEnvironment(), context.getClassLoader(),
				context.getBeanFactory());
		String name = selection.type().name().toLowerCase(Locale.ROOT);
		String missing = selection.missingClient(context.getClassLoader());
		if (missing != null) {
			return ConditionOutcome.match("cachekit backend is " + name + " but its client is missing: " + missing);
		}
		return ConditionOutcome.noMatch("cachekit backend " + name + " has what it needs on the classpath");
	}

}
