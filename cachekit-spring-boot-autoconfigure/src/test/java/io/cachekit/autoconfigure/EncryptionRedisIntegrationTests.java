package io.cachekit.autoconfigure;

import java.util.List;

import io.cachekit.test.TestServer;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link EncryptionContract} against a real Redis.
 */
class EncryptionRedisIntegrationTests extends EncryptionContract {

	@RegisterExtension
	static final TestServer redis = TestServer.redis();

	@Override
	List<String> serverProperties(String keyPrefix) {
		return List.of("cachekit.redis.url=redis://" + redis.address(), "cachekit.redis.key-prefix=" + keyPrefix);
	}

}
