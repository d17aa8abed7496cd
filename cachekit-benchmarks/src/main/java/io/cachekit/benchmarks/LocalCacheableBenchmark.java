package io.cachekit.benchmarks;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.cachekit.backend.BackendErrorType;
import io.cachekit.codec.CodecException;
import io.cachekit.spring.CachekitCache;
import io.cachekit.spring.CachekitCacheManager;
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
import org.openjdk.jmh.infra.BenchmarkParams;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.caffeine.CaffeineCacheManager;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * An in-process cache as an application meets it: every call goes through the
 * {@code @Cacheable} proxy of a bean in a Spring Boot application, and each cache is the
 * one Spring Boot's auto-configuration gives.
 *
 * <ul>
 * <li>{@code *Caffeine}: Spring's {@link CaffeineCacheManager}, from
 * {@code spring.cache.type=caffeine} and
 * {@code spring.cache.caffeine.spec=maximumSize=10000}.</li>
 * <li>{@code *Cachekit}: cachekit's {@link CachekitCacheManager} from its starter's
 * auto-configuration with {@code cachekit.backend=none} (L1 only) and its defaults, but
 * for {@code cachekit.l1.max-ttl=1h}: the default of 30 seconds would expire the stored
 * keys within a longer run, where the Caffeine peer never expires them.</li>
 * </ul>
 * <p>
 * {@code hit*} (throughput, 2 threads) reads random keys of a fixed set of
 * {@value #KEY_COUNT}, each stored in setup through the method and read back through it
 * again, so every measured call is a hit. {@code miss*} (average time, 1 thread) calls
 * the method with a new key every time: the method returns a prebuilt value at once, and
 * the cache stores it, so a miss costs the lookup, the call and the put, as in an
 * application. The {@code value} parameter is the cached value ({@link BenchmarkValues});
 * the method's return type is the value's own, as an application declares it.
 *
 * <p>
 * Teardown of a cachekit trial fails when the cache saw a codec failure or refused a
 * value, and a hit trial also when it missed: either returns quickly and would flatter
 * the score.
 *
 * <pre>
 * ./mvnw -B -q -pl cachekit-benchmarks -am package -DskipTests &amp;&amp; java -jar cachekit-benchmarks/target/benchmarks.jar LocalCacheableBenchmark
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 2, timeUnit = TimeUnit.SECONDS)
public class LocalCacheableBenchmark {

	static final int KEY_COUNT = 1000;

	static final String CACHE = "values";

	@Benchmark
	@Threads(2)
	public Object hitCachekit(CachekitApplication application) {
		return application.read(application.randomKey());
	}

	@Benchmark
	@Threads(2)
	public Object hitCaffeine(CaffeineApplication application) {
		return application.read(application.randomKey());
	}

	@Benchmark
	@Threads(1)
	@BenchmarkMode(Mode.AverageTime)
	@OutputTimeUnit(TimeUnit.MICROSECONDS)
	public Object missCachekit(CachekitApplication application, MissKeys keys) {
		return application.read(keys.next());
	}

	@Benchmark
	@Threads(1)
	@BenchmarkMode(Mode.AverageTime)
	@OutputTimeUnit(TimeUnit.MICROSECONDS)
	public Object missCaffeine(CaffeineApplication application, MissKeys keys) {
		return application.read(keys.next());
	}

	/**
	 * A new key on every call ({@code miss-0}, {@code miss-1}, ...), per thread.
	 */
	@State(Scope.Thread)
	public static class MissKeys {

		private long next;

		String next() {
			return "miss-" + this.next++;
		}

	}

	/**
	 * The application with cachekit's cache manager.
	 */
	@State(Scope.Benchmark)
	public static class CachekitApplication extends RunningApplication {

		private long missesAfterSetup;

		private long putsAfterSetup;

		@Setup(Level.Trial)
		public void start() {
			start(Map.of("cachekit.backend", "none", "cachekit.l1.max-ttl", "1h"), CachekitCacheManager.class);
			TierStatistics statistics = tiered().statistics(Tier.L1);
			this.missesAfterSetup = statistics.missCount();
			this.putsAfterSetup = statistics.putCount();
		}

		@TearDown(Level.Trial)
		public void stop(BenchmarkParams params) {
			try {
				if (isStarted()) {
					check(params);
				}
			}
			finally {
				close();
			}
		}

		private void check(BenchmarkParams params) {
			TieredCache tiered = tiered();
			TierStatistics statistics = tiered.statistics(Tier.L1);
			long failures = statistics.rejectedCount();
			for (BackendErrorType type : BackendErrorType.values()) {
				failures += statistics.errorCount(type);
			}
			for (CodecException.Kind kind : CodecException.Kind.values()) {
				failures += statistics.codecErrorCount(kind);
			}
			long misses = statistics.missCount() - this.missesAfterSetup;
			long puts = statistics.putCount() - this.putsAfterSetup;
			boolean hits = params.getBenchmark().endsWith(".hitCachekit");
			if (failures > 0 || (hits && misses > 0) || (!hits && puts < misses)) {
				throw new IllegalStateException(tiered + ": " + misses + " misses, " + puts + " puts, " + failures
						+ " failures (errors or refused values) while measuring; this trial measured failures, "
						+ "not cache calls");
			}
		}

		private TieredCache tiered() {
			Cache cache = cacheManager().getCache(CACHE);
			if (!(cache instanceof CachekitCache cachekit)) {
				throw new IllegalStateException("expected cachekit's cache '" + CACHE + "', found " + cache);
			}
			return cachekit.getNativeCache();
		}

	}

