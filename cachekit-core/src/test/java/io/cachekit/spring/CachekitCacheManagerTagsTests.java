package io.cachekit.spring;

import java.util.List;

import io.cachekit.backend.BulkGet;
import io.cachekit.codec.MessagePackCodec;
import io.cachekit.test.InMemoryBackend;
import io.cachekit.test.ManualTime;
import org.junit.jupiter.api.Test;

import org.springframework.cache.Cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * {@link CachekitCacheManager#evictTag(String)}: the caches of a manager share their
 * tags, and a tag evicted through one manager is evicted in the caches of every manager
 * over the same backend.
 */
class CachekitCacheManagerTagsTests {

	private final ManualTime time = new ManualTime();

	private final InMemoryBackend backend = InMemoryBackend.create(this.time);

	private CachekitCacheManager manager(InMemoryBackend backend) {
		return CachekitCacheManager.builder(backend, MessagePackCodec.withDefaults())
			.time(this.time, this.time)
			.build();
	}

	@Test
	void aTagEvictedThroughAnyManagerIsEvictedInEveryCacheOfEvery() {
		CachekitCacheManager a = manager(this.backend);
		CachekitCacheManager b = manager(this.backend);
		cache(a, "users").put("42", "alice", List.of("user:42"));
		cache(a, "orders").put("o-1", "book", List.of("user:42"));
		cache(a, "orders").put("o-2", "pen", List.of("user:43"));
		assertThat(cache(b, "users").get("42")).isNotNull();
		b.evictTag("user:42");
		assertThat(cache(a, "users").get("42")).isNull();
		assertThat(cache(a, "orders").get("o-1")).isNull();
		assertThat(cache(b, "users").get("42")).isNull();
		assertThat(cache(a, "orders").get("o-2")).isNotNull();
	}

	@Test
	void tagsWorkWithL1OnlyCaches() {
		CachekitCacheManager local = CachekitCacheManager.builder(null, MessagePackCodec.withDefaults())
			.time(this.time, this.time)
			.build();
		cache(local, "users").put("42", "alice", List.of("user:42"));
		cache(local, "users").put("43", "bob", List.of("user:43"));
		local.evictTag("user:42");
		assertThat(cache(local, "users").get("42")).isNull();
		assertThat(cache(local, "users").get("43")).isNotNull();
	}

	@Test
	void aBadTagIsRefusedWithItsReason() {
		CachekitCacheManager manager = manager(this.backend);
		assertThatIllegalArgumentException().isThrownBy(() -> manager.evictTag("user 42"))
			.withMessageContaining("whitespace");
	}

	@Test
	void withoutCountersThereAreNoTags() {
		CachekitCacheManager manager = manager(InMemoryBackend.withCapabilities(this.time, BulkGet.class));
		assertThat(manager.getTags()).isEmpty();
		assertThatIllegalStateException().isThrownBy(() -> manager.evictTag("user:42"))
			.withMessageContaining("Increment");
	}

	@Test
	void closingTheManagerEndsItsSubscriptionToPushedEvictions() {
		CachekitCacheManager manager = manager(this.backend);
		assertThat(this.backend.subscriptions("cachekit:tags")).isEqualTo(1);
		manager.close();
		assertThat(this.backend.subscriptions("cachekit:tags")).isZero();
	}

	private static CachekitCache cache(CachekitCacheManager manager, String name) {
		Cache cache = manager.getCache(name);
		assertThat(cache).isInstanceOf(CachekitCache.class);
		return (CachekitCache) cache;
	}

}
