package io.cachekit.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import com.alicp.jetcache.CacheResult;
import com.alicp.jetcache.MultiLevelCacheBuilder;
import com.alicp.jetcache.embedded.CaffeineCacheBuilder;
import com.alicp.jetcache.redis.lettuce.LettuceConnectionManager;
import com.alicp.jetcache.redis.lettuce.RedisLettuceCacheBuilder;
import io.cachekit.backend.redis.RedisBackend;
import io.cachekit.backend.redis.RedisBackendConfig;
import io.cachekit.spring.CachekitCache;
import io.cachekit.test.ServerKind;
import io.cachekit.test.ServerProcess;
import io.cachekit.tier.CacheConfiguration;
import io.cachekit.tier.Tier;
import io.cachekit.tier.TierStatistics;
import io.cachekit.tier.TieredCache;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
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
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

import org.springframework.cache.Cache;
import org.springframework.data.redis.cache.RedisCacheConfiguration;
import org.springframework.data.redis.cache.RedisCacheManager;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.serializer.RedisSerializationContext.SerializationPair;
import org.springframework.data.redis.serializer.RedisSerializer;
import org.springframework.data.redis.serializer.SerializationException;

/**
 * cachekit over Redis against the Redis caches a Spring application would otherwise use,
 * each on its own redis-server on a loopback port, four threads reading keys that are
 * always there.
 *
 * <p>
 * L2 hit, every call a round trip to Redis:
 * <ul>
 * <li>{@code hitCachekit}: a {@link CachekitCache} over {@link RedisBackend} with L1
 * disabled, as {@link CacheBenchmark.RedisCaches} builds it, with the codec the starter
 * configures over Redis (a MessagePack envelope, LZ4-compressed above 1 KB; see
 * {@link StarterCodecs#redis()}).</li>
 * <li>{@code hitRedisCacheJdk}: Spring Data Redis's {@code RedisCache} from a
 * {@link RedisCacheManager} with {@link RedisCacheConfiguration#defaultCacheConfig()}:
 * JDK serialization, as {@code spring.cache.type=redis} gives.</li>
 * <li>{@code hitRedisCacheJson}: the same with its Jackson 3 JSON serializer,
 * {@link RedisSerializer#json()} (a {@code GenericJacksonJsonRedisSerializer} with
 * default typing, which it needs to read a {@code List<Book>} or a {@link Catalog} back
 * as what was stored).</li>
 * <li>{@code hitJetCacheRemote}: JetCache's Redis cache over its own Lettuce
 * {@link RedisClient} ({@link RedisLettuceCacheBuilder}), with its default value encoder
 * (Java serialization); {@code cache.get(key)}.</li>
 * </ul>
 * Two-level hit, the value in process and Redis behind it:
 * <ul>
 * <li>{@code twoLevelHitCachekit}: a {@link CachekitCache} over {@link RedisBackend} with
 * L1 on and L1's default settings except its TTL, one hour like JetCache's local tier
 * (L1's default of 30 s would expire entries during a long run and measure L2 reads); the
 * trial fails when L1 missed during a measured iteration.</li>
 * <li>{@code twoLevelHitJetCache}: JetCache's multi-level cache, a local Caffeine cache
 * of {@value #LOCAL_LIMIT} entries with a TTL of one hour in front of its Redis
 * cache.</li>
 * </ul>
 * cachekit and Spring Data Redis each use one {@link LettuceConnectionFactory} (one
 * shared connection), as their users would; JetCache uses one {@link RedisClient} and the
 * one connection its connection manager opens on it.
 *
 * <p>
 * Every cache holds the same {@value CacheBenchmark#KEY_COUNT} keys with equal values
 * ({@code value}: {@code book512} or {@code catalog10k}, see {@link BenchmarkValues}), a
 * TTL of one hour, stored and read back equal before measuring. Each call reads a random
 * key of that set. A trial fails in teardown when any read answered nothing, and a
 * cachekit trial also when cachekit counted an L2 or codec failure, since a failure is a
 * quick miss that would flatter the score. Setup prints the mean size of a stored value
 * as Redis reports it ({@code STRLEN}) in a line starting with {@code [size]}; the JSON
 * trial prints a {@code [note]} line when it has to store lists as {@link ArrayList}
 * copies, and the two-level cachekit trial a {@code [tiers]} line with its L1 and L2
 * hits.
 *
 * <p>
 * redis-server must be installed ({@code apt-get install -y redis-server}). Run it from
 * the repository's root:
 *
 * <pre>
 * ./mvnw -B -q -pl cachekit-benchmarks -am package -DskipTests &amp;&amp; java -jar cachekit-benchmarks/target/benchmarks.jar RedisPeerBenchmark
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(RedisPeerBenchmark.THREADS)
@Fork(1)
@Warmup(iterations = 3, time = 2, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 2, timeUnit = TimeUnit.SECONDS)
public class RedisPeerBenchmark {

	/** The threads each trial reads with. */
	static final int THREADS = 4;

	static final int KEY_COUNT = CacheBenchmark.KEY_COUNT;

	static final Duration TTL = CacheBenchmark.TTL;

	/**
	 * JetCache's local limit: room for every key, so that no hit falls through to Redis.
	 */
	static final int LOCAL_LIMIT = 10 * KEY_COUNT;

	@Benchmark
	public @Nullable Object hitCachekit(CachekitRemote cache) {
		return cache.hit();
	}

	@Benchmark
	public @Nullable Object hitRedisCacheJdk(RedisCacheJdk cache) {
		return cache.hit();
	}

	@Benchmark
	public @Nullable Object hitRedisCacheJson(RedisCacheJson cache) {
		return cache.hit();
	}

	@Benchmark
	public @Nullable Object hitJetCacheRemote(JetCacheRemote cache) {
		return cache.hit();
	}

	@Benchmark
	public @Nullable Object twoLevelHitCachekit(CachekitTwoLevel cache) {
		return cache.hit();
	}

	@Benchmark
	public @Nullable Object twoLevelHitJetCache(JetCacheTwoLevel cache) {
		return cache.hit();
	}

	/**
	 * One system under test on its own redis-server: starts the server, lets the subclass
	 * open its cache, stores every key and checks it reads back equal, prints the stored
	 * size; in teardown fails when a measured read found nothing, then closes the cache
	 * and stops the server.
	 */
	@State(Scope.Benchmark)
	public abstract static class RedisPeer {

		/** The value every key holds: {@code book512} or {@code catalog10k}. */
		@Param({ BenchmarkValues.BOOK_512, BenchmarkValues.CATALOG_10K })
		String value = BenchmarkValues.BOOK_512;

		private final String[] keys = new String[KEY_COUNT];

		private final Object[] values = new Object[KEY_COUNT];

		private final LongAdder misses = new LongAdder();

		private @Nullable ServerProcess server;

		@Setup(Level.Trial)
		public void start() {
			for (int i = 0; i < KEY_COUNT; i++) {
				this.keys[i] = this.value + "-" + i;
				this.values[i] = BenchmarkValues.value(this.value, i);
			}
			ServerProcess server = ServerProcess.start(ServerKind.REDIS);
			this.server = server;
			try {
				open(server.port());
				fill();
				printStoredSize(server.port());
			}
			catch (RuntimeException ex) {
				try {
					closeAll();
				}
				catch (RuntimeException closing) {
					ex.addSuppressed(closing);
				}
				throw ex;
			}
		}

		@TearDown(Level.Trial)
		public void stop() {
			try {
				long misses = this.misses.sum();
				if (misses > 0) {
					throw new IllegalStateException(name() + " (" + this.value + "): " + misses
							+ " reads found nothing; this trial measured misses or failures, not hits");
				}
				requireNoFailures();
			}
			finally {
				closeAll();
			}
		}

		/**
		 * Reads a random key, as a {@code @Cacheable} method's cache lookup does, and
		 * counts the read when it found nothing.
		 * @return the value read
		 */
		final @Nullable Object hit() {
			Object found = read(this.keys[ThreadLocalRandom.current().nextInt(KEY_COUNT)]);
			if (found == null) {
				this.misses.increment();
			}
			return found;
		}

		/**
		 * Opens the cache under test on the redis-server of this trial.
		 * @param port the server's port on 127.0.0.1
		 */
		abstract void open(int port);

		/**
		 * Stores a value, and fails when the cache says it did not.
		 * @param key the key
		 * @param value the value
		 */
		abstract void write(String key, Object value);

		/**
		 * Reads a value as the cache's users do.
		 * @param key the key
		 * @return the value, or {@code null} when the cache answered nothing
		 */
		abstract @Nullable Object read(String key);

		/**
		 * Returns the pattern matching the Redis keys of the stored values, and nothing
		 * else.
		 * @param keyPattern the pattern of the keys as the benchmark names them
		 * @return the Redis key pattern
		 */
		abstract String storedKeys(String keyPattern);

		/**
		 * Returns the name of the system under test, for messages and the size line.
		 * @return the name
		 */
		abstract String name();

		/**
		 * Returns the value as this cache's users must hand it over to have it read back
		 * equal; the value itself unless the cache cannot.
		 * @param value the value of a key
		 * @return an equal value to store
		 */
		Object storable(Object value) {
			return value;
		}

		/**
		 * Fails when the cache counted failures that reads do not show.
		 */
		void requireNoFailures() {
		}

		/**
		 * Closes whatever {@link #open(int)} opened; called once, also after a failed
		 * open.
		 */
		abstract void close();

		private void fill() {
			for (int i = 0; i < KEY_COUNT; i++) {
				write(this.keys[i], storable(this.values[i]));
			}
			for (int i = 0; i < KEY_COUNT; i++) {
				Object stored = read(this.keys[i]);
				if (stored == null || !stored.equals(this.values[i])) {
					throw new IllegalStateException(name() + " did not read back key '" + this.keys[i] + "' equal: "
							+ ((stored != null) ? stored.getClass().getName() : "nothing"));
				}
				if (stored.getClass() != this.values[i].getClass()
						&& !(stored instanceof List && this.values[i] instanceof List)) {
					throw new IllegalStateException(name() + " read key '" + this.keys[i] + "' back as a "
							+ stored.getClass().getName() + ", not a " + this.values[i].getClass().getName());
				}
			}
		}

		/**
		 * Prints the mean size of the stored values, as Redis reports them: what one
		 * entry costs on the wire and in the server's memory.
		 */
		private void printStoredSize(int port) {
			String pattern = storedKeys(this.value + "-*");
			RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", port));
			try (StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE)) {
				RedisCommands<byte[], byte[]> commands = connection.sync();
				List<byte[]> stored = commands.keys(pattern);
				if (stored.size() != KEY_COUNT) {
					throw new IllegalStateException(
							"expected " + KEY_COUNT + " keys matching '" + pattern + "', found " + stored.size());
				}
				long total = 0;
				for (byte[] key : stored) {
					total += commands.strlen(key);
				}
				System.out.println(String.format(Locale.ROOT,
						"%n[size] %s %s: %.1f bytes per value in Redis (STRLEN, mean over %d keys)", name(), this.value,
						(double) total / KEY_COUNT, KEY_COUNT));
			}
			finally {
				client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
			}
		}

		private void closeAll() {
			ServerProcess server = this.server;
			this.server = null;
			CacheBenchmark.closeAll(this::close, server);
		}

	}

	/**
	 * A {@link CachekitCache} over {@link RedisBackend} on one
	 * {@link LettuceConnectionFactory}; L1 off or on.
	 */
	abstract static class Cachekit extends RedisPeer {

		private @Nullable LettuceConnectionFactory connectionFactory;

		private @Nullable RedisBackend backend;

		private @Nullable TieredCache tiered;

		private @Nullable Cache cache;

		/**
		 * Builds the cache over the backend.
		 * @param backend the backend
		 * @return the cache
		 */
		abstract TieredCache build(RedisBackend backend);

		@Override
		void open(int port) {
			LettuceConnectionFactory connectionFactory = connectionFactory(port);
			this.connectionFactory = connectionFactory;
			RedisBackend backend = RedisBackend.create(connectionFactory, RedisBackendConfig.builder().build());
			this.backend = backend;
			TieredCache tiered = build(backend);
			this.tiered = tiered;
			this.cache = new CachekitCache(tiered);
		}

		@Override
		void write(String key, Object value) {
			cache().put(key, value);
		}

		@Override
		@Nullable Object read(String key) {
			Cache.ValueWrapper found = cache().get(key);
			return (found != null) ? found.get() : null;
		}

		@Override
		String storedKeys(String keyPattern) {
			return "cachekit:*:" + keyPattern;
		}

		@Override
		void requireNoFailures() {
			TieredCache tiered = this.tiered;
			if (tiered != null) {
				CacheBenchmark.requireOnlyHits(tiered, Tier.L2);
			}
		}

		/**
		 * Prints how many reads L1 and L2 answered, so that a two-level trial shows it
		 * measured L1.
		 */
		void printTierHits() {
			TieredCache tiered = this.tiered;
			if (tiered != null) {
				TierStatistics l1 = tiered.statistics(Tier.L1);
				TierStatistics l2 = tiered.statistics(Tier.L2);
				System.out.printf("%n[tiers] %s %s: L1 %d hits, %d misses; L2 %d hits, %d misses%n", name(), this.value,
						l1.hitCount(), l1.missCount(), l2.hitCount(), l2.missCount());
			}
		}

		@Override
		void close() {
			LettuceConnectionFactory connectionFactory = this.connectionFactory;
			TieredCache tiered = this.tiered;
			CacheBenchmark.closeAll((tiered != null) ? tiered::close : null, this.backend,
					(connectionFactory != null) ? connectionFactory::destroy : null);
			this.tiered = null;
			this.backend = null;
			this.connectionFactory = null;
		}

		private Cache cache() {
			return started(this.cache);
		}

		@Nullable TieredCache tiered() {
			return this.tiered;
		}

	}

	/**
	 * cachekit with L1 disabled: every read is an L2 hit.
	 */
	@State(Scope.Benchmark)
	public static class CachekitRemote extends Cachekit {

		@Override
		TieredCache build(RedisBackend backend) {
			return TieredCache.builder("cachekit")
				.configuration(CacheConfiguration.defaults().withL1Enabled(false).withTtl(TTL))
				.backend(backend)
				.codec(StarterCodecs.redis())
				.build();
		}

		@Override
		String name() {
			return "cachekit";
		}

	}

	/**
	 * cachekit with L1 on over Redis, in its default settings except L1's TTL, which is
	 * JetCache's local one: one hour. Fails when L1 missed while measured.
	 */
	@State(Scope.Benchmark)
	public static class CachekitTwoLevel extends Cachekit {

		private long l1MissesBefore;

		private long measuredL1Misses;

		@Override
		TieredCache build(RedisBackend backend) {
			return TieredCache.builder("cachekit")
				.configuration(CacheConfiguration.defaults().withTtl(TTL).withL1Ttl(TTL))
				.backend(backend)
				.codec(StarterCodecs.redis())
				.build();
		}

		@Setup(Level.Iteration)
		public void beginIteration() {
			this.l1MissesBefore = l1Misses();
		}

		@TearDown(Level.Iteration)
		public void endIteration(IterationParams iteration) {
			if (iteration.getType() == IterationType.MEASUREMENT) {
				this.measuredL1Misses += l1Misses() - this.l1MissesBefore;
			}
		}

		private long l1Misses() {
			TieredCache tiered = tiered();
			return (tiered != null) ? tiered.statistics(Tier.L1).missCount() : 0;
		}

		@Override
		String name() {
			return "cachekit two-level";
		}

		@Override
		void requireNoFailures() {
			printTierHits();
			super.requireNoFailures();
			if (this.measuredL1Misses > 0) {
				throw new IllegalStateException(name() + " " + this.value + ": L1 missed " + this.measuredL1Misses
						+ " times while measured; this trial measured L2 reads, not two-level hits");
			}
		}

	}

	/**
	 * Spring Data Redis's {@code RedisCache} on one {@link LettuceConnectionFactory},
	 * with one value serializer.
	 */
	abstract static class SpringRedisCache extends RedisPeer {

		private @Nullable LettuceConnectionFactory connectionFactory;

		private @Nullable Cache cache;

		/**
		 * Returns the cache configuration a user of this serializer writes.
		 * @return the configuration
		 */
		abstract RedisCacheConfiguration configuration();

		/**
		 * Returns the cache's name, which prefixes its Redis keys.
		 * @return the name
		 */
		abstract String cacheName();

		@Override
		void open(int port) {
			LettuceConnectionFactory connectionFactory = connectionFactory(port);
			this.connectionFactory = connectionFactory;
			RedisCacheManager manager = RedisCacheManager.builder(connectionFactory)
				.cacheDefaults(configuration())
				.initialCacheNames(Set.of(cacheName()))
				.build();
			manager.afterPropertiesSet();
			Cache cache = manager.getCache(cacheName());
			if (cache == null) {
				throw new IllegalStateException("the RedisCacheManager has no cache '" + cacheName() + "'");
			}
			this.cache = cache;
		}

		@Override
		void write(String key, Object value) {
			started(this.cache).put(key, value);
		}

		@Override
		@Nullable Object read(String key) {
			Cache.ValueWrapper found = started(this.cache).get(key);
			return (found != null) ? found.get() : null;
		}

		@Override
		String storedKeys(String keyPattern) {
			return cacheName() + "::" + keyPattern;
		}

		@Override
		void close() {
			LettuceConnectionFactory connectionFactory = this.connectionFactory;
			if (connectionFactory != null) {
				connectionFactory.destroy();
			}
			this.connectionFactory = null;
		}

	}

	/**
	 * Spring Data Redis's cache with its default JDK serialization.
	 */
	@State(Scope.Benchmark)
	public static class RedisCacheJdk extends SpringRedisCache {

		@Override
		RedisCacheConfiguration configuration() {
			return RedisCacheConfiguration.defaultCacheConfig().entryTtl(TTL);
		}

		@Override
		String cacheName() {
			return "spring-jdk";
		}

		@Override
		String name() {
			return "Spring Data Redis (JDK serialization)";
		}

	}

	/**
	 * Spring Data Redis's cache with its Jackson 3 JSON serializer, configured as a user
	 * must to read values back as the types stored: {@link RedisSerializer#json()}, a
	 * {@code GenericJacksonJsonRedisSerializer} whose default typing writes each object's
	 * class into the JSON.
	 *
	 * <p>
	 * That serializer writes a list of a final JDK class, such as {@link List#of}'s,
	 * without a type and then cannot read it back (spring-data-redis issue 2697): the
	 * lookup throws. When the serializer in use still does, the benchmark hands this
	 * cache an equal {@link ArrayList} instead, as its users must, and says so.
	 */
	@State(Scope.Benchmark)
	public static class RedisCacheJson extends SpringRedisCache {

		private final RedisSerializer<Object> serializer = RedisSerializer.json();

		private boolean copiesLists;

		@Override
		void open(int port) {
			super.open(port);
			this.copiesLists = !readsBackImmutableLists();
		}

		@Override
		RedisCacheConfiguration configuration() {
			return RedisCacheConfiguration.defaultCacheConfig()
				.entryTtl(TTL)
				.serializeValuesWith(SerializationPair.fromSerializer(this.serializer));
		}

		@Override
		Object storable(Object value) {
			return (this.copiesLists && value instanceof List<?> list) ? new ArrayList<>(list) : value;
		}

		@Override
		String cacheName() {
			return "spring-json";
		}

		@Override
		String name() {
			return "Spring Data Redis (JSON)";
		}

		private boolean readsBackImmutableLists() {
			Object probe = BenchmarkValues.value(BenchmarkValues.BOOK_512);
			try {
				return probe.equals(this.serializer.deserialize(this.serializer.serialize(probe)));
			}
			catch (SerializationException ex) {
				System.out.println(String.format(Locale.ROOT,
						"%n[note] %s cannot read back a List.of value (%s); it caches List values as ArrayList copies",
						name(), String.valueOf(ex.getMessage()).lines().findFirst().orElse("")));
				return false;
			}
		}

	}

	/**
	 * JetCache's Redis cache over its own Lettuce {@link RedisClient}, alone or behind a
	 * local cache.
	 */
	abstract static class JetCache extends RedisPeer {

		static final String KEY_PREFIX = "jetcache:";

		private @Nullable RedisClient client;

		private com.alicp.jetcache.@Nullable Cache<String, Object> cache;

		/**
		 * Builds the cache the benchmark reads from over JetCache's Redis cache.
		 * @param remote the Redis cache
		 * @return the cache to read from
		 */
		abstract com.alicp.jetcache.Cache<String, Object> build(com.alicp.jetcache.Cache<String, Object> remote);

		@Override
		void open(int port) {
			RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", port));
			this.client = client;
			com.alicp.jetcache.Cache<String, Object> remote = RedisLettuceCacheBuilder.createRedisLettuceCacheBuilder()
				.redisClient(client)
				.keyPrefix(KEY_PREFIX)
				.expireAfterWrite(TTL.toMillis(), TimeUnit.MILLISECONDS)
				.buildCache();
			this.cache = build(remote);
		}

		@Override
		void write(String key, Object value) {
			CacheResult result = jetCache().PUT(key, value);
			if (!result.isSuccess()) {
				throw new IllegalStateException(name() + " did not store key '" + key + "': " + result.getResultCode()
						+ " " + result.getMessage());
			}
		}

		@Override
		@Nullable Object read(String key) {
			return jetCache().get(key);
		}

		@Override
		String storedKeys(String keyPattern) {
			return KEY_PREFIX + keyPattern;
		}

		@Override
		void close() {
			com.alicp.jetcache.Cache<String, Object> cache = this.cache;
			RedisClient client = this.client;
			this.cache = null;
			this.client = null;
			// The connection manager closes the connection it opened and shuts the client
			// down; it knows no client whose cache failed to build, hence the second,
			// idempotent shutdown.
			CacheBenchmark.closeAll(cache,
					(client != null) ? () -> LettuceConnectionManager.defaultManager().removeAndClose(client) : null,
					(client != null) ? client::shutdown : null);
		}

		private com.alicp.jetcache.Cache<String, Object> jetCache() {
			com.alicp.jetcache.Cache<String, Object> cache = this.cache;
			if (cache == null) {
				throw new IllegalStateException("the caches are not set up");
			}
			return cache;
		}

	}

	/**
	 * JetCache's Redis cache alone: every read is a round trip.
	 */
	@State(Scope.Benchmark)
	public static class JetCacheRemote extends JetCache {

		@Override
		com.alicp.jetcache.Cache<String, Object> build(com.alicp.jetcache.Cache<String, Object> remote) {
			return remote;
		}

		@Override
		String name() {
			return "JetCache";
		}

	}

	/**
	 * JetCache's multi-level cache: a local Caffeine cache in front of its Redis cache.
	 */
	@State(Scope.Benchmark)
	public static class JetCacheTwoLevel extends JetCache {

		@Override
		com.alicp.jetcache.Cache<String, Object> build(com.alicp.jetcache.Cache<String, Object> remote) {
			com.alicp.jetcache.Cache<String, Object> local = CaffeineCacheBuilder.createCaffeineCacheBuilder()
				.limit(LOCAL_LIMIT)
				.expireAfterWrite(TTL.toMillis(), TimeUnit.MILLISECONDS)
				.buildCache();
			return MultiLevelCacheBuilder.createMultiLevelCacheBuilder()
				.addCache(local, remote)
				.expireAfterWrite(TTL.toMillis(), TimeUnit.MILLISECONDS)
				.buildCache();
		}

		@Override
		String name() {
			return "JetCache two-level";
		}

	}

	static LettuceConnectionFactory connectionFactory(int port) {
		LettuceConnectionFactory connectionFactory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration("127.0.0.1", port));
		connectionFactory.afterPropertiesSet();
		connectionFactory.start();
		return connectionFactory;
	}

	private static Cache started(@Nullable Cache cache) {
		if (cache == null) {
			throw new IllegalStateException("the caches are not set up");
		}
		return cache;
	}

}
