package io.cachekit.autoconfigure;

import java.util.List;

import io.cachekit.test.TestServer;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link EncryptionContract} against a real memcached.
 */
class EncryptionMemcachedIntegrationTests extends EncryptionContract {

	@RegisterExtension
	static final TestServer memcached = TestServer.memcached();

	@Override
	List<String> serverProperties(String keyPrefix) {
		return List.of("cachekit.memcached.servers=" + memcached.address(),
				"cachekit.memcached.key-prefix=" + keyPrefix);
	}

}
