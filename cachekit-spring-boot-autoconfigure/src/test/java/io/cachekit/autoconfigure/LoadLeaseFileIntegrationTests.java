package io.cachekit.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LoadLeaseContract} on the file store: two instances on one directory.
 */
class LoadLeaseFileIntegrationTests extends LoadLeaseContract {

	@TempDir
	Path directory;

	@Override
	String[] backendProperties() {
		return new String[] { "cachekit.file.directory=" + this.directory };
	}

	@Override
	Duration expiryGranularity() {
		return Duration.ZERO;
	}

	@Override
	String backendName() {
		return "the file store";
	}

}
