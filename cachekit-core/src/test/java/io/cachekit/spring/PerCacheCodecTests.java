package io.cachekit.spring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.cachekit.codec.CodecException;
import io.cachekit.codec.EncryptionKey;
import io.cachekit.codec.MessagePackCodec;
import io.cachekit.codec.ValueCodec;
import io.cachekit.test.InMemoryBackend;
import io.cachekit.tier.CacheIntegrityException;
import io.cachekit.tier.FailMode;
import org.junit.jupiter.api.Test;

import org.springframework.cache.Cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A {@link CachekitCacheManager} with a codec per cache and a fail mode.
 */
class PerCacheCodecTests {

	private static final EncryptionKey KEY = EncryptionKey.of(new byte[32]);

	private final InMemoryBackend backend = InMemoryBackend.create();

	@Test
	void eachCacheGetsTheCodecTheFunctionAnswersForItsName() {
		List<String> asked = new ArrayList<>();
		CachekitCacheManager manager = CachekitCacheManager.builder(this.backend, MessagePackCodec.withDefaults())
			.codecs((name) -> {
				asked.add(name);
				return encrypting(name);
			})
			.build();
		manager.getCache("books").put("k", "v");
		manager.getCache("authors").put("k", "v");
		assertThat(asked).containsExactly("books", "authors");
		assertThat(manager.getCache("books").get("k").get()).isEqualTo("v");
		CachekitCacheManager plain = CachekitCacheManager.builder(this.backend, encrypting("books")).build();
		// The authors cache's entry is not readable with the books cache's key.
		assertThat(plain.getCache("books").get("k")).isNotNull();
		assertThat(plain.getCache("authors").get("k")).isNull();
		assertThat(((CachekitCache) plain.getCache("authors")).getNativeCache()
			.statistics()
			.codecErrorCount(CodecException.Kind.UNDECRYPTABLE)).isEqualTo(1);
	}

	@Test
	void closedFailModeReachesTheCallerOfGetWithALoaderUnwrapped() {
		CachekitCacheManager.builder(this.backend, MessagePackCodec.withDefaults())
			.build()
			.getCache("books")
			.put("k", "planted");
		Cache cache = CachekitCacheManager.builder(this.backend, encrypting("books"))
			.failMode(FailMode.CLOSED)
			.build()
			.getCache("books");
		assertThatExceptionOfType(CacheIntegrityException.class).isThrownBy(() -> cache.get("k", () -> "loaded"))
			.satisfies((ex) -> assertThat(ex.getKind()).isEqualTo(CodecException.Kind.UNENCRYPTED));
		assertThat(cache.get("k", () -> "loaded")).isEqualTo("loaded");
	}

	@Test
	void closedFailModeReachesTheCallerOfGet() {
		CachekitCacheManager.builder(this.backend, MessagePackCodec.withDefaults())
			.build()
			.getCache("books")
			.put("k", "planted");
		Cache cache = CachekitCacheManager.builder(this.backend, encrypting("books"))
			.failMode(FailMode.CLOSED)
			.build()
			.getCache("books");
		assertThatExceptionOfType(CacheIntegrityException.class).isThrownBy(() -> cache.get("k"));
		assertThat(cache.get("k")).isNull();
	}

	@Test
	void closedFailModeFailsTheFutureOfRetrieve() {
		CachekitCacheManager.builder(this.backend, MessagePackCodec.withDefaults())
			.build()
			.getCache("books")
			.put("k", "planted");
		Cache cache = CachekitCacheManager.builder(this.backend, encrypting("books"))
			.failMode(FailMode.CLOSED)
			.build()
			.getCache("books");
		// What Spring's interceptor hands its CacheErrorHandler: the future's own
		// throwable, not one wrapped in a CompletionException.
		assertThat(cache.retrieve("k").handle((value, ex) -> ex)).succeedsWithin(Duration.ofSeconds(5))
			.isInstanceOf(CacheIntegrityException.class);
		assertThat(cache.retrieve("k")).succeedsWithin(Duration.ofSeconds(5)).isNull();
	}

	@Test
	void closedFailModeFailsTheFutureOfRetrieveWithALoaderUnwrapped() {
		CachekitCacheManager.builder(this.backend, MessagePackCodec.withDefaults())
			.build()
			.getCache("books")
			.put("k", "planted");
		Cache cache = CachekitCacheManager.builder(this.backend, encrypting("books"))
			.failMode(FailMode.CLOSED)
			.build()
			.getCache("books");
		assertThat(cache.retrieve("k", () -> CompletableFuture.completedFuture("loaded")).handle((value, ex) -> ex))
			.succeedsWithin(Duration.ofSeconds(5))
			.isInstanceOf(CacheIntegrityException.class);
		assertThat(cache.retrieve("k", () -> CompletableFuture.completedFuture("loaded")))
			.succeedsWithin(Duration.ofSeconds(5))
			.isEqualTo("loaded");
	}

	private static ValueCodec encrypting(String name) {
		return MessagePackCodec.builder().encryption(name, KEY, List.of()).build();
	}

}
