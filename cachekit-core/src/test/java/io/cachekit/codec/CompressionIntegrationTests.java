package io.cachekit.codec;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

import ch.qos.logback.classic.Level;
import io.cachekit.backend.Backend;
import io.cachekit.backend.CapturedLogs;
import io.cachekit.backend.memcached.MemcachedBackend;
import io.cachekit.backend.memcached.MemcachedConfig;
import io.cachekit.backend.redis.RedisBackend;
import io.cachekit.backend.redis.RedisBackendConfig;
import io.cachekit.codec.fixture.Order;
import io.cachekit.spring.CachekitCache;
import io.cachekit.spring.CachekitCacheManager;
import io.cachekit.test.TestServer;
import io.cachekit.tier.CacheConfiguration;
import io.cachekit.tier.Tier;
import io.cachekit.tier.TierStatistics;
import net.jpountz.lz4.LZ4Factory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Compressed entries in a real memcached and a real Redis: a large value is stored
 * compressed and read back, and a decompression bomb planted from outside under the
 * application's key, with valid checks, is a miss: the {@code @Cacheable} method runs,
 * the entry is replaced, the refusal is counted and logged once.
 */
class CompressionIntegrationTests {

	@RegisterExtension
	static final TestServer memcached = TestServer.memcached();

	@RegisterExtension
	static final TestServer redis = TestServer.redis();

	private static final int THRESHOLD = 1024;

	private static final MessagePackCodec codec = MessagePackCodec.builder()
		.trustedPackages("io.cachekit.codec.fixture")
		.compression(THRESHOLD)
		.build();

	private static final MessagePackCodec uncompressed = MessagePackCodec.builder()
		.trustedPackages("io.cachekit.codec.fixture")
		.build();

	/**
	 * A real LZ4 block of zeros, one byte more than the default max decompressed size:
	 * about 64 KB that would inflate to 16 MiB + 1.
	 */
	private static final byte[] ZEROS_BLOCK = LZ4Factory.safeInstance()
		.fastCompressor()
		.compress(new byte[MessagePackCodec.DEFAULT_MAX_DECOMPRESSED_SIZE + 1]);

	private static MemcachedBackend memcachedBackend;

	private static RedisBackend redisBackend;

	@BeforeAll
	static void connect() {
		memcachedBackend = MemcachedBackend
			.create(MemcachedConfig.builder().servers(memcached.address()).keyPrefix("shop:").build());
		redisBackend = RedisBackend.create(RedisBackendConfig.builder().url("redis://" + redis.address()).build());
	}

	@AfterAll
	static void close() {
		memcachedBackend.close();
		redisBackend.close();
	}

	@ParameterizedTest
	@ValueSource(strings = { "memcached", "redis" })
	void largeValueIsStoredCompressedSmallerThanItsPayloadAndReadBack(String server) {
		try (Application app = new Application(backend(server))) {
			List<Order> orders = app.service.orders(1);
			String key = app.entryKey(1);
			byte[] stored = app.stored(key);
			int payload = uncompressed.encode(orders, null, key).length - MessagePackCodec.HEADER_LENGTH
					- EnvelopeChecks.LENGTH;
			assertThat(stored[4] & MessagePackCodec.FLAG_COMPRESSED).isNotZero();
			assertThat(stored.length).isLessThan(payload);
			assertThat(app.service.orders(1)).isEqualTo(orders);
			assertThat(app.service.calls()).isEqualTo(1);
			System.out.println("[figure] " + server + ": " + orders.size() + " orders, payload " + payload
					+ " bytes, stored compressed in " + stored.length + " bytes");
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "memcached", "redis" })
	void plantedBombsWithValidChecksAreMissesTheMethodRunsCountedAndLoggedOnce(String server) {
		try (Application app = new Application(backend(server));
				CapturedLogs logs = CapturedLogs.of("io.cachekit.tier")) {
			app.service.orders(1);
			String key = app.entryKey(1);
			byte[] real = app.stored(key);
			List<byte[]> bombs = List.of(bomb(key), restated(real, real.length * 1000, key));
			TierStatistics l2 = app.cache().getNativeCache().statistics(Tier.L2);
			long corrupt = l2.codecErrorCount(CodecException.Kind.CORRUPT);
			for (byte[] bomb : bombs) {
				app.backend.set(key, bomb, null);
				int calls = app.service.calls();
				List<Order> read = app.service.orders(1);
				assertThat(app.service.calls()).isEqualTo(calls + 1);
				assertThat(read).isEqualTo(app.service.last());
				assertThat(codec.decode(app.stored(key), key).value()).isEqualTo(read);
			}
			assertThat(l2.codecErrorCount(CodecException.Kind.CORRUPT)).isEqualTo(corrupt + bombs.size());
			List<String> warnings = logs.messages(Level.WARN)
				.stream()
				.filter((message) -> message.contains("unreadable L2 entry (CORRUPT)"))
				.toList();
			assertThat(warnings).hasSize(1);
			assertThat(warnings.get(0)).contains("more than the max decompressed size");
			System.out.println("[figure] " + server + ": planted decompression bombs served as a value: 0 of "
					+ bombs.size() + "; refused as CORRUPT, deleted and replaced: "
					+ (l2.codecErrorCount(CodecException.Kind.CORRUPT) - corrupt) + "; warnings logged: "
					+ warnings.size() + " (first block " + bombs.get(0).length + " bytes claiming "
					+ (MessagePackCodec.DEFAULT_MAX_DECOMPRESSED_SIZE + 1) + ")");
		}
	}

