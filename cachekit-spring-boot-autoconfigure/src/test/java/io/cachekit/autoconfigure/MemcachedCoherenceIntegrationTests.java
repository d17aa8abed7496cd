package io.cachekit.autoconfigure;

import java.time.Duration;

import io.cachekit.test.TestServer;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link CoherenceContract} on a real memcached: no pub/sub, so changes travel through
 * the invalidation journal, read once per refresh interval (1 s by default).
 */
class MemcachedCoherenceIntegrationTests extends CoherenceContract {

	@RegisterExtension
	static final TestServer memcached = TestServer.memcached();

	@Override
	String backendProperty() {
		return "cachekit.memcached.servers=" + memcached.address();
	}

	@Override
	String backendName() {
		return "memcached";
	}

	@Override
	Duration staleness() {
		return Duration.ofMillis(1500);
	}

	@Override
	int requestsPerRefresh() {
		return 1;
	}

}
