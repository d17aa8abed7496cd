package io.cachekit.spring;

import io.cachekit.backend.Backend;
import org.jspecify.annotations.Nullable;

/**
 * Spring's cache contract over an L1-only {@link CachekitCache}.
 */
class CachekitCacheTests extends CachekitCacheContract {

	@Override
	protected @Nullable Backend backend() {
		return null;
	}

}
