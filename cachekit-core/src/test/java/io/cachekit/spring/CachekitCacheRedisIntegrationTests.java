package io.cachekit.spring;

import io.cachekit.backend.Backend;
import io.cachekit.backend.redis.RedisBackend;
import io.cachekit.backend.redis.RedisBackendConfig;
import io.cachekit.test.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Spring's cache contract over a {@link CachekitCache} with L1 in front of Redis as L2.
 * {@link CachekitCacheRedisL2OnlyIntegrationTests} runs it without L1.
 */
class CachekitCacheRedisIntegrationTests extends CachekitCacheContract {

	@RegisterExtension
	static final TestServer redis = TestServer.redis();

	private static RedisBackend backend;

	@BeforeAll
	static void connect() {
		backend = RedisBackend.create(RedisBackendConfig.builder().url("redis://" + redis.address()).build());
	}

	@AfterAll
	static void close() {
		backend.close();
	}

	@Override
	protected Backend backend() {
		return backend;
	}

	@Override
	protected boolean l1Enabled() {
		return true;
	}

}
