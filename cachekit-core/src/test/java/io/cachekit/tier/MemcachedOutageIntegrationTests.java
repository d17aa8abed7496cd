package io.cachekit.tier;

import java.time.Duration;

import io.cachekit.backend.Backend;
import io.cachekit.backend.memcached.MemcachedBackend;
import io.cachekit.backend.memcached.MemcachedConfig;
import io.cachekit.test.ServerKind;

/**
 * {@link L2OutageContract} over one memcached server.
 */
class MemcachedOutageIntegrationTests extends L2OutageContract {

	@Override
	protected ServerKind serverKind() {
		return ServerKind.MEMCACHED;
	}

	@Override
	protected Backend createBackend(String address) {
		return MemcachedBackend.create(MemcachedConfig.builder().servers(address).build());
	}

	@Override
	protected Duration operationTimeout() {
		return MemcachedConfig.DEFAULT_OPERATION_TIMEOUT;
	}

}
