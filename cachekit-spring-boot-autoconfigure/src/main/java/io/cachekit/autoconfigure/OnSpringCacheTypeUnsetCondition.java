package io.cachekit.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches unless {@code spring.cache.type} is set: a user who names a cache type (for
 * example {@code none} to switch caching off, or {@code redis}) gets Spring Boot's own
 * cache manager for it, not cachekit's.
 */
class OnSpringCacheTypeUnsetCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		String type = context.getEnvironment().getProperty("spring.cache.type");
		if (type == null || type.isBlank()) {
			return ConditionOutcome.match("spring.cache.type is not set");
		}
		return ConditionOutcome.noMatch("spring.cache.type is " + type);
	}

}
