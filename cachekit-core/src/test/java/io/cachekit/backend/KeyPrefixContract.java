package io.cachekit.backend;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for a backend whose configuration has a key prefix, to implement next to
 * {@link BackendContract}: backends that share a store stay apart, and the prefix is
 * really put before every key in the store.
 */
public interface KeyPrefixContract {

	/**
	 * Creates a backend on the store under test with the given key prefix.
	 * @param prefix the key prefix, possibly empty
	 * @return a new backend; the test closes it when it is {@link AutoCloseable}
	 */
	Backend backendWithKeyPrefix(String prefix);

	@Test
	default void prefixesIsolateBackendsSharingAStore() throws Exception {
		String key = uniqueKey();
		Backend first = backendWithKeyPrefix("app1:");
		Backend second = backendWithKeyPrefix("app2:");
		try {
			first.set(key, utf8("one"), null);
			second.set(key, utf8("two"), null);
			assertThat(first.get(key)).isEqualTo(utf8("one"));
			assertThat(second.get(key)).isEqualTo(utf8("two"));
			assertThat(first.delete(key)).isTrue();
			assertThat(first.get(key)).isNull();
			assertThat(second.get(key)).isEqualTo(utf8("two"));
		}
		finally {
			closeIfCloseable(first);
			closeIfCloseable(second);
		}
	}

	@Test
	default void prefixIsPutBeforeTheKeyInTheStore() throws Exception {
		String key = uniqueKey();
		Backend prefixed = backendWithKeyPrefix("app1:");
		Backend unprefixed = backendWithKeyPrefix("");
		try {
			prefixed.set(key, utf8("one"), null);
			assertThat(unprefixed.get("app1:" + key)).isEqualTo(utf8("one"));
			assertThat(unprefixed.get(key)).isNull();
			for (Increment counter : prefixed.capability(Increment.class).stream().toList()) {
				counter.increment(key + ":n", 1, 7, null);
				assertThat(unprefixed.get("app1:" + key + ":n")).isEqualTo(utf8("7"));
			}
		}
		finally {
			closeIfCloseable(prefixed);
			closeIfCloseable(unprefixed);
		}
	}

	private static String uniqueKey() {
		return "prefix-contract:" + UUID.randomUUID();
	}

	private static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * Closes a backend that holds resources.
	 * @param backend the backend
	 * @throws Exception what closing threw
	 */
	static void closeIfCloseable(Backend backend) throws Exception {
		if (backend instanceof AutoCloseable closeable) {
			closeable.close();
		}
	}

}
