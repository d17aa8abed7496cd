package io.cachekit.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.cachekit.backend.memcached.MemcachedBackend;
import io.cachekit.backend.memcached.MemcachedConfig;
import io.cachekit.codec.ValueCodec;
import io.cachekit.spring.CachekitCache;
import io.cachekit.test.ServerKind;
import io.cachekit.test.ServerProcess;
import io.cachekit.tier.Tier;
import io.cachekit.tier.TieredCache;
import io.sixhours.memcached.cache.MemcachedCache;
import io.sixhours.memcached.cache.MemcachedCacheManager;
import io.sixhours.memcached.cache.MemcachedCacheProperties;
import io.sixhours.memcached.cache.SpyMemcachedCacheManagerFactory;
import net.spy.memcached.AddrUtil;
import net.spy.memcached.ClientMode;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.DefaultHashAlgorithm;
import net.spy.memcached.FailureMode;
import net.spy.memcached.MemcachedClient;
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

import org.springframework.beans.factory.DisposableBean;
import org.springframework.cache.Cache;

/**
 * An L2 hit over memcached with L1 off: cachekit against the floor any memcached cache
 * sits on and against memcached-spring-boot, three readers of the same keys in one
 * memcached, in the same run.
 *
 * <ul>
 * <li>{@code hitCachekit}: a {@link CachekitCache} ({@code Cache.get}) over
 * {@link MemcachedBackend} with its default configuration and L1 disabled, and the codec
 * the starter builds over memcached ({@link StarterCodecs#memcached()}: LZ4 above 1 KB,
 * so {@code catalog10k} is stored compressed).</li>
 * <li>{@code hitRawClient}: a {@link MemcachedClient} of its own, set up as cachekit sets
 * up its client where it matters (binary protocol, Ketama placement, static servers,
 * cachekit's default operation timeout), reading the bytes cachekit stored under its L2
 * key ({@code cachekit:<generation>:<key>}) as they are and decoding them with a the same
 * codec: the work any memcached cache does at least.</li>
 * <li>{@code hitMemcachedSpringBoot}: memcached-spring-boot's {@link MemcachedCache}
 * ({@code Cache.get}), its cache manager built as its
 * {@link SpyMemcachedCacheManagerFactory} builds it in its auto-configuration (which
 * targets Spring Boot 2 and is not loaded by Spring Boot 4), with every default: its own
 * client (text protocol, array-modulus placement, 2.5 s timeout), no expiry, and the
 * client's default transcoder (JDK serialization, GZIP above 16 KB). Every get first
 * reads the cache's namespace key, then the value: two round trips.</li>
 * </ul>
 * Each reader holds the same {@value #KEY_COUNT} keys with equal values (the
 * {@code value} parameter, {@link BenchmarkValues}), stored and read back equal in setup,
 * which fails the trial otherwise; each call reads a random key of them. The {@code *16}
 * variants run 16 threads where the others run one. Teardown fails the trial when
 * cachekit or memcached-spring-boot missed, or cachekit counted an L2 or codec error:
 * each is a fast answer that would flatter the score. Setup prints the stored size of a
 * value in each format.
 *
 * <p>
 * memcached must be installed ({@code apt-get install -y memcached}). Run it from the
 * repository's root:
 *
 * <pre>
 * ./mvnw -B -q -pl cachekit-benchmarks -am package -DskipTests &amp;&amp; java -jar cachekit-benchmarks/target/benchmarks.jar MemcachedPeerBenchmark
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 2, timeUnit = TimeUnit.SECONDS)
public class MemcachedPeerBenchmark {

	static final int KEY_COUNT = 1000;

	/** The name of every reader's cache. */
	static final String CACHE = "cachekit";

	@Benchmark
	@Threads(1)
	public Cache.@Nullable ValueWrapper hitCachekit(Readers readers) {
		return readers.cachekit(readers.randomIndex());
	}

	@Benchmark
	@Threads(1)
	public @Nullable Object hitRawClient(Readers readers) {
		return readers.rawClient(readers.randomIndex());
	}

	@Benchmark
	@Threads(1)
	public Cache.@Nullable ValueWrapper hitMemcachedSpringBoot(Readers readers) {
		return readers.memcachedSpringBoot(readers.randomIndex());
	}

	@Benchmark
	@Threads(16)
	public Cache.@Nullable ValueWrapper hitCachekit16(Readers readers) {
		return readers.cachekit(readers.randomIndex());
	}

	@Benchmark
	@Threads(16)
	public @Nullable Object hitRawClient16(Readers readers) {
		return readers.rawClient(readers.randomIndex());
	}

	@Benchmark
	@Threads(16)
	public Cache.@Nullable ValueWrapper hitMemcachedSpringBoot16(Readers readers) {
		return readers.memcachedSpringBoot(readers.randomIndex());
	}

	/**
	 * One memcached and the three readers, each holding every key.
	 */
	@State(Scope.Benchmark)
	public static class Readers {

		@Param({ BenchmarkValues.BOOK_512, BenchmarkValues.CATALOG_10K })
		public String value = BenchmarkValues.BOOK_512;

		private final String[] keys = new String[KEY_COUNT];

		/**
		 * cachekit's L2 keys, as the codec binds them
		 * ({@code cachekit:<generation>:<key>}).
		 */
		private final String[] l2Keys = new String[KEY_COUNT];

		private final PassThroughTranscoder transcoder = new PassThroughTranscoder(
				MemcachedConfig.DEFAULT_MAX_ITEM_SIZE);

		private final ValueCodec codec = StarterCodecs.memcached();

		private @Nullable ServerProcess server;

		private @Nullable MemcachedBackend backend;

		private @Nullable TieredCache tiered;

		private @Nullable Cache cachekit;

		private @Nullable MemcachedClient rawClient;

		private @Nullable MemcachedCacheManager memcachedSpringBootManager;

		private @Nullable MemcachedCache memcachedSpringBoot;

		/**
		 * Starts memcached and the readers, and stores every key. On failure, closes what
		 * it made before rethrowing: JMH halts a failed fork without running shutdown
		 * hooks, which would leave memcached running.
		 */
		@Setup(Level.Trial)
		public void start() throws IOException {
			try {
				open();
			}
			catch (IOException | RuntimeException | Error ex) {
				try {
					close();
				}
				catch (RuntimeException closing) {
					ex.addSuppressed(closing);
				}
				throw ex;
			}
		}

		private void open() throws IOException {
			ServerProcess server = ServerProcess.start(ServerKind.MEMCACHED);
			this.server = server;
			MemcachedBackend backend = MemcachedBackend
				.create(MemcachedConfig.builder().servers(server.address()).build());
			this.backend = backend;
			TieredCache tiered = StarterCodecs.withoutL1(backend, this.codec);
			this.tiered = tiered;
			CachekitCache cachekit = new CachekitCache(tiered);
			this.cachekit = cachekit;
			this.rawClient = new MemcachedClient(new ConnectionFactoryBuilder().setClientMode(ClientMode.Static)
				.setProtocol(ConnectionFactoryBuilder.Protocol.BINARY)
				.setLocatorType(ConnectionFactoryBuilder.Locator.CONSISTENT)
				.setHashAlg(DefaultHashAlgorithm.KETAMA_HASH)
				.setFailureMode(FailureMode.Redistribute)
				.setOpTimeout(MemcachedConfig.DEFAULT_OPERATION_TIMEOUT.toMillis())
				.setOpQueueMaxBlockTime(MemcachedConfig.DEFAULT_OPERATION_TIMEOUT.toMillis())
				.setDaemon(true)
				.build(), AddrUtil.getAddresses(server.address()));
			MemcachedCacheProperties properties = new MemcachedCacheProperties();
			properties.setServers(server.address());
			MemcachedCacheManager manager = new SpyMemcachedCacheManagerFactory(properties, (builder) -> {
			}).create();
			this.memcachedSpringBootManager = manager;
			manager.afterPropertiesSet();
			Cache cache = manager.getCache(CACHE);
			if (!(cache instanceof MemcachedCache memcachedCache)) {
				throw new IllegalStateException("expected memcached-spring-boot's MemcachedCache, found " + cache);
			}
			this.memcachedSpringBoot = memcachedCache;
			Object[] values = new Object[KEY_COUNT];
			for (int i = 0; i < KEY_COUNT; i++) {
				this.keys[i] = this.value + "-" + i;
				values[i] = BenchmarkValues.value(this.value, i);
				cachekit.put(this.keys[i], values[i]);
				memcachedCache.put(this.keys[i], values[i]);
			}
			long generation = generation();
			for (int i = 0; i < KEY_COUNT; i++) {
				this.l2Keys[i] = CACHE + ':' + generation + ':' + this.keys[i];
			}
			for (int i = 0; i < KEY_COUNT; i++) {
				requireEqual("cachekit", i, values[i], unwrap(cachekit(i)));
				requireEqual("the raw client", i, values[i], rawClient(i));
				requireEqual("memcached-spring-boot", i, values[i], unwrap(memcachedSpringBoot(i)));
			}
			printStoredSizes();
		}

		/**
		 * Reads the cache's generation as cachekit stored it (a decimal counter).
		 */
		private long generation() {
			byte[] counter = rawClient().get(CACHE + ":generation", this.transcoder);
			if (counter == null) {
				throw new IllegalStateException("cachekit stored no generation under '" + CACHE + ":generation'");
			}
			return Long.parseLong(new String(counter, StandardCharsets.US_ASCII).trim());
		}

		/**
		 * Prints the size of the first key's value as each cache stores it.
		 */
		private void printStoredSizes() {
			MemcachedClient client = rawClient();
			String prefix = "memcached:spring-boot:" + CACHE + ":";
			byte[] namespace = client.get(prefix + "namespace", this.transcoder);
			byte[] cachekit = client.get(this.l2Keys[0], this.transcoder);
			byte[] memcachedSpringBoot = (namespace != null) ? client
				.get(prefix + new String(namespace, StandardCharsets.UTF_8) + ":" + this.keys[0], this.transcoder)
					: null;
			System.out.printf(
					"%nstored size of value '%s': cachekit (MessagePack envelope, LZ4 above 1 KB as the starter) %s bytes, "
							+ "memcached-spring-boot (JDK serialization, GZIP above 16 KB) %s bytes%n",
					this.keys[0], (cachekit != null) ? cachekit.length : "no",
					(memcachedSpringBoot != null) ? memcachedSpringBoot.length : "no");
		}

		private static void requireEqual(String reader, int index, Object expected, @Nullable Object read) {
			if (!expected.equals(read)) {
				throw new IllegalStateException(reader + " did not read back key " + index
						+ " equal to what was stored: " + ((read != null) ? read.getClass().getName() : "nothing"));
			}
		}

		private static @Nullable Object unwrap(Cache.@Nullable ValueWrapper wrapper) {
			return (wrapper != null) ? wrapper.get() : null;
		}

		@TearDown(Level.Trial)
		public void stop() {
			try {
				if (this.tiered != null) {
					CacheBenchmark.requireOnlyHits(this.tiered, Tier.L2);
				}
				MemcachedCache memcachedSpringBoot = this.memcachedSpringBoot;
				if (memcachedSpringBoot != null && memcachedSpringBoot.misses() > 0) {
					throw new IllegalStateException("memcached-spring-boot missed " + memcachedSpringBoot.misses()
							+ " times; this trial measured misses, not cache hits");
				}
			}
			finally {
				close();
			}
		}

		private void close() {
			MemcachedClient rawClient = this.rawClient;
			MemcachedCacheManager manager = this.memcachedSpringBootManager;
			this.rawClient = null;
			this.memcachedSpringBootManager = null;
			ServerProcess server = this.server;
			MemcachedBackend backend = this.backend;
			this.backend = null;
			this.server = null;
			CacheBenchmark.closeAll((rawClient != null) ? rawClient::shutdown : null,
					(manager instanceof DisposableBean disposable) ? disposable::destroy : null, backend, server);
		}

		int randomIndex() {
			return ThreadLocalRandom.current().nextInt(KEY_COUNT);
		}

		Cache.@Nullable ValueWrapper cachekit(int index) {
			return started(this.cachekit).get(this.keys[index]);
		}

		/**
		 * Reads a key's bytes with the raw client and decodes them.
		 * @param index the key's index
		 * @return the value
		 * @throws IllegalStateException when the key is missing: a raw read never answers
		 * a miss quickly
		 */
		@Nullable Object rawClient(int index) {
			String key = this.l2Keys[index];
			byte[] bytes = rawClient().get(key, this.transcoder);
			if (bytes == null) {
				throw new IllegalStateException("the raw client found no value under '" + key + "'");
			}
			return this.codec.decode(bytes, key).value();
		}

		Cache.@Nullable ValueWrapper memcachedSpringBoot(int index) {
			return started(this.memcachedSpringBoot).get(this.keys[index]);
		}

		private MemcachedClient rawClient() {
			return started(this.rawClient);
		}

		private static <T> T started(@Nullable T reader) {
			return Objects.requireNonNull(reader, "the readers are not set up");
		}

	}

}
