package io.cachekit.spring;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.cachekit.backend.Backend;
import io.cachekit.backend.file.FileBackend;
import io.cachekit.backend.file.FileBackendConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Spring's cache contract over a {@link CachekitCache} with L1 in front of the file store
 * as L2. {@link CachekitCacheFileL2OnlyIntegrationTests} runs it without L1.
 */
class CachekitCacheFileIntegrationTests extends CachekitCacheContract {

	private static FileBackend backend;

	@BeforeAll
	static void open() throws IOException {
		Path directory = Files.createTempDirectory("cachekit-cache-contract-");
		backend = FileBackend.create(FileBackendConfig.builder().directory(directory).build());
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
