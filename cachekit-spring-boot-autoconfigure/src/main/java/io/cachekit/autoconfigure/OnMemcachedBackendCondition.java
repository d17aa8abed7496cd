package io.cachekit.autoconfigure;

import io.cachekit.autoconfigure.CachekitProperties.BackendType;

/**
 * Matches when the properties choose memcached: see {@link BackendSelection}.
 */
class OnMemcachedBackendCondition extends OnBackendCondition {

	OnMemcachedBackendCondition() {
		super(BackendType.MEMCACHED);
	}

}
