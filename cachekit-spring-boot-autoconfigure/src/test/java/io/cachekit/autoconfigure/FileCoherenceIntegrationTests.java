package io.cachekit.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CoherenceContract} on the file store, two instances sharing one directory:
 * changes travel through the invalidation journal, read once per refresh interval (1 s by
 * default) with two reads, since the file store has no bulk get.
 */
class FileCoherenceIntegrationTests extends CoherenceContract {

	@TempDir
	static Path directory;

	@Override
	String backendProperty() {
		return "cachekit.file.directory=" + directory;
	}

	@Override
	String backendName() {
		return "file";
	}

	@Override
	Duration staleness() {
		return Duration.ofMillis(1500);
	}

	@Override
	int requestsPerRefresh() {
		return 2;
	}

}
