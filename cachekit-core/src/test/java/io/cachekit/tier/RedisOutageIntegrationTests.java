package io.cachekit.tier;

import java.time.Duration;

import io.cachekit.backend.Backend;
import io.cachekit.backend.redis.RedisBackend;
import io.cachekit.backend.redis.RedisBackendConfig;
import io.cachekit.test.ServerKind;

/**
 * {@link L2OutageContract} over one Redis server, through the backend's own Lettuce
 * connection factory (a Redis URL).
 */
class RedisOutageIntegrationTests extends L2OutageContract {

	@Override
	protected ServerKind serverKind() {
		return ServerKind.REDIS;
	}

	@Override
	protected Backend createBackend(String address) {
		return RedisBackend.create(RedisBackendConfig.builder().url("redis://" + address).build());
	}

	@Override
	protected Duration operationTimeout() {
		return RedisBackendConfig.DEFAULT_COMMAND_TIMEOUT;
	}

}
