package io.cachekit.autoconfigure;

import io.cachekit.autoconfigure.CachekitProperties.BackendType;

/**
 * Matches when the properties choose Redis: see {@link BackendSelection}.
 */
class OnRedisBackendCondition extends OnBackendCondition {

	OnRedisBackendCondition() {
		super(BackendType.REDIS);
	}

}
