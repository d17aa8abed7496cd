package io.cachekit.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.cachekit.spring.CachekitCache;
import io.cachekit.spring.CachekitCacheManager;
import io.cachekit.tier.CacheConfiguration;
import io.cachekit.tier.TierStatistics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Two application instances, two Spring contexts with cachekit's default settings on one
 * shared L2: a change made through {@code @CacheEvict} + {@code @CachePut} (or a clear
 * with {@code allEntries}) on instance A is seen by instance B within the bound the
 * README promises for the backend, measured end to end, from the moment A's call returned
 * until B's {@code @Cacheable} method answers the new value.
 */
abstract class CoherenceContract extends TagsContract {

	private static final int KEY_CHANGES = 20;

	private static final int CLEARS = 2;

	/** The shared database of both instances. */
	static final Map<String, String> database = new ConcurrentHashMap<>();

	private final ApplicationContextRunner contextRunner = customize(new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CachekitAutoConfiguration.class, CacheAutoConfiguration.class))
		.withUserConfiguration(Books.class));

	/**
	 * Returns the backend requests of one refresh of an idle cache.
	 * @return the count
	 */
	abstract int requestsPerRefresh();

	@Test
	void changeOnOneInstanceIsSeenOnTheOtherWithinTheBound() {
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < KEY_CHANGES; i++) {
			ids.add(backendName() + "-book-" + i);
			database.put(ids.get(i), "v0");
		}
		String probe = backendName() + "-probe";
		database.put(probe, "c0");
		this.contextRunner.withPropertyValues(backendProperty()).run((a) -> {
			this.contextRunner.withPropertyValues(backendProperty()).run((b) -> {
				BookService onA = a.getBean(BookService.class);
				BookService onB = b.getBean(BookService.class);
				for (String id : ids) {
					assertThat(onA.find(id)).isEqualTo("v0");
					assertThat(onB.find(id)).as("B holds the old value").isEqualTo("v0");
				}
				List<Long> stalenessNanos = new ArrayList<>(keyChanges(onA, onB, ids));
				stalenessNanos.addAll(clears(onA, onB, probe));
				Collections.sort(stalenessNanos);
				Duration max = Duration.ofNanos(stalenessNanos.get(stalenessNanos.size() - 1));
				Duration median = Duration.ofNanos(stalenessNanos.get(stalenessNanos.size() / 2));
				System.out.println("[figure] staleness across instances on " + backendName() + ", default settings, "
						+ KEY_CHANGES + " evict+put and " + CLEARS + " clears: max " + max.toMillis() + " ms, p50 "
						+ median.toMillis() + " ms");
				TierStatistics onBStatistics = ((CachekitCache) b.getBean(CachekitCacheManager.class).getCache("books"))
					.getNativeCache()
					.statistics();
				System.out.println("[figure] instance B on " + backendName() + " applied "
						+ onBStatistics.invalidationsReceivedCount() + " invalidations and repaired "
						+ onBStatistics.invalidationGapCount() + " gaps");
				assertThat(max).isLessThanOrEqualTo(staleness());
				assertThat(onBStatistics.invalidationsReceivedCount())
					.as("invalidations applied by B, which repaired %d gaps (each drops its L1 instead)",
							onBStatistics.invalidationGapCount())
					.isGreaterThanOrEqualTo(KEY_CHANGES);
			});
		});
	}

	/**
	 * Changes each key once on A, spread evenly over one refresh interval so that every
	 * phase of B's refresh is met, while B polls the changed keys.
	 * @return how long each change went unseen on B
	 */
	private static List<Long> keyChanges(BookService onA, BookService onB, List<String> ids) throws Exception {
		long[] changed = new long[ids.size()];
		Arrays.fill(changed, Long.MAX_VALUE);
		long[] seen = new long[ids.size()];
		long step = CacheConfiguration.DEFAULT_GENERATION_REFRESH.toNanos() / ids.size();
		ExecutorService instanceA = Executors.newSingleThreadExecutor();
		try {
			long start = System.nanoTime();
			Future<?> changes = instanceA.submit(() -> {
				for (int i = 0; i < ids.size(); i++) {
					LockSupport.parkNanos(start + i * step - System.nanoTime());
					database.put(ids.get(i), "v1");
					onA.remove(ids.get(i));
					onA.update(ids.get(i), "v1");
					changed[i] = System.nanoTime();
				}
				return null;
			});
			int unseen = ids.size();
			long deadline = start + Duration.ofSeconds(15).toNanos();
			while (unseen > 0) {
				for (int i = 0; i < ids.size(); i++) {
					long changedAt = changed[i];
					if (seen[i] == 0 && changedAt != Long.MAX_VALUE && "v1".equals(onB.find(ids.get(i)))) {
						seen[i] = Math.max(System.nanoTime(), changedAt);
						unseen--;
					}
				}
				if (System.nanoTime() > deadline) {
					fail("instance B did not see " + unseen + " changes");
				}
				LockSupport.parkNanos(Duration.ofMillis(1).toNanos());
			}
			changes.get(10, TimeUnit.SECONDS);
		}
		finally {
			instanceA.shutdownNow();
		}
		List<Long> staleness = new ArrayList<>();
		for (int i = 0; i < ids.size(); i++) {
			staleness.add(seen[i] - changed[i]);
		}
		return staleness;
	}

	/**
	 * Clears the cache on A a few times, each at another phase of B's refresh.
	 * @return how long each clear went unseen on B
	 */
	private static List<Long> clears(BookService onA, BookService onB, String probe) {
		List<Long> staleness = new ArrayList<>();
		long refreshMillis = CacheConfiguration.DEFAULT_GENERATION_REFRESH.toMillis();
		for (int clear = 1; clear <= CLEARS; clear++) {
			assertThat(onB.find(probe)).isEqualTo("c" + (clear - 1));
			LockSupport.parkNanos(Duration.ofMillis(refreshMillis * clear / (CLEARS + 1)).toNanos());
			database.put(probe, "c" + clear);
			onA.clear();
			long changed = System.nanoTime();
			staleness.add(awaitOnB(onB, probe, "c" + clear, changed));
		}
		return staleness;
	}

	@Test
	void idleCacheCostsOneRequestPerRefreshAndNonePerL1Hit() {
		String id = backendName() + "-idle";
		database.put(id, "v0");
		this.contextRunner.withPropertyValues(backendProperty())
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.run((context) -> {
				BookService books = context.getBean(BookService.class);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(books.find(id)).isEqualTo("v0");
				// Start-up is not idle: a subscription made in the background reads the
				// journal once when it is in place. Measure after one refresh interval.
				long warmUp = System.nanoTime();
				while (System.nanoTime() - warmUp < CacheConfiguration.DEFAULT_GENERATION_REFRESH.toNanos()) {
					assertThat(books.find(id)).isEqualTo("v0");
				}
				long before = requests(registry);
				long start = System.nanoTime();
				long hits = 0;
				while (System.nanoTime() - start < Duration.ofMillis(2500).toNanos()) {
					assertThat(books.find(id)).isEqualTo("v0");
					hits++;
				}
				long requests = requests(registry) - before;
				double refreshes = (System.nanoTime() - start) / 1e9;
				System.out.println("[figure] requests on an idle " + backendName() + " cache: " + requests + " for "
						+ hits + " L1 hits in " + String.format("%.1f", refreshes) + " refresh intervals");
				assertThat(hits).isGreaterThan(1000);
				assertThat(requests).as("one refresh per interval, nothing per L1 hit")
					.isBetween(2L * requestsPerRefresh(), 3L * requestsPerRefresh());
			});
	}

	private static long requests(MeterRegistry registry) {
		long count = 0;
		for (Timer timer : registry.find("cachekit.backend.latency").timers()) {
			count += timer.count();
		}
		return count;
	}

	private static long awaitOnB(BookService onB, String id, String expected, long changed) {
		long deadline = changed + Duration.ofSeconds(10).toNanos();
		while (!expected.equals(onB.find(id))) {
			if (System.nanoTime() > deadline) {
				fail("instance B never saw " + expected);
			}
			LockSupport.parkNanos(Duration.ofMillis(1).toNanos());
		}
		return System.nanoTime() - changed;
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class Books {

		@Bean
		BookService bookService() {
			return new BookService();
		}

	}

	static class BookService {

		@Cacheable("books")
		public String find(String id) {
			return database.getOrDefault(id, "none");
		}

		@CachePut(cacheNames = "books", key = "#id")
		public String update(String id, String title) {
			database.put(id, title);
			return title;
		}

		@CacheEvict("books")
		public void remove(String id) {
		}

		@CacheEvict(cacheNames = "books", allEntries = true)
		public void clear() {
		}

	}

}
