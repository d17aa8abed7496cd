package io.cachekit.autoconfigure.service;

import java.nio.charset.StandardCharsets;

import io.cachekit.backend.Backend;
import io.cachekit.codec.ValueCodec;
import io.cachekit.spring.CachekitCacheManager;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.cache.Cache;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Proves that an application context's cachekit reaches its L2 server: a value put
 * through the cache is read back from L2 through the backend bean (a get through the
 * cache is served by L1 and would pass with L2 unreachable), and the backend is healthy.
 */
final class RoundTrip {

	private RoundTrip() {
	}

	static void assertStoredInL2(AssertableApplicationContext context) {
		Cache cache = context.getBean(CachekitCacheManager.class).getCache("books");
		cache.put("k", "value");
		assertThat(cache.get("k", String.class)).isEqualTo("value");
		Backend backend = context.getBean(Backend.class);
		byte[] generation = backend.get("books:generation");
		assertThat(generation).as("generation of books in L2").isNotNull();
		String key = "books:" + new String(generation, StandardCharsets.US_ASCII).strip() + ":k";
		byte[] entry = backend.get(key);
		assertThat(entry).as("L2 entry %s", key).isNotNull();
		assertThat(context.getBean(ValueCodec.class).decode(entry, key).value()).isEqualTo("value");
		assertThat(backend.health().healthy()).as("backend health").isTrue();
	}

}
