package io.cachekit.autoconfigure;

import java.time.Duration;

import io.cachekit.test.TestServer;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link CoherenceContract} on a real redis-server: changes are pushed over pub/sub and
 * applied at once; the journal stays behind them for lost messages.
 */
class RedisCoherenceIntegrationTests extends CoherenceContract {

	@RegisterExtension
	static final TestServer redis = TestServer.redis();

	@Override
	String backendProperty() {
		return "cachekit.redis.url=redis://" + redis.address();
	}

	@Override
	String backendName() {
		return "redis";
	}

	@Override
	Duration staleness() {
		return Duration.ofMillis(250);
	}

	@Override
	int requestsPerRefresh() {
		return 1;
	}

	@Override
	boolean pushes() {
		return true;
	}

}
