package io.cachekit.autoconfigure;

import java.util.Locale;

import io.cachekit.autoconfigure.CachekitProperties.BackendType;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.ConfigurationCondition;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when the properties choose one backend, as {@link BackendSelection} decides.
 */
abstract class OnBackendCondition extends SpringBootCondition implements ConfigurationCondition {

	/**
	 * Evaluated when beans are registered, not when configuration classes are parsed, so
	 * that connection details beans of the application's {@code @Bean} methods and of
	 * service connections are seen.
	 */
	@Override
	public ConfigurationPhase getConfigurationPhase() {
		return ConfigurationPhase.REGISTER_BEAN;
	}

	private final BackendType type;

	OnBackendCondition(BackendType type) {
		this.type = type;
	}

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		BackendSelection selection = BackendSelection.of(context.getEnvironment(), context.getClassLoader(),
				context.getBeanFactory());
		String name = this.type.name().toLowerCase(Locale.ROOT);
		if (selection.type() == this.type) {
			return ConditionOutcome.match("cachekit backend is " + name + ": " + selection.reason());
		}
		return ConditionOutcome.noMatch("cachekit backend is not " + name + ": " + selection.reason());
	}

}
