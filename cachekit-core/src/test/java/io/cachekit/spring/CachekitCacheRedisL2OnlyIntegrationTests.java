package io.cachekit.spring;

/**
 * Spring's cache contract over a {@link CachekitCache} without L1: every read goes to
 * Redis.
 */
class CachekitCacheRedisL2OnlyIntegrationTests extends CachekitCacheRedisIntegrationTests {

	@Override
	protected boolean l1Enabled() {
		return false;
	}

}
