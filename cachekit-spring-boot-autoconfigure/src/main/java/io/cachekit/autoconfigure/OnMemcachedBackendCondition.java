package io.cachekit.autoconfigure;

import java.util.List;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when memcached is the chosen backend: {@code cachekit.backend=memcached}, or
 * {@code auto} (the default) with {@code cachekit.memcached.servers} set, also through
 * {@code CACHEKIT_MEMCACHED_SERVERS}.
 */
class OnMemcachedBackendCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		Binder binder = Binder.get(context.getEnvironment());
		CachekitProperties.BackendType type = binder.bind("cachekit.backend", CachekitProperties.BackendType.class)
			.orElse(CachekitProperties.BackendType.AUTO);
		if (type == CachekitProperties.BackendType.MEMCACHED) {
			return ConditionOutcome.match("cachekit.backend is memcached");
		}
		if (type != CachekitProperties.BackendType.AUTO) {
			return ConditionOutcome.noMatch("cachekit.backend is " + type.name().toLowerCase(java.util.Locale.ROOT));
		}
		List<String> servers = binder.bind("cachekit.memcached.servers", Bindable.listOf(String.class))
			.map(MemcachedConfigFactory::servers)
			.orElse(List.of());
		return servers.isEmpty() ? ConditionOutcome.noMatch("cachekit.memcached.servers is not set")
				: ConditionOutcome.match("cachekit.memcached.servers is set");
	}

}
