package io.cachekit.spring;

import io.cachekit.backend.Backend;
import io.cachekit.backend.memcached.MemcachedBackend;
import io.cachekit.backend.memcached.MemcachedConfig;
import io.cachekit.test.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Spring's cache contract over a {@link CachekitCache} with L1 in front of memcached as
 * L2. {@link CachekitCacheMemcachedL2OnlyIntegrationTests} runs it without L1.
 */
class CachekitCacheMemcachedIntegrationTests extends CachekitCacheContract {

	@RegisterExtension
	static final TestServer memcached = TestServer.memcached();

	private static MemcachedBackend backend;

	@BeforeAll
	static void connect() {
		backend = MemcachedBackend.create(MemcachedConfig.builder().servers(memcached.address()).build());
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