	/**
	 * The application with Spring's Caffeine cache manager.
	 */
	@State(Scope.Benchmark)
	public static class CaffeineApplication extends RunningApplication {

		@Setup(Level.Trial)
		public void start() {
			start(Map.of("spring.cache.type", "caffeine", "spring.cache.caffeine.spec", "maximumSize=10000"),
					CaffeineCacheManager.class);
		}

		@TearDown(Level.Trial)
		public void stop() {
			close();
		}

	}

	/**
	 * A Spring Boot application (no web server) with caching enabled and one
	 * {@link ValueService}, started for a trial with the given properties, its keys
	 * stored.
	 */
	@State(Scope.Benchmark)
	public abstract static class RunningApplication {

		@Param({ BenchmarkValues.BOOK_512, BenchmarkValues.CATALOG_10K })
		public String value = BenchmarkValues.BOOK_512;

		private final String[] keys = new String[KEY_COUNT];

		private @Nullable ConfigurableApplicationContext context;

		private @Nullable ValueService service;

		private boolean catalog;

		/**
		 * Starts the application, stores every key through the {@code @Cacheable} method
		 * and reads each back through it.
		 * @param properties the application's properties
		 * @param cacheManagerType the cache manager the properties must give
		 * @throws IllegalStateException when the application has another cache manager,
		 * or a key was not cached; the application is then closed
		 */
		void start(Map<String, Object> properties, Class<? extends CacheManager> cacheManagerType) {
			ConfigurableApplicationContext context = new SpringApplicationBuilder(CacheableApplication.class)
				.web(WebApplicationType.NONE)
				.bannerMode(Banner.Mode.OFF)
				.logStartupInfo(false)
				.properties(properties)
				.run();
			this.context = context;
			try {
				check(properties, cacheManagerType);
			}
			catch (RuntimeException | Error ex) {
				// JMH halts a failed fork without running shutdown hooks: close now.
				this.context = null;
				this.service = null;
				try {
					context.close();
				}
				catch (RuntimeException closing) {
					ex.addSuppressed(closing);
				}
				throw ex;
			}
		}

		private void check(Map<String, Object> properties, Class<? extends CacheManager> cacheManagerType) {
			ConfigurableApplicationContext context = Objects.requireNonNull(this.context);
			CacheManager cacheManager = cacheManager();
			if (!cacheManagerType.isInstance(cacheManager)) {
				throw new IllegalStateException("expected a " + cacheManagerType.getSimpleName() + " from " + properties
						+ ", found " + cacheManager);
			}
			ValueService service = context.getBean(ValueService.class);
			this.service = service;
			this.catalog = BenchmarkValues.CATALOG_10K.equals(this.value);
			Object[] values = new Object[KEY_COUNT];
			for (int i = 0; i < KEY_COUNT; i++) {
				this.keys[i] = this.value + "-" + i;
				values[i] = BenchmarkValues.value(this.value, i);
				service.returning(values[i]);
				read(this.keys[i]);
			}
			// A call that is not served from the cache now returns a value no key holds.
			service.returning(BenchmarkValues.value(this.value, KEY_COUNT));
			for (int i = 0; i < KEY_COUNT; i++) {
				Object read = read(this.keys[i]);
				if (!values[i].equals(read)) {
					throw new IllegalStateException(cacheManager().getClass().getSimpleName() + " did not serve key '"
							+ this.keys[i] + "' from the cache; the method was called");
				}
			}
			// The method now returns the prebuilt value, as a miss does.
			service.returning(values[0]);
		}

		boolean isStarted() {
			return this.context != null;
		}

		String randomKey() {
			return this.keys[ThreadLocalRandom.current().nextInt(KEY_COUNT)];
		}

		/**
		 * Calls the {@code @Cacheable} method of the value's kind.
		 * @param key the key
		 * @return the cached or returned value
		 */
		Object read(String key) {
			ValueService service = this.service;
			if (service == null) {
				throw new IllegalStateException("the application is not started");
			}
			return this.catalog ? service.catalog(key) : service.books(key);
		}

		CacheManager cacheManager() {
			ConfigurableApplicationContext context = this.context;
			if (context == null) {
				throw new IllegalStateException("the application is not started");
			}
			return context.getBean(CacheManager.class);
		}

		void close() {
			ConfigurableApplicationContext context = this.context;
			this.context = null;
			this.service = null;
			if (context != null) {
				context.close();
			}
		}

	}

	/**
	 * The application: Spring Boot's auto-configuration picks the cache manager from the
	 * properties, as in any application with {@code @EnableCaching}. Its package is the
	 * auto-configuration package cachekit trusts for values.
	 */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@EnableCaching
	static class CacheableApplication {

		@Bean
		ValueService valueService() {
			return new ValueService();
		}

	}

	/**
	 * A bean with a {@code @Cacheable} method per kind of value, each returning the
	 * prebuilt value at once.
	 */
	public static class ValueService {

		private List<Book> books = List.of();

		private Catalog catalog = Catalog.of(1, 1);

		/**
		 * Sets the value the methods return from now on.
		 * @param value a {@link Catalog}, or a list of {@link Book}s
		 */
		@SuppressWarnings("unchecked")
		public void returning(Object value) {
			if (value instanceof Catalog graph) {
				this.catalog = graph;
			}
			else {
				this.books = (List<Book>) value;
			}
		}

		@Cacheable(CACHE)
		public List<Book> books(String key) {
			return this.books;
		}

		@Cacheable(CACHE)
		public Catalog catalog(String key) {
			return this.catalog;
		}

	}

}
