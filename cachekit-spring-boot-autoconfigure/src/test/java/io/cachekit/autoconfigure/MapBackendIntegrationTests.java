package io.cachekit.autoconfigure;

import java.util.Set;

import io.cachekit.backend.Backend;
import io.cachekit.backend.BackendContract;

/**
 * The backend contract from cachekit-core's test-jar run against an application's own
 * backend, the way the README tells custom backend authors to.
 */
class MapBackendIntegrationTests extends BackendContract {

	@Override
	protected Backend createBackend() {
		return new MapBackend();
	}

	@Override
	protected String expectedBackendType() {
		return "map";
	}

	@Override
	protected Set<Class<?>> expectedCapabilities() {
		return Set.of();
	}

}
