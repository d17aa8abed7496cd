package io.cachekit.autoconfigure;

import java.time.Duration;

import io.cachekit.test.TestServer;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link LoadLeaseContract} on a real memcached.
 */
class LoadLeaseMemcachedIntegrationTests extends LoadLeaseContract {

	@RegisterExtension
	static final TestServer memcached = TestServer.memcached();

	@Override
	String[] backendProperties() {
		return new String[] { "cachekit.memcached.servers=" + memcached.address() };
	}

	@Override
	Duration expiryGranularity() {
		// memcached counts TTLs in whole seconds on a clock that ticks once a second.
		return Duration.ofSeconds(1);
	}

	@Override
	Duration shortLeaseTtl() {
		// A one-second lease may end at once: memcached's clock ticks once a second.
		return Duration.ofSeconds(2);
	}

	@Override
	String backendName() {
		return "memcached";
	}

}
