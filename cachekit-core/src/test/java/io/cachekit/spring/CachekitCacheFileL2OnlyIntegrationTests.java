package io.cachekit.spring;

/**
 * Spring's cache contract over a {@link CachekitCache} without L1: every read goes to the
 * file store.
 */
class CachekitCacheFileL2OnlyIntegrationTests extends CachekitCacheFileIntegrationTests {

	@Override
	protected boolean l1Enabled() {
		return false;
	}

}
