package io.cachekit.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

import io.cachekit.backend.memcached.MemcachedBackend;
import io.cachekit.backend.memcached.MemcachedConfig;
import io.cachekit.spring.CachekitCache;
import io.cachekit.spring.CachekitCacheManager;
import io.cachekit.test.TestServer;
import io.cachekit.tier.CacheConfiguration;
import io.cachekit.tier.Tier;
import io.cachekit.tier.TierStatistics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Entries damaged or moved in a real memcached, written from outside through the backend
 * under the application's own keys: a {@code @Cacheable} method runs instead of returning
 * a wrong value, and the bad entry is gone from L2 afterwards.
 */
class EnvelopeIntegrityIntegrationTests {

	@RegisterExtension
	static final TestServer memcached = TestServer.memcached();

	private static MemcachedBackend backend;

	private AnnotationConfigApplicationContext context;

	private BookService books;

	private CachekitCacheManager cacheManager;

	@BeforeAll
	static void connect() {
		backend = MemcachedBackend
			.create(MemcachedConfig.builder().servers(memcached.address()).keyPrefix("shop:").build());
	}

	@AfterAll
	static void close() {
		backend.close();
	}

	@BeforeEach
	void start() {
		this.cacheManager = CachekitCacheManager.builder(backend, MessagePackCodec.withDefaults())
			.defaults(CacheConfiguration.defaults().withL1Enabled(false))
			.build();
		this.context = new AnnotationConfigApplicationContext();
		this.context.registerBean("cacheManager", CacheManager.class, () -> this.cacheManager);
		this.context.register(CachingConfiguration.class, BookService.class);
		this.context.refresh();
		this.books = this.context.getBean(BookService.class);
		cache("books").clear();
		cache("authors").clear();
	}

	@AfterEach
	void stop() {
		this.context.close();
		this.cacheManager.close();
	}

	@Test
	void entryWithAFlippedBitAtAnyPositionIsAMissTheMethodRunsAndTheEntryIsGone() {
		String first = this.books.title(1);
		String key = entryKey("books", 1);
		byte[] entry = stored(key);
		assertThat(this.books.title(1)).isEqualTo(first);
		int positions = entry.length * 8;
		int wrongValues = 0;
		for (int bit = 0; bit < positions; bit++) {
			byte[] flipped = entry.clone();
			flipped[bit / 8] ^= (byte) (1 << (bit % 8));
			backend.set(key, flipped, null);
			int calls = this.books.calls();
			String title = this.books.title(1);
			if (this.books.calls() != calls + 1 || !title.equals(this.books.last())) {
				wrongValues++;
			}
			byte[] after = stored(key);
			assertThat(after).as("bit %d", bit).isNotEqualTo(flipped);
			assertThat(MessagePackCodec.withDefaults().decode(after, key).value()).as("bit %d", bit).isEqualTo(title);
		}
		TierStatistics l2 = cache("books").getNativeCache().statistics(Tier.L2);
		long refused = 0;
		for (CodecException.Kind kind : CodecException.Kind.values()) {
			refused += l2.codecErrorCount(kind);
		}
		System.out.println("[figure] memcached entry with one flipped bit served as a value: " + wrongValues + " of "
				+ positions + " positions; refused and deleted: " + refused);
		assertThat(wrongValues).isZero();
		assertThat(refused).isEqualTo(positions);
	}

	@Test
	void entryCopiedFromAnotherKeyIsAMissTheMethodRunsAndTheEntryIsGone() {
		String own = this.books.title(1);
		this.books.title(2);
		byte[] other = stored(entryKey("books", 2));
		backend.set(entryKey("books", 1), other, null);
		assertServedFresh(1, own, other);
	}

	@Test
	void entryCopiedFromAnotherCacheIsAMissTheMethodRunsAndTheEntryIsGone() {
		String own = this.books.title(1);
		this.books.author(1);
		byte[] other = stored(entryKey("authors", 1));
		backend.set(entryKey("books", 1), other, null);
		assertServedFresh(1, own, other);
	}

	@Test
	void entryOfAnEarlierGenerationCopiedIntoTheCurrentOneIsAMissTheMethodRunsAndTheEntryIsGone() {
		String before = this.books.title(1);
		byte[] earlier = stored(entryKey("books", 1));
		cache("books").clear();
		backend.set(entryKey("books", 1), earlier, null);
		assertServedFresh(1, before, earlier);
	}

	@Test
	void entryOfEnvelopeVersion1IsAMissTheMethodRunsAndTheEntryIsReplaced() {
		String before = this.books.title(1);
		String key = entryKey("books", 1);
		// Version 1 had the same header and payload, and no checks.
		byte[] current = stored(key);
		byte[] version1 = Arrays.copyOf(current, current.length - 8);
		version1[2] = 1;
		backend.set(key, version1, null);
		TierStatistics l2 = cache("books").getNativeCache().statistics(Tier.L2);
		long unknown = l2.codecErrorCount(CodecException.Kind.UNKNOWN_FORMAT);
		int calls = this.books.calls();
		String title = this.books.title(1);
		assertThat(this.books.calls()).isEqualTo(calls + 1);
		assertThat(title).isNotEqualTo(before);
		assertThat(stored(key)[2]).isEqualTo((byte) 2);
		assertThat(l2.codecErrorCount(CodecException.Kind.UNKNOWN_FORMAT)).isEqualTo(unknown + 1);
	}

	private void assertServedFresh(long id, String stale, byte[] planted) {
		long misplaced = cache("books").getNativeCache()
			.statistics(Tier.L2)
			.codecErrorCount(CodecException.Kind.MISPLACED);
		int calls = this.books.calls();
		String title = this.books.title(id);
		assertThat(this.books.calls()).isEqualTo(calls + 1);
		assertThat(title).isEqualTo(this.books.last()).isNotEqualTo(stale);
		byte[] after = stored(entryKey("books", id));
		assertThat(after).isNotEqualTo(planted);
		assertThat(MessagePackCodec.withDefaults().decode(after, entryKey("books", id)).value()).isEqualTo(title);
		assertThat(cache("books").getNativeCache().statistics(Tier.L2).codecErrorCount(CodecException.Kind.MISPLACED))
			.isEqualTo(misplaced + 1);
		assertThat(this.books.title(id)).isEqualTo(title);
		assertThat(this.books.calls()).isEqualTo(calls + 1);
	}

	private CachekitCache cache(String name) {
		return (CachekitCache) Objects.requireNonNull(this.cacheManager.getCache(name), name);
	}

	private static byte[] stored(String key) {
		byte[] bytes = backend.get(key);
		assertThat(bytes).as("L2 entry %s", key).isNotNull();
		return Objects.requireNonNull(bytes);
	}

	/**
	 * Returns the L2 key the cache gives the backend, {@code <cache>:<generation>:<key>},
	 * with the generation the cache keeps in memcached.
	 */
	private static String entryKey(String cacheName, long id) {
		byte[] generation = stored(cacheName + ":generation");
		return cacheName + ':' + new String(generation, StandardCharsets.US_ASCII).strip() + ':' + id;
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class CachingConfiguration {

	}

	static class BookService {

		private final AtomicInteger calls = new AtomicInteger();

		private volatile String last = "";

		@Cacheable("books")
		public String title(long id) {
			this.last = "title of " + id + " #" + this.calls.incrementAndGet();
			return this.last;
		}

		@Cacheable("authors")
		public String author(long id) {
			this.last = "author of " + id + " #" + this.calls.incrementAndGet();
			return this.last;
		}

		int calls() {
			return this.calls.get();
		}

		String last() {
			return this.last;
		}

	}

}
