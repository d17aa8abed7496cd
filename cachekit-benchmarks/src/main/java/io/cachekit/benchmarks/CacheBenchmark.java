package io.cachekit.benchmarks;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Caffeine;
import io.cachekit.backend.Backend;
import io.cachekit.backend.BackendErrorType;
import io.cachekit.backend.memcached.MemcachedBackend;
import io.cachekit.backend.memcached.MemcachedConfig;
import io.cachekit.backend.redis.RedisBackend;
import io.cachekit.backend.redis.RedisBackendConfig;
import io.cachekit.codec.CodecException;
import io.cachekit.codec.MessagePackCodec;
import io.cachekit.codec.ValueCodec;
import io.cachekit.spring.CachekitCache;
import io.cachekit.test.ServerKind;
import io.cachekit.test.ServerProcess;
import io.cachekit.tier.CacheConfiguration;
import io.cachekit.tier.Tier;
import io.cachekit.tier.TierStatistics;
import io.cachekit.tier.TieredCache;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import org.springframework.cache.Cache;
import org.springframework.cache.caffeine.CaffeineCache;
import org.springframework.data.redis.cache.RedisCacheConfiguration;
import org.springframework.data.redis.cache.RedisCacheManager;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * cachekit's Spring {@link Cache} against Spring's own caches, in the same run, on the
 * two calls a {@code @Cacheable} method makes: {@code get(key)} (here always a hit) and
 * {@code put(key, value)}.
 *
 * <ul>
 * <li>{@code local*}: the in-process path. A {@link CachekitCache} with L1 only (no
 * backend) against Spring's {@link CaffeineCache} over a plain Caffeine cache bounded by
 * entry count, as {@code spring.cache.type=caffeine} gives.</li>
 * <li>{@code redis*}: the shared path, every call a round trip. A {@link CachekitCache}
 * over {@link RedisBackend} with L1 disabled against Spring Data Redis's
 * {@code RedisCache} with {@link RedisCacheConfiguration#defaultCacheConfig()} (JDK
 * serialization, as {@code spring.cache.type=redis} gives), both over one Lettuce
 * connection factory to one local redis-server.</li>
 * <li>{@code memcached*}: a {@link CachekitCache} over {@link MemcachedBackend} with L1
 * disabled, for reference; Spring has no memcached cache to compare with.</li>
 * </ul>
 * Every cache holds the same {@value #KEY_COUNT} keys with equal {@link Book} values and
 * a TTL of one hour, stored before measuring; each call uses a random key of that set.
 * Teardown fails the trial when a cachekit get missed or L2 failed, since cachekit turns
 * those into quick misses that would flatter its score. The Redis trials print the
 * encoded size of a value in each format.
 *
 * <p>
 * memcached and redis-server must be installed
 * ({@code apt-get install -y memcached redis-server}). Run it from the repository's root:
 *
 * <pre>
 * ./mvnw -B -q -pl cachekit-benchmarks -am package -DskipTests &amp;&amp; java -jar cachekit-benchmarks/target/benchmarks.jar CacheBenchmark
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(4)
@Fork(1)
@Warmup(iterations = 3, time = 2, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 2, timeUnit = TimeUnit.SECONDS)
public class CacheBenchmark {

	static final int KEY_COUNT = 1000;

	static final Duration TTL = Duration.ofHours(1);

	static final String TRUSTED_PACKAGE = "io.cachekit.benchmarks";

	@Benchmark
	public Cache.@Nullable ValueWrapper localGetCachekit(LocalCaches caches) {
		return caches.cachekit().get(caches.keys.random());
	}

	@Benchmark
	public Cache.@Nullable ValueWrapper localGetCaffeine(LocalCaches caches) {
		return caches.caffeine().get(caches.keys.random());
	}

	@Benchmark
	public void localPutCachekit(LocalCaches caches) {
		int index = caches.keys.randomIndex();
		caches.cachekit().put(caches.keys.key(index), caches.keys.value(index));
	}

	@Benchmark
	public void localPutCaffeine(LocalCaches caches) {
		int index = caches.keys.randomIndex();
		caches.caffeine().put(caches.keys.key(index), caches.keys.value(index));
	}

	@Benchmark
	public void localPutValueCachekit(LocalValues values) {
		int index = values.caches.keys.randomIndex();
		values.caches.cachekit().put(values.caches.keys.key(index), values.instance);
	}

	@Benchmark
	public void localPutValueCaffeine(LocalValues values) {
		int index = values.caches.keys.randomIndex();
		values.caches.caffeine().put(values.caches.keys.key(index), values.instance);
	}

	@Benchmark
	public Cache.@Nullable ValueWrapper redisGetCachekit(RedisCaches caches) {
		return caches.cachekit().get(caches.keys.random());
	}

	@Benchmark
	public Cache.@Nullable ValueWrapper redisGetSpring(RedisCaches caches) {
		return caches.spring().get(caches.keys.random());
	}

	@Benchmark
	public void redisPutCachekit(RedisCaches caches) {
		int index = caches.keys.randomIndex();
		caches.cachekit().put(caches.keys.key(index), caches.keys.value(index));
	}

	@Benchmark
	public void redisPutSpring(RedisCaches caches) {
		int index = caches.keys.randomIndex();
		caches.spring().put(caches.keys.key(index), caches.keys.value(index));
	}

	@Benchmark
	public Cache.@Nullable ValueWrapper memcachedGetCachekit(MemcachedCaches caches) {
		return caches.cachekit().get(caches.keys.random());
	}

	@Benchmark
	public void memcachedPutCachekit(MemcachedCaches caches) {
		int index = caches.keys.randomIndex();
		caches.cachekit().put(caches.keys.key(index), caches.keys.value(index));
	}

	static ValueCodec codec() {
		return MessagePackCodec.builder().trustedPackages(TRUSTED_PACKAGE).build();
	}

	/**
	 * Stores every key in a cache and checks each reads back equal, so that a benchmark
	 * never measures misses.
	 */
	static void fill(Cache cache, Keys keys) {
		for (int i = 0; i < KEY_COUNT; i++) {
			cache.put(keys.key(i), keys.value(i));
		}
		for (int i = 0; i < KEY_COUNT; i++) {
			Cache.ValueWrapper stored = cache.get(keys.key(i));
			if (stored == null || !keys.value(i).equals(stored.get())) {
				throw new IllegalStateException(cache.getName() + " (" + cache.getClass().getSimpleName()
						+ ") did not read back key '" + keys.key(i) + "': " + stored);
			}
		}
	}

	/**
	 * Fails when a cachekit cache served a miss or saw an L2 or codec failure while it
	 * was measured: both return quickly and would count as fast hits.
	 */
	static void requireOnlyHits(TieredCache cache, Tier tier) {
		TierStatistics statistics = cache.statistics(tier);
		long errors = 0;
		for (BackendErrorType type : BackendErrorType.values()) {
			errors += statistics.errorCount(type);
		}
		for (CodecException.Kind kind : CodecException.Kind.values()) {
			errors += statistics.codecErrorCount(kind);
		}
		if (statistics.missCount() > 0 || errors > 0 || statistics.rejectedCount() > 0) {
			throw new IllegalStateException(
					cache + " " + tier + ": " + statistics.missCount() + " misses, " + errors + " errors, "
							+ statistics.rejectedCount() + " rejected; this trial measured failures, not cache calls");
		}
	}

	static void closeAll(@Nullable AutoCloseable... resources) {
		RuntimeException failure = null;
		for (AutoCloseable resource : resources) {
			if (resource == null) {
				continue;
			}
			try {
				resource.close();
			}
			catch (Exception ex) {
				if (failure == null) {
					failure = new IllegalStateException("closing " + resource + " failed", ex);
				}
				else {
					failure.addSuppressed(ex);
				}
			}
		}
		if (failure != null) {
			throw failure;
		}
	}

	/**
	 * The fixed set of keys ({@code book-0}, {@code book-1}, ...) and one {@link Book}
	 * per key.
	 */
	static final class Keys {

		private final String[] keys = new String[KEY_COUNT];

		private final Book[] values = new Book[KEY_COUNT];

		Keys() {
			for (int i = 0; i < KEY_COUNT; i++) {
				this.keys[i] = "book-" + i;
				this.values[i] = Book.numbered(i);
			}
		}

		int randomIndex() {
			return ThreadLocalRandom.current().nextInt(KEY_COUNT);
		}

		String random() {
			return this.keys[randomIndex()];
		}

		String key(int index) {
			return this.keys[index];
		}

		Book value(int index) {
			return this.values[index];
		}

	}

	/**
	 * cachekit with L1 only, and Spring's Caffeine cache.
	 */
	@State(Scope.Benchmark)
	public static class LocalCaches {

		final Keys keys = new Keys();

		private @Nullable TieredCache tiered;

		private @Nullable Cache cachekit;

		private @Nullable Cache caffeine;

		@Setup(Level.Trial)
		public void start() {
			TieredCache tiered = TieredCache.builder("cachekit")
				.configuration(CacheConfiguration.defaults().withTtl(TTL).withL1Ttl(TTL))
				.codec(codec())
				.build();
			CachekitCache cachekit = new CachekitCache(tiered);
			CaffeineCache caffeine = new CaffeineCache("caffeine",
					Caffeine.newBuilder().maximumSize(KEY_COUNT * 10L).expireAfterWrite(TTL).build());
			fill(cachekit, this.keys);
			fill(caffeine, this.keys);
			this.tiered = tiered;
			this.cachekit = cachekit;
			this.caffeine = caffeine;
		}

		@TearDown(Level.Trial)
		public void check() {
			if (this.tiered != null) {
				requireOnlyHits(this.tiered, Tier.L1);
			}
		}

		Cache cachekit() {
			return started(this.cachekit);
		}

		Cache caffeine() {
			return started(this.caffeine);
		}

	}

	/**
	 * The local caches with one of the shared values ({@link BenchmarkValues}), for the
	 * cost of a put by the size of the value.
	 */
	@State(Scope.Benchmark)
	public static class LocalValues {

		@Param({ BenchmarkValues.BOOK_512, BenchmarkValues.CATALOG_10K })
		public String value = BenchmarkValues.BOOK_512;

		final LocalCaches caches = new LocalCaches();

		Object instance = BenchmarkValues.value(BenchmarkValues.BOOK_512);

		@Setup(Level.Trial)
		public void start() {
			this.caches.start();
			this.instance = BenchmarkValues.value(this.value);
		}

		@TearDown(Level.Trial)
		public void check() {
			this.caches.check();
		}

	}

	/**
	 * One redis-server and one Lettuce connection factory, with cachekit (L1 disabled)
	 * and Spring Data Redis's cache over it.
	 */
	@State(Scope.Benchmark)
	public static class RedisCaches {

		final Keys keys = new Keys();

		private @Nullable ServerProcess server;

		private @Nullable LettuceConnectionFactory connectionFactory;

		private @Nullable RedisBackend backend;

		private @Nullable TieredCache tiered;

		private @Nullable Cache cachekit;

		private @Nullable Cache spring;

		@Setup(Level.Trial)
		public void start() {
			ServerProcess server = ServerProcess.start(ServerKind.REDIS);
			this.server = server;
			LettuceConnectionFactory connectionFactory = new LettuceConnectionFactory(
					new RedisStandaloneConfiguration("127.0.0.1", server.port()));
			this.connectionFactory = connectionFactory;
			connectionFactory.afterPropertiesSet();
			connectionFactory.start();
			RedisBackend backend = RedisBackend.create(connectionFactory, RedisBackendConfig.builder().build());
			this.backend = backend;
			TieredCache tiered = sharedTier(backend);
			CachekitCache cachekit = new CachekitCache(tiered);
			RedisCacheManager manager = RedisCacheManager.builder(connectionFactory)
				.cacheDefaults(RedisCacheConfiguration.defaultCacheConfig().entryTtl(TTL))
				.initialCacheNames(Set.of("spring"))
				.build();
			manager.afterPropertiesSet();
			Cache spring = manager.getCache("spring");
			if (spring == null) {
				throw new IllegalStateException("the RedisCacheManager has no cache 'spring'");
			}
			fill(cachekit, this.keys);
			fill(spring, this.keys);
			printEncodedSizes(connectionFactory);
			this.tiered = tiered;
			this.cachekit = cachekit;
			this.spring = spring;
		}

		/**
		 * Prints the mean size of the stored values, as Redis reports them, in each
		 * format: what one entry costs on the wire and in the server's memory.
		 */
		private void printEncodedSizes(LettuceConnectionFactory connectionFactory) {
			try (RedisConnection connection = connectionFactory.getConnection()) {
				System.out.printf(
						"%nencoded value size, mean over %d values: cachekit (MessagePack envelope) %.1f bytes, "
								+ "Spring Data Redis (JDK serialization) %.1f bytes%n",
						KEY_COUNT, meanLength(connection, "cachekit:*:book-*"),
						meanLength(connection, "spring::book-*"));
			}
		}

		private static double meanLength(RedisConnection connection, String pattern) {
			Set<byte[]> keys = connection.keyCommands().keys(pattern.getBytes(StandardCharsets.UTF_8));
			if (keys == null || keys.size() != KEY_COUNT) {
				throw new IllegalStateException("expected " + KEY_COUNT + " keys matching '" + pattern + "', found "
						+ ((keys != null) ? keys.size() : 0));
			}
			long total = 0;
			for (byte[] key : keys) {
				Long length = connection.stringCommands().strLen(key);
				total += (length != null) ? length : 0;
			}
			return (double) total / keys.size();
		}

		@TearDown(Level.Trial)
		public void stop() {
			try {
				if (this.tiered != null) {
					requireOnlyHits(this.tiered, Tier.L2);
				}
			}
			finally {
				LettuceConnectionFactory connectionFactory = this.connectionFactory;
				closeAll(this.backend, (connectionFactory != null) ? connectionFactory::destroy : null, this.server);
				this.backend = null;
				this.connectionFactory = null;
				this.server = null;
			}
		}

		Cache cachekit() {
			return started(this.cachekit);
		}

		Cache spring() {
			return started(this.spring);
		}

	}

	/**
	 * One memcached with cachekit (L1 disabled) over it.
	 */
	@State(Scope.Benchmark)
	public static class MemcachedCaches {

		final Keys keys = new Keys();

		private @Nullable ServerProcess server;

		private @Nullable MemcachedBackend backend;

		private @Nullable TieredCache tiered;

		private @Nullable Cache cachekit;

		@Setup(Level.Trial)
		public void start() {
			ServerProcess server = ServerProcess.start(ServerKind.MEMCACHED);
			this.server = server;
			MemcachedBackend backend = MemcachedBackend
				.create(MemcachedConfig.builder().servers(server.address()).build());
			this.backend = backend;
			TieredCache tiered = sharedTier(backend);
			CachekitCache cachekit = new CachekitCache(tiered);
			fill(cachekit, this.keys);
			this.tiered = tiered;
			this.cachekit = cachekit;
		}

		@TearDown(Level.Trial)
		public void stop() {
			try {
				if (this.tiered != null) {
					requireOnlyHits(this.tiered, Tier.L2);
				}
			}
			finally {
				closeAll(this.backend, this.server);
				this.backend = null;
				this.server = null;
			}
		}

		Cache cachekit() {
			return started(this.cachekit);
		}

	}

	static TieredCache sharedTier(Backend backend) {
		return TieredCache.builder("cachekit")
			.configuration(CacheConfiguration.defaults().withL1Enabled(false).withTtl(TTL))
			.backend(backend)
			.codec(codec())
			.build();
	}

	private static Cache started(@Nullable Cache cache) {
		if (cache == null) {
			throw new IllegalStateException("the caches are not set up");
		}
		return cache;
	}

}
