package io.cachekit.autoconfigure;

import io.cachekit.autoconfigure.CachekitProperties.BackendType;

/**
 * Matches when the properties choose the file store: see {@link BackendSelection}.
 */
class OnFileBackendCondition extends OnBackendCondition {

	OnFileBackendCondition() {
		super(BackendType.FILE);
	}

}