	private static Backend backend(String server) {
		return "redis".equals(server) ? redisBackend : memcachedBackend;
	}

	/**
	 * The block of zeros in an envelope with valid checks for a key: a bomb of about 64
	 * KB that would inflate past the max decompressed size.
	 */
	private static byte[] bomb(String key) {
		ByteBuffer envelope = ByteBuffer.allocate(MessagePackCodec.HEADER_LENGTH + 4 + ZEROS_BLOCK.length + 8);
		envelope.put(MessagePackCodecEnvelopeTests.header(MessagePackCodec.FLAG_COMPRESSED))
			.putInt(MessagePackCodec.DEFAULT_MAX_DECOMPRESSED_SIZE + 1)
			.put(ZEROS_BLOCK);
		byte[] bytes = envelope.array();
		EnvelopeChecks.seal(bytes, key);
		return bytes;
	}

	/**
	 * A real compressed entry that states another uncompressed length, with valid checks.
	 */
	private static byte[] restated(byte[] entry, int stated, String key) {
		byte[] forged = entry.clone();
		ByteBuffer.wrap(forged, MessagePackCodec.HEADER_LENGTH, 4).putInt(stated);
		EnvelopeChecks.seal(forged, key);
		return forged;
	}

	/**
	 * A Spring application with one {@code @Cacheable} service over a backend, L1 off so
	 * that every read goes to L2.
	 */
	static final class Application implements AutoCloseable {

		final Backend backend;

		final CachekitCacheManager cacheManager;

		final AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();

		final OrderService service;

		Application(Backend backend) {
			this.backend = backend;
			this.cacheManager = CachekitCacheManager.builder(backend, codec)
				.defaults(CacheConfiguration.defaults().withL1Enabled(false))
				.build();
			this.context.registerBean("cacheManager", CacheManager.class, () -> this.cacheManager);
			this.context.register(CachingConfiguration.class, OrderService.class);
			this.context.refresh();
			this.service = this.context.getBean(OrderService.class);
			cache().clear();
		}

		CachekitCache cache() {
			return (CachekitCache) Objects.requireNonNull(this.cacheManager.getCache("orders"));
		}

		byte[] stored(String key) {
			byte[] bytes = this.backend.get(key);
			assertThat(bytes).as("L2 entry %s", key).isNotNull();
			return Objects.requireNonNull(bytes);
		}

		/**
		 * Returns the L2 key the cache gives the backend, with the generation it keeps in
		 * L2.
		 */
		String entryKey(long id) {
			String generation = new String(stored("orders:generation"), StandardCharsets.US_ASCII).strip();
			return "orders:" + generation + ":" + id;
		}

		@Override
		public void close() {
			this.context.close();
			this.cacheManager.close();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class CachingConfiguration {

	}

	static class OrderService {

		private final AtomicInteger calls = new AtomicInteger();

		private volatile List<Order> last = List.of();

		@Cacheable("orders")
		public List<Order> orders(long customer) {
			int call = this.calls.incrementAndGet();
			List<Order> orders = new ArrayList<>();
			for (int i = 0; i < 40; i++) {
				orders.add(MessagePackCodecCompressionTests.order((int) customer * 1000 + call * 100 + i));
			}
			this.last = orders;
			return orders;
		}

		int calls() {
			return this.calls.get();
		}

		List<Order> last() {
			return this.last;
		}

	}

}
