package io.cachekit.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

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
abstract class CoherenceContract {

	/** The shared database of both instances. */
	static final Map<String, String> database = new ConcurrentHashMap<>();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CachekitAutoConfiguration.class, CacheAutoConfiguration.class))
		.withUserConfiguration(Books.class);

	/**
	 * Returns the one property that points the instances at the shared L2.
	 * @return the property, as {@code name=value}
	 */
	abstract String backendProperty();

	/**
	 * Returns the backend's name in the figures.
	 * @return the name
	 */
	abstract String backendName();

	/**
	 * Returns the most time a change may go unseen on the other instance.
	 * @return the bound
	 */
	abstract Duration staleness();

	/**
	 * Returns the number of changes measured.
	 * @return the count
	 */
	abstract int changes();

	/**
	 * Returns how long A waits before each change, at most: spreading the changes over
	 * B's refresh interval measures every phase of it, not only the worst.
	 * @return the longest wait
	 */
	abstract Duration spread();

	/**
	 * Returns the backend requests of one refresh of an idle cache.
	 * @return the count
	 */
	abstract int requestsPerRefresh();

	@Test
	void changeOnOneInstanceIsSeenOnTheOtherWithinTheBound() {
		String id = backendName() + "-book";
		database.put(id, "v0");
		this.contextRunner.withPropertyValues(backendProperty()).run((a) -> {
			this.contextRunner.withPropertyValues(backendProperty()).run((b) -> {
				BookService onA = a.getBean(BookService.class);
				BookService onB = b.getBean(BookService.class);
				List<Long> stalenessNanos = new ArrayList<>();
				long spreadMillis = spread().toMillis();
				for (int change = 1; change <= changes(); change++) {
					String before = "v" + (change - 1);
					assertThat(onA.find(id)).isEqualTo(before);
					assertThat(onB.find(id)).as("B holds the old value").isEqualTo(before);
					if (spreadMillis > 0) {
						LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos((change * 397L) % spreadMillis));
					}
					String after = "v" + change;
					database.put(id, after);
					if (change % 5 == 0) {
						onA.clear();
					}
					else {
						onA.remove(id);
						onA.update(id, after);
					}
					long changed = System.nanoTime();
					stalenessNanos.add(awaitOnB(onB, id, after, changed));
				}
				Collections.sort(stalenessNanos);
				Duration max = Duration.ofNanos(stalenessNanos.get(stalenessNanos.size() - 1));
				Duration median = Duration.ofNanos(stalenessNanos.get(stalenessNanos.size() / 2));
				System.out.println("[figure] staleness across instances on " + backendName() + " over " + changes()
						+ " changes, default settings: max " + max.toMillis() + " ms, p50 " + median.toMillis()
						+ " ms");
				assertThat(max).isLessThanOrEqualTo(staleness());
			});
		});
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
				long before = requests(registry);
				long start = System.nanoTime();
				long hits = 0;
				while (System.nanoTime() - start < Duration.ofMillis(3500).toNanos()) {
					assertThat(books.find(id)).isEqualTo("v0");
					hits++;
				}
				long requests = requests(registry) - before;
				double refreshes = (System.nanoTime() - start) / 1e9;
				System.out.println("[figure] requests on an idle " + backendName() + " cache: " + requests + " for "
						+ hits + " L1 hits in " + String.format("%.1f", refreshes) + " refresh intervals");
				assertThat(hits).isGreaterThan(1000);
				assertThat(requests).as("one refresh per interval, nothing per L1 hit")
					.isBetween(3L * requestsPerRefresh(), 4L * requestsPerRefresh());
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
