package io.cachekit.autoconfigure;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import io.cachekit.autoconfigure.fixture.BadValues;
import io.cachekit.autoconfigure.fixture.Order;
import io.cachekit.backend.Backend;
import io.cachekit.backend.memcached.MemcachedBackend;
import io.cachekit.backend.redis.RedisBackend;
import io.cachekit.codec.CodecException;
import io.cachekit.codec.EncryptionKey;
import io.cachekit.codec.MessagePackCodec;
import io.cachekit.codec.ValueCodec;
import io.cachekit.test.RawMemcached;
import io.cachekit.test.RawRedis;
import io.cachekit.test.TestServer;
import io.cachekit.tier.CacheConfiguration;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bad-input catalogue: every kind of bad key, value, TTL and L2 content a user or a
 * shared store can hand cachekit, one named row each, through {@code @Cacheable} on a
 * bean of an application context with cachekit auto-configured, over a real memcached and
 * a real Redis, with L1 on and off.
 *
 * <p>
 * For every row nothing reaches the caller, every answer is the method's own (never
 * another key's, a wrong or a stale value) and the event is counted where cachekit counts
 * it. Afterwards memcached's {@code stats} show no command the test cannot explain (no
 * {@code flush_all}, no {@code touch}, as many sets as cachekit and the test sent) and
 * Redis's {@code commandstats} no command outside cachekit's list, and the entries of
 * another application, written before the rows, are byte-identical.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputCatalogueIntegrationTests {

	@RegisterExtension
	static final TestServer memcached = TestServer.memcached();

	@RegisterExtension
	static final TestServer redis = TestServer.redis();

	private static final String THIRTY_DAYS_MINUS_ONE_SECOND = "ttl-30d-minus-1s";

	private static final String THIRTY_DAYS_PLUS_ONE_SECOND = "ttl-30d-plus-1s";

	private static final String NO_EXPIRY = "ttl-zero";

	private static final String LONGEST = "ttl-longest";

	private static final Duration LONGEST_DURATION = Duration.ofSeconds(Long.MAX_VALUE, 999_999_999);

	/**
	 * Redis commands cachekit sends (the ones its counter script runs included), and the
	 * ones this test sends itself.
	 */
	private static final List<String> EXPLAINED_REDIS_COMMANDS = List.of("get", "set", "del", "exists", "mget",
			"evalsha", "eval", "incrby", "pexpire", "publish", "subscribe", "ping", "hello", "info", "pttl");

	/** The cache that encrypts; the others do not. */
	private static final String SEALED = "sealed";

	private static final String SEALED_KEY = "hex:" + "5eed".repeat(16);

	/** The codec another instance with the same key uses for {@link #SEALED}. */
	private static final MessagePackCodec SEALED_CODEC = MessagePackCodec.builder()
		.trustedPackages("io.cachekit.autoconfigure.fixture")
		.encryption(SEALED, EncryptionKey.parse(SEALED_KEY), List.of())
		.build();

	private static final List<Stand> stands = new ArrayList<>();

	private static final Map<String, byte[]> unrelated = new LinkedHashMap<>();

	private static RawMemcached rawMemcached;

	private static RawRedis rawRedis;

	@BeforeAll
	static void start() {
		rawMemcached = RawMemcached.connect(memcached.address());
		rawRedis = RawRedis.connect(redis.address());
		writeUnrelatedEntries();
		for (Store store : Store.values()) {
			stands.add(Stand.start(store, true));
			stands.add(Stand.start(store, false));
		}
	}

	@AfterAll
	static void stop() {
		stands.forEach(Stand::close);
		rawMemcached.close();
		rawRedis.close();
	}

	@TestFactory
	@org.junit.jupiter.api.Order(1)
	Stream<DynamicNode> keys() {
		return everyStand((stand) -> Stream.of(keyRow(stand, "empty", ""), keyRow(stand, "250 bytes", "k".repeat(250)),
				keyRow(stand, "251 bytes", "k".repeat(251)), keyRow(stand, "10,000 bytes", "k".repeat(10_000)),
				keyRow(stand, "space", "a b"), keyRow(stand, "what a space maps to in memcached", "a_b"),
				keyRow(stand, "tab", "a\tb"), keyRow(stand, "CR LF", "a\r\nb"), keyRow(stand, "NUL", "a\0b"),
				keyRow(stand, "non-ASCII", "ключ-キー-\uD83D\uDD11"), keyRow(stand, "unpaired surrogate", "a\uD800b"),
				keyRow(stand, "what an unpaired surrogate becomes in UTF-8", "a?b"),
				keyRow(stand, "toString of 1 MiB", new HugeKey(1 << 20)),
				unusableKeyRow(stand, "toString that throws", new ThrowingKey()),
				unusableKeyRow(stand, "toString that answers null", new NullKey())));
	}

	@TestFactory
	@org.junit.jupiter.api.Order(2)
	Stream<DynamicNode> values() {
		return everyStand((stand) -> Stream.of(valueRow(stand, "null", Cached.YES, () -> null),
				valueRow(stand, "empty string", Cached.YES, () -> ""),
				valueRow(stand, "empty list", Cached.YES, ArrayList::new),
				valueRow(stand, "entry of the L2 limit minus one byte", Cached.YES,
						() -> textOfEntrySize(stand, stand.l2Limit() - 1)),
				valueRow(stand, "entry of the L2 limit plus one byte", Cached.REFUSED,
						() -> textOfEntrySize(stand, stand.l2Limit() + 1)),
				valueRow(stand, "10 MiB", (stand.store == Store.MEMCACHED) ? Cached.REFUSED : Cached.YES,
						() -> "v".repeat(10 << 20)),
				valueRow(stand, "unserialisable", Cached.UNSERIALIZABLE, BadValues.FailingGetter::new),
				valueRow(stand, "cyclic", Cached.UNSERIALIZABLE, BadValues::cycle)));
	}

	@TestFactory
	@org.junit.jupiter.api.Order(3)
	Stream<DynamicNode> ttls() {
		return everyStand((stand) -> Stream.of(
				ttlRow(stand, "zero: no expiry", NO_EXPIRY, CatalogueService::noExpiry, null, null),
				ttlRow(stand, "30 days minus one second", THIRTY_DAYS_MINUS_ONE_SECOND,
						CatalogueService::thirtyDaysMinusOneSecond, Duration.ofDays(30).minusSeconds(1),
						Duration.ofDays(30).minusSeconds(1)),
				ttlRow(stand, "30 days plus one second", THIRTY_DAYS_PLUS_ONE_SECOND,
						CatalogueService::thirtyDaysPlusOneSecond, Duration.ofDays(30),
						Duration.ofDays(30).plusSeconds(1)),
				ttlRow(stand, "Duration at its maximum", LONGEST, CatalogueService::longest, Duration.ofDays(30),
						CacheConfiguration.MAX_TTL)));
	}

	@TestFactory
	@org.junit.jupiter.api.Order(4)
	Stream<DynamicTest> ttlsRefusedAtStartup() {
		ApplicationContextRunner runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(CachekitAutoConfiguration.class, CacheAutoConfiguration.class))
			.withUserConfiguration(CatalogueConfiguration.class);
		return Stream
			.of("cachekit.default-ttl=-1s", "cachekit.caches.orders.ttl=-1s",
					"cachekit.caches.orders.ttl=-PT0.000000001S")
			.map((property) -> DynamicTest.dynamicTest(property,
					() -> runner.withPropertyValues(property)
						.run((context) -> assertThat(context).getFailure()
							.rootCause()
							.isInstanceOf(InvalidConfigurationPropertyValueException.class)
							.hasMessageContaining(property.substring(0, property.indexOf('=')))
							.hasMessageContaining("must not be negative"))));
	}

	@TestFactory
	@org.junit.jupiter.api.Order(5)
	Stream<DynamicNode> bytesInL2() {
		return everyStand((stand) -> Stream.concat(Stream.of(
				bytesRow(stand, "foreign: text", Refusal.CORRUPT,
						(real) -> "not an entry of cachekit".getBytes(StandardCharsets.UTF_8)),
				bytesRow(stand, "foreign: empty", Refusal.CORRUPT, (real) -> new byte[0]),
				bytesRow(stand, "foreign: a Java-serialized HashMap", Refusal.CORRUPT,
						(real) -> javaSerialized(new HashMap<>(Map.of("id", "1")))),
				bytesRow(stand, "truncated by one byte", Refusal.CORRUPT,
						(real) -> Arrays.copyOf(real.bytes(), real.bytes().length - 1)),
				bytesRow(stand, "truncated to its first 4 bytes", Refusal.CORRUPT,
						(real) -> Arrays.copyOf(real.bytes(), 4)),
				bytesRow(stand, "unknown envelope version", Refusal.UNKNOWN_FORMAT, (real) -> {
					byte[] bytes = real.bytes().clone();
					bytes[2] = 9;
					return bytes;
				}), bytesRow(stand, "another key's entry", Refusal.MISPLACED, Real::bytes), anotherTypeRow(stand)),
				tamperedCiphertext(stand)));
	}

	/**
	 * Rows of the encrypted cache {@code sealed}: its real entry, as another instance
	 * with the same key writes it, is served; the same entry with one ciphertext byte
	 * changed and both checks recomputed (someone who can write L2 can compute them), and
	 * a plaintext entry, are refused.
	 */
	private static Stream<DynamicNode> tamperedCiphertext(Stand stand) {
		return Stream.of(
				sealedRow(stand, "encrypted entry written by another instance, untouched", null, (real, key) -> real),
				sealedRow(stand, "tampered ciphertext, checks recomputed", Refusal.UNDECRYPTABLE, (real, key) -> {
					byte[] tampered = real.clone();
					tampered[tampered.length - 8 - 20] ^= 0x10;
					return withRecomputedChecks(tampered, key);
				}), sealedRow(stand, "plaintext entry in an encrypted cache", Refusal.UNENCRYPTED, (real,
						key) -> stand.context.getBean(ValueCodec.class).encode(new Order("planted", 1), null, key)));
	}

	private static DynamicTest sealedRow(Stand stand, String name, @Nullable Refusal refusal,
			java.util.function.BiFunction<byte[], String, byte[]> plant) {
		return DynamicTest.dynamicTest(name, () -> {
			CatalogueService service = stand.service();
			String id = slug(name);
			// The cache's first call creates its generation counter, part of the key.
			service.sealedOrder("first");
			String key = stand.entryKey(SEALED, id);
			Order written = new Order(id, -1);
			stand.writeRaw(key, plant.apply(SEALED_CODEC.encode(written, null, key), key));
			double counted = (refusal != null)
					? stand.counter("cachekit.cache.codec.errors", SEALED, "kind", refusal.name()) : 0;
			int runs = service.runs();
			Order answer = service.sealedOrder(id);
			if (refusal == null) {
				assertThat(answer).as("the other instance's entry").isEqualTo(written);
				assertThat(service.runs()).isEqualTo(runs);
				return;
			}
			assertThat(answer).as("the method's own answer").isEqualTo(new Order(id, runs + 1));
			byte[] replaced = Objects.requireNonNull(stand.readRaw(key));
			assertThat(SEALED_CODEC.decode(replaced, key).value()).as("L2 holds the answer, encrypted")
				.isEqualTo(answer);
			assertThat(service.sealedOrder(id)).as("answer of the next call, from the cache").isEqualTo(answer);
			assertThat(service.runs()).isEqualTo(runs + 1);
			assertThat(stand.counter("cachekit.cache.codec.errors", SEALED, "kind", refusal.name()))
				.as("counted as " + refusal)
				.isEqualTo(counted + 1);
		});
	}

	/**
	 * Recomputes an envelope's two CRC32C checks, as anyone who can write L2 can: the
	 * entry check over every byte before it, then the key check continued over the L2
	 * key's UTF-16 code units.
	 */
	private static byte[] withRecomputedChecks(byte[] envelope, String key) {
		int end = envelope.length - 8;
		CRC32C crc = new CRC32C();
		crc.update(envelope, 0, end);
		ByteBuffer.wrap(envelope, end, 4).putInt((int) crc.getValue());
		crc.update(key.getBytes(StandardCharsets.UTF_16BE));
		ByteBuffer.wrap(envelope, end + 4, 4).putInt((int) crc.getValue());
		return envelope;
	}

	@Test
	@org.junit.jupiter.api.Order(6)
	void flippedBitAtEveryPositionOfARealEntry() {
		for (Stand stand : stands) {
			if (stand.l1) {
				continue;
			}
			CatalogueService service = stand.service();
			String id = "flipped";
			Order original = service.order(id);
			String key = stand.entryKey("orders", id);
			byte[] entry = Objects.requireNonNull(stand.readRaw(key));
			double refused = stand.codecErrors("orders");
			int positions = entry.length * 8;
			for (int bit = 0; bit < positions; bit++) {
				byte[] flipped = entry.clone();
				flipped[bit / 8] ^= (byte) (1 << (bit % 8));
				stand.writeRaw(key, flipped);
				int runs = service.runs();
				Order answer = service.order(id);
				assertThat(answer).as("%s: answer with bit %d flipped", stand, bit).isEqualTo(new Order(id, runs + 1));
				assertThat(stand.decodeRaw(key)).as("%s: L2 after bit %d", stand, bit).isEqualTo(answer);
			}
			assertThat(stand.codecErrors("orders")).isEqualTo(refused + positions);
			assertThat(original.id()).isEqualTo(id);
			System.out.println("[figure] " + stand + ": positions of a real entry with one flipped bit served as a "
					+ "value: 0 of " + positions + ", every one refused, counted and replaced");
		}
	}

	@Test
	@org.junit.jupiter.api.Order(7)
	void afterEveryRowTheServersSawOnlyExplainedCommandsAndUnrelatedEntriesAreIntact() {
		unrelated.forEach((key, value) -> {
			assertThat(rawMemcached.get(key)).as("memcached %s", key).isEqualTo(value);
			assertThat(rawRedis.get(key.getBytes(StandardCharsets.UTF_8))).as("Redis %s", key).isEqualTo(value);
		});
		Map<String, String> stats = rawMemcached.stats();
		Map<String, Double> sent = new LinkedHashMap<>();
		for (Stand stand : stands) {
			if (stand.store == Store.MEMCACHED) {
				stand.operations().forEach((operation, count) -> sent.merge(operation, count, Double::sum));
			}
		}
		System.out.println("[figure] memcached cmd_* after the catalogue: "
				+ stats.entrySet().stream().filter((e) -> e.getKey().startsWith("cmd_")).toList()
				+ "; sent by cachekit: " + sent + "; by the test: " + rawMemcached.sentGets() + " gets, "
				+ rawMemcached.sentSets() + " sets");
		assertThat(stats).containsEntry("cmd_flush", "0").containsEntry("cmd_touch", "0");
		double refusedBeforeSending = 0;
		for (Stand stand : stands) {
			if (stand.store == Store.MEMCACHED) {
				refusedBeforeSending += stand.backendErrors("set", "PERMANENT")
						+ stand.backendErrors("add_if_absent", "PERMANENT");
			}
		}
		assertThat(Long.parseLong(stats.get("cmd_set")))
			.as("sets: cachekit's set and add, less those refused before sending (too large), and the test's own")
			.isEqualTo((long) (sent.getOrDefault("set", 0.0) + sent.getOrDefault("add_if_absent", 0.0)
					- refusedBeforeSending) + rawMemcached.sentSets());
		assertThat(Long.parseLong(stats.get("cmd_get")))
			.as("gets: cachekit's get and exists, two keys per bulk get (the generation and the sequence "
					+ "counter: no other instance writes, so no journal is read), and the test's own")
			.isEqualTo((long) (sent.getOrDefault("get", 0.0) + sent.getOrDefault("exists", 0.0)
					+ 2 * sent.getOrDefault("get_all", 0.0)) + rawMemcached.sentGets());
		assertThat(Long.parseLong(stats.get("cmd_meta"))).as("meta commands: the test's own")
			.isEqualTo(rawMemcached.sentMetaDebugs());
		Map<String, Long> calls = rawRedis.commandCalls();
		System.out.println("[figure] Redis commands after the catalogue: " + calls);
		assertThat(EXPLAINED_REDIS_COMMANDS).containsAll(calls.keySet());
	}

	private static DynamicTest ttlRow(Stand stand, String name, String cacheName,
			java.util.function.BiFunction<CatalogueService, String, String> method, @Nullable Duration memcachedTtl,
			@Nullable Duration redisTtl) {
		return DynamicTest.dynamicTest(name, () -> {
			CatalogueService service = stand.service();
			String key = "ttl-row";
			int runs = service.runs();
			String first = method.apply(service, key);
			assertThat(first).isEqualTo(CatalogueService.valueOf(key, runs + 1));
			assertThat(method.apply(service, key)).as("answer of the second call, from the cache").isEqualTo(first);
			assertThat(service.runs()).isEqualTo(runs + 1);
			Duration expected = (stand.store == Store.MEMCACHED) ? memcachedTtl : redisTtl;
			Duration left = stand.remainingTtl(stand.entryKey(cacheName, key));
			if (expected == null) {
				assertThat(left).as("no expiry in L2").isNull();
			}
			else {
				assertThat(left).as("TTL in L2").isNotNull().isBetween(expected.minusSeconds(5), expected);
			}
		});
	}

	private static DynamicTest bytesRow(Stand stand, String name, Refusal refusal, Function<Real, byte[]> plant) {
		return DynamicTest.dynamicTest(name, () -> {
			CatalogueService service = stand.service();
			String id = slug(name);
			Real real = new Real(stand, "source-of-" + id);
			String key = stand.entryKey("orders", id);
			stand.writeRaw(key, plant.apply(real));
			double counted = stand.counter("cachekit.cache.codec.errors", "orders", "kind", refusal.name());
			assertReplaced(stand, service, id, key);
			assertThat(stand.counter("cachekit.cache.codec.errors", "orders", "kind", refusal.name()))
				.as("counted as " + refusal)
				.isEqualTo(counted + 1);
		});
	}

	private static DynamicTest anotherTypeRow(Stand stand) {
		return DynamicTest.dynamicTest("a value of another type", () -> {
			CatalogueService service = stand.service();
			String id = slug("another type");
			double counted = stand.counter("cachekit.cache.type.mismatches", "orders");
			assertThat(service.orderText(id)).isEqualTo("not an order: " + id);
			assertReplaced(stand, service, id, stand.entryKey("orders", id));
			assertThat(stand.counter("cachekit.cache.type.mismatches", "orders")).as("type mismatches counted")
				.isEqualTo(counted + 1);
		});
	}

	private static void assertReplaced(Stand stand, CatalogueService service, String id, String key) {
		int runs = service.runs();
		Order answer = service.order(id);
		assertThat(answer).as("the method's own answer").isEqualTo(new Order(id, runs + 1));
		assertThat(stand.decodeRaw(key)).as("L2 holds the answer").isEqualTo(answer);
		assertThat(service.order(id)).as("answer of the next call, from the cache").isEqualTo(answer);
		assertThat(service.runs()).isEqualTo(runs + 1);
	}

	/**
	 * Returns a unique id that memcached keeps as it is (no space or control character).
	 */
	private static String slug(String name) {
		return name.replaceAll("[^A-Za-z0-9]+", "-") + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
	}

	private static byte[] javaSerialized(Object value) {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
			out.writeObject(value);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		return bytes.toByteArray();
	}

	private static DynamicTest keyRow(Stand stand, String name, Object key) {
		return DynamicTest.dynamicTest(name, () -> {
			CatalogueService service = stand.service();
			double hits = stand.gets("keys", "hit");
			double errors = stand.errors("keys");
			int runs = service.runs();
			String first = service.byKey(key);
			String second = service.byKey(key);
			assertThat(stand.errors("keys")).as("L2 errors, the invalidation journal's included").isEqualTo(errors);
			assertThat(first).as("answer of the first call").isEqualTo(CatalogueService.valueOf(key, runs + 1));
			assertThat(service.runs()).as("runs of the method").isEqualTo(runs + 1);
			assertThat(second).as("answer of the second call, from the cache").isEqualTo(first);
			assertThat(stand.gets("keys", "hit")).as("hits counted").isEqualTo(hits + 1);
		});
	}

	private static DynamicTest unusableKeyRow(Stand stand, String name, Object key) {
		return DynamicTest.dynamicTest(name, () -> {
			CatalogueService service = stand.service();
			double misses = stand.gets("keys", "miss");
			int runs = service.runs();
			String first = service.byKey(key);
			String second = service.byKey(key);
			assertThat(first).isEqualTo(CatalogueService.valueOf(key, runs + 1));
			assertThat(second).as("the cache is bypassed: the method runs again")
				.isEqualTo(CatalogueService.valueOf(key, runs + 2));
			assertThat(stand.gets("keys", "miss")).as("misses counted").isEqualTo(misses + 2);
		});
	}

	private static DynamicTest valueRow(Stand stand, String name, Cached cached, Supplier<@Nullable Object> make) {
		return DynamicTest.dynamicTest(name, () -> {
			CatalogueService service = stand.service();
			String row = name + " " + ThreadLocalRandom.current().nextLong();
			double rejected = stand.counter("cachekit.cache.rejected", "values");
			double unserializable = stand.counter("cachekit.cache.codec.errors", "values", "kind",
					CodecException.Kind.UNSERIALIZABLE.name());
			double hits = stand.gets("values", "hit");
			double misses = stand.gets("values", "miss");
			int runs = service.runs();
			Object first = service.value(row, make);
			Object second = service.value(row, make);
			assertThat(stand.gets("values", "hit")).as("hits counted")
				.isEqualTo(hits + ((cached == Cached.YES) ? 1 : 0));
			assertThat(stand.gets("values", "miss")).as("misses counted")
				.isEqualTo(misses + ((cached == Cached.YES) ? 1 : 2));
			assertThat(service.runs()).as("runs of the method").isEqualTo(runs + ((cached == Cached.YES) ? 1 : 2));
			assertSameValue(second, first);
			assertThat(stand.counter("cachekit.cache.rejected", "values")).as("values L2 refused")
				.isEqualTo(rejected + ((cached == Cached.REFUSED) ? 2 : 0));
			assertThat(stand.counter("cachekit.cache.codec.errors", "values", "kind",
					CodecException.Kind.UNSERIALIZABLE.name()))
				.as("values that could not be written")
				.isEqualTo(unserializable + ((cached == Cached.UNSERIALIZABLE) ? 2 : 0));
		});
	}

	private static void assertSameValue(@Nullable Object actual, @Nullable Object expected) {
		if (expected instanceof BadValues.Node || expected instanceof BadValues.FailingGetter) {
			assertThat(actual).isInstanceOf(expected.getClass());
		}
		else {
			assertThat(actual).isEqualTo(expected);
		}
	}

	/**
	 * Returns a string whose cache entry under the catalogue's value keys has exactly the
	 * given size. Its characters are random (from a fixed seed), so compression, which
	 * stores a value compressed only when that saves bytes, leaves it as it is.
	 */
	private static String textOfEntrySize(Stand stand, int entrySize) {
		ValueCodec codec = stand.context.getBean(ValueCodec.class);
		int guess = entrySize - 64;
		int overhead = codec.encode(incompressible(guess), null, "values:1:row").length - guess;
		String text = incompressible(entrySize - overhead);
		assertThat(codec.encode(text, null, "values:1:row")).hasSize(entrySize);
		System.out.println("[figure] " + stand + ": entry of " + entrySize + " bytes against an L2 limit of "
				+ stand.l2Limit() + " bytes");
		return text;
	}

	private static String incompressible(int length) {
		java.util.Random random = new java.util.Random(42);
		String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
		StringBuilder text = new StringBuilder(length);
		for (int i = 0; i < length; i++) {
			text.append(alphabet.charAt(random.nextInt(alphabet.length())));
		}
		return text.toString();
	}

	private static Stream<DynamicNode> everyStand(Function<Stand, Stream<DynamicNode>> rows) {
		return stands.stream().map((stand) -> DynamicContainer.dynamicContainer(stand.toString(), rows.apply(stand)));
	}

	private static void writeUnrelatedEntries() {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		for (int i = 0; i < 8; i++) {
			byte[] value = new byte[(i == 0) ? 0 : 1 << (2 * i)];
			random.nextBytes(value);
			unrelated.put("other-app:entry:" + i, value);
		}
		unrelated.forEach((key, value) -> {
			rawMemcached.set(key, value);
			rawRedis.set(key.getBytes(StandardCharsets.UTF_8), value);
		});
	}

	enum Store {

		MEMCACHED, REDIS

	}

	/**
	 * How cachekit refuses planted bytes, as counted in
	 * {@code cachekit.cache.codec.errors}.
	 */
	enum Refusal {

		CORRUPT, UNKNOWN_FORMAT, MISPLACED, UNDECRYPTABLE, UNENCRYPTED

	}

	/** A real entry of the {@code orders} cache, written by the application. */
	static final class Real {

		private final byte[] bytes;

		Real(Stand stand, String id) {
			stand.service().order(id);
			this.bytes = Objects.requireNonNull(stand.readRaw(stand.entryKey("orders", id)));
		}

		byte[] bytes() {
			return this.bytes;
		}

	}

	enum Cached {

		/** Cached: the second call is answered by the cache. */
		YES,

		/** Refused by L2 as too large, cached nowhere. */
		REFUSED,

		/** Not writable by the codec, cached nowhere. */
		UNSERIALIZABLE

	}

	/**
	 * One application context with cachekit auto-configured over one store, with L1 on or
	 * off.
	 */
	static final class Stand implements AutoCloseable {

		private final Store store;

		private final boolean l1;

		private final String prefix;

		private final AnnotationConfigApplicationContext context;

		private Stand(Store store, boolean l1, String prefix, AnnotationConfigApplicationContext context) {
			this.store = store;
			this.l1 = l1;
			this.prefix = prefix;
			this.context = context;
		}

		static Stand start(Store store, boolean l1) {
			String prefix = "catalogue-" + store.name().toLowerCase(java.util.Locale.ROOT) + "-l1-"
					+ (l1 ? "on" : "off") + ":";
			List<String> properties = new ArrayList<>(List.of("cachekit.l1.enabled=" + l1,
					"cachekit.serialization.trusted-packages=io.cachekit.autoconfigure.fixture",
					"cachekit.caches." + NO_EXPIRY + ".ttl=0s",
					"cachekit.caches." + THIRTY_DAYS_MINUS_ONE_SECOND + ".ttl=" + (30 * 86_400 - 1) + "s",
					"cachekit.caches." + THIRTY_DAYS_PLUS_ONE_SECOND + ".ttl=" + (30 * 86_400 + 1) + "s",
					"cachekit.caches." + LONGEST + ".ttl=" + LONGEST_DURATION, "cachekit.encryption.key=" + SEALED_KEY,
					"cachekit.encryption.enabled=false", "cachekit.caches." + SEALED + ".encryption.enabled=true"));
			if (store == Store.MEMCACHED) {
				properties.add("cachekit.memcached.servers=" + memcached.address());
				properties.add("cachekit.memcached.key-prefix=" + prefix);
			}
			else {
				properties.add("cachekit.redis.url=redis://" + redis.address());
				properties.add("cachekit.redis.key-prefix=" + prefix);
			}
			AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
			TestPropertyValues.of(properties).applyTo(context);
			context.register(CatalogueConfiguration.class);
			context.refresh();
			return new Stand(store, l1, prefix, context);
		}

		CatalogueService service() {
			return this.context.getBean(CatalogueService.class);
		}

		Backend backend() {
			return this.context.getBean(Backend.class);
		}

		int l2Limit() {
			Backend backend = backend();
			return (backend instanceof MemcachedBackend memcachedBackend) ? memcachedBackend.config().maxItemSize()
					: ((RedisBackend) backend).config().maxValueSize();
		}

		/**
		 * Returns the key of an entry as cachekit gives it to the backend,
		 * {@code <cache>:<generation>:<key>}, with the generation read raw from the
		 * store.
		 */
		String entryKey(String cacheName, String key) {
			byte[] generation = Objects.requireNonNull(readRaw(cacheName + ":generation"), "generation");
			return cacheName + ':' + new String(generation, StandardCharsets.US_ASCII).strip() + ':' + key;
		}

		/** Reads an entry under the application's prefix without cachekit. */
		byte @Nullable [] readRaw(String key) {
			return (this.store == Store.MEMCACHED) ? rawMemcached.get(this.prefix + key)
					: rawRedis.get((this.prefix + key).getBytes(StandardCharsets.UTF_8));
		}

		/** Writes an entry under the application's prefix without cachekit. */
		void writeRaw(String key, byte[] value) {
			if (this.store == Store.MEMCACHED) {
				rawMemcached.set(this.prefix + key, value);
			}
			else {
				rawRedis.set((this.prefix + key).getBytes(StandardCharsets.UTF_8), value);
			}
		}

		@Nullable Object decodeRaw(String key) {
			byte[] bytes = readRaw(key);
			assertThat(bytes).as("L2 entry %s", key).isNotNull();
			return this.context.getBean(ValueCodec.class).decode(Objects.requireNonNull(bytes), key).value();
		}

		/** Returns the remaining TTL of an entry in L2, {@code null} for none. */
		@Nullable Duration remainingTtl(String key) {
			if (this.store == Store.MEMCACHED) {
				long seconds = rawMemcached.remainingSeconds(this.prefix + key);
				assertThat(seconds).as("memcached item %s", key).isNotEqualTo(-2);
				return (seconds < 0) ? null : Duration.ofSeconds(seconds);
			}
			long millis = rawRedis.pttl((this.prefix + key).getBytes(StandardCharsets.UTF_8));
			assertThat(millis).as("Redis key %s", key).isNotEqualTo(-2);
			return (millis < 0) ? null : Duration.ofMillis(millis);
		}

		double codecErrors(String cacheName) {
			double total = 0;
			for (CodecException.Kind kind : CodecException.Kind.values()) {
				total += counter("cachekit.cache.codec.errors", cacheName, "kind", kind.name());
			}
			return total;
		}

		/** Returns how many operations of each kind cachekit sent to the backend. */
		Map<String, Double> operations() {
			Map<String, Double> counts = new LinkedHashMap<>();
			for (Timer timer : this.context.getBean(MeterRegistry.class).find("cachekit.backend.latency").timers()) {
				counts.merge(Objects.requireNonNull(timer.getId().getTag("operation")), (double) timer.count(),
						Double::sum);
			}
			return counts;
		}

		double backendErrors(String operation, String type) {
			io.micrometer.core.instrument.Counter counter = this.context.getBean(MeterRegistry.class)
				.find("cachekit.backend.errors")
				.tags("operation", operation, "type", type)
				.counter();
			return (counter != null) ? counter.count() : 0;
		}

		double errors(String cacheName) {
			double total = 0;
			for (io.cachekit.backend.BackendErrorType type : io.cachekit.backend.BackendErrorType.values()) {
				total += counter("cachekit.cache.errors", cacheName, "type", type.name());
			}
			return total;
		}

		double gets(String cacheName, String result) {
			return counter("cache.gets", cacheName, "result", result);
		}

		double counter(String name, String cacheName, String... tags) {
			FunctionCounter counter = this.context.getBean(MeterRegistry.class)
				.find(name)
				.tag("cache", cacheName)
				.tags(tags)
				.functionCounter();
			return (counter != null) ? counter.count() : 0;
		}

		@Override
		public void close() {
			this.context.close();
		}

		@Override
		public String toString() {
			return this.store.name().toLowerCase(java.util.Locale.ROOT) + ", L1 " + (this.l1 ? "on" : "off");
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	@ImportAutoConfiguration({ CachekitAutoConfiguration.class, CacheAutoConfiguration.class })
	static class CatalogueConfiguration {

		@Bean
		MeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

		@Bean
		CatalogueService catalogueService() {
			return new CatalogueService();
		}

	}

	/**
	 * The application's cached methods. Each answer names its key and the run that made
	 * it, so an answer for another key, or a stale one, shows.
	 */
	static class CatalogueService {

		private final AtomicInteger runs = new AtomicInteger();

		int runs() {
			return this.runs.get();
		}

		static String valueOf(Object key, int run) {
			String text;
			try {
				text = Objects.requireNonNullElse(key.toString(), "null string");
			}
			catch (RuntimeException ex) {
				text = "unprintable";
			}
			return "value of " + Integer.toHexString(Objects.hashCode(text)) + "/" + text.length() + " #" + run;
		}

		@Cacheable("keys")
		public String byKey(Object key) {
			return valueOf(key, this.runs.incrementAndGet());
		}

		@Cacheable(cacheNames = "values", key = "#row")
		public @Nullable Object value(String row, Supplier<@Nullable Object> make) {
			this.runs.incrementAndGet();
			return make.get();
		}

		@Cacheable(NO_EXPIRY)
		public String noExpiry(String key) {
			return valueOf(key, this.runs.incrementAndGet());
		}

		@Cacheable(THIRTY_DAYS_MINUS_ONE_SECOND)
		public String thirtyDaysMinusOneSecond(String key) {
			return valueOf(key, this.runs.incrementAndGet());
		}

		@Cacheable(THIRTY_DAYS_PLUS_ONE_SECOND)
		public String thirtyDaysPlusOneSecond(String key) {
			return valueOf(key, this.runs.incrementAndGet());
		}

		@Cacheable(LONGEST)
		public String longest(String key) {
			return valueOf(key, this.runs.incrementAndGet());
		}

		@Cacheable("orders")
		public Order order(String id) {
			return new Order(id, this.runs.incrementAndGet());
		}

		@Cacheable(SEALED)
		public Order sealedOrder(String id) {
			return new Order(id, this.runs.incrementAndGet());
		}

		@Cacheable(cacheNames = "orders", key = "#id")
		public String orderText(String id) {
			this.runs.incrementAndGet();
			return "not an order: " + id;
		}

	}

	/** A key whose {@code toString()} is large. */
	record HugeKey(int length) {

		@Override
		public String toString() {
			return "h".repeat(this.length);
		}

	}

	/** A key whose {@code toString()} throws. */
	static final class ThrowingKey {

		@Override
		public String toString() {
			throw new IllegalStateException("no string form");
		}

	}

	/** A key whose {@code toString()} answers {@code null}. */
	static final class NullKey {

		@Override
		@SuppressWarnings({ "NullAway", "ToStringReturnsNull" }) // the bad input under
																	// test
		public String toString() {
			return null;
		}

	}

}
