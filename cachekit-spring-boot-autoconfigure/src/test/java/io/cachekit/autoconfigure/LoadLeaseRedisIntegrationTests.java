package io.cachekit.autoconfigure;

import java.time.Duration;

import io.cachekit.test.TestServer;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link LoadLeaseContract} on a real redis-server.
 */
class LoadLeaseRedisIntegrationTests extends LoadLeaseContract {

	@RegisterExtension
	static final TestServer redis = TestServer.redis();

	@Override
	String[] backendProperties() {
		return new String[] { "cachekit.redis.url=redis://" + redis.address() };
	}

	@Override
	Duration expiryGranularity() {
		return Duration.ZERO;
	}

	@Override
	String backendName() {
		return "Redis";
	}

}
