package io.cachekit.spring;

/**
 * Spring's cache contract over a {@link CachekitCache} without L1: every read goes to
 * memcached.
 */
class CachekitCacheMemcachedL2OnlyIntegrationTests extends CachekitCacheMemcachedIntegrationTests {

	@Override
	protected boolean l1Enabled() {
		return false;
	}

}
