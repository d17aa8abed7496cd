package io.cachekit.spring;

import io.cachekit.backend.Backend;
import org.jspecify.annotations.Nullable;

/**
 * Spring's cache contract over an L1-only {@link CachekitCache}. Without an L2 there is
 * no variant with L1 off: such a cache would cache nothing.
 */
class CachekitCacheTests extends CachekitCacheContract {

	@Override
	protected @Nullable Backend backend() {
		return null;
	}

	@Override
	protected boolean l1Enabled() {
		return true;
	}

}
