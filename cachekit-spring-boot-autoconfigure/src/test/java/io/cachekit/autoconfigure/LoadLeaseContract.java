package io.cachekit.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.cachekit.spring.CachekitCacheManager;
import io.cachekit.test.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.Cache;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The load lease across two application contexts on one real L2: one loader in the
 * cluster with the default lease TTL, and a holder that dies mid-load holds the others up
 * for at most the lease TTL (plus the store's expiry granularity), one poll pause and one
 * look at L2. Each backend's test class runs these checks.
 */
abstract class LoadLeaseContract {

	private static final int THREADS_PER_INSTANCE = 32;

	private static final Duration LOADER = Duration.ofMillis(200);

	private static final Duration POLL_MAX = Duration.ofMillis(100);

	/**
	 * Time for the look at L2 that follows the last pause (a get, then the add that takes
	 * the expired lease) and for the waiting thread to wake up, on a busy machine.
	 */
	private static final Duration ONE_LOOK = Duration.ofMillis(100);

	private final ExecutorService callers = Executors.newCachedThreadPool();

	/**
	 * Returns the properties that point a context at the shared L2.
	 * @return the properties
	 */
	abstract String[] backendProperties();

	/**
	 * Returns how much later than its TTL the store may drop an expired lease (memcached
	 * keeps time in whole seconds).
	 * @return the store's clock granularity
	 */
	abstract Duration expiryGranularity();

	abstract String backendName();

	/**
	 * Returns the lease TTL of the dying-holder test: short, yet long enough for the
	 * store to keep a lease through a 200 ms load.
	 * @return the lease TTL
	 */
	Duration shortLeaseTtl() {
		return Duration.ofSeconds(1);
	}

	/**
	 * Adds what a backend needs besides {@link #backendProperties()}, such as Spring
	 * Boot's Redis auto-configuration for a backend over its connection factory.
	 * @param runner the runner of each instance
	 * @return the runner to use
	 */
	ApplicationContextRunner customize(ApplicationContextRunner runner) {
		return runner;
	}

	private ApplicationContextRunner contextRunner() {
		return customize(new ApplicationContextRunner())
			.withConfiguration(AutoConfigurations.of(CachekitAutoConfiguration.class, CacheAutoConfiguration.class))
			.withUserConfiguration(BooksConfiguration.class)
			.withPropertyValues(backendProperties())
			.withPropertyValues("cachekit.lock.enabled=true", "cachekit.lock.max-wait=10s",
					"cachekit.lock.poll-max=" + POLL_MAX.toMillis() + "ms");
	}

	@AfterEach
	void stopCallers() {
		this.callers.shutdownNow();
	}

	@Test
	void twoInstancesOf32ThreadsRunASyncLoaderOnce() {
		String isbn = UUID.randomUUID().toString();
		contextRunner().run((first) -> contextRunner().run((second) -> {
			Books one = first.getBean(Books.class);
			Books two = second.getBean(Books.class);
			CountDownLatch start = new CountDownLatch(1);
			List<Future<String>> answers = new ArrayList<>();
			for (int i = 0; i < 2 * THREADS_PER_INSTANCE; i++) {
				Books instance = (i % 2 == 0) ? one : two;
				answers.add(this.callers.submit(() -> {
					start.await();
					return instance.find(isbn);
				}));
			}
			long started = System.nanoTime();
			start.countDown();
			for (Future<String> answer : answers) {
				assertThat(answer.get(30, TimeUnit.SECONDS)).isEqualTo("book " + isbn);
			}
			long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
			int loads = one.loads() + two.loads();
			System.out.println("[figure] lease on " + backendName() + ": 2 instances x " + THREADS_PER_INSTANCE
					+ " threads, @Cacheable(sync = true) with a " + LOADER.toMillis() + " ms loader: loader ran "
					+ loads + " time(s); every caller answered within " + tookMillis + " ms");
			assertThat(loads).isEqualTo(1);
		}));
	}

	@Test
	void holderThatDiesMidLoadDelaysTheOtherInstanceByAtMostTheLeaseTtl() {
		String key = UUID.randomUUID().toString();
		Duration leaseTtl = shortLeaseTtl();
		ApplicationContextRunner runner = contextRunner()
			.withPropertyValues("cachekit.lock.ttl=" + leaseTtl.toMillis() + "ms");
		runner.run((first) -> runner.run((second) -> {
			Cache dying = first.getBean(CachekitCacheManager.class).getCache("books");
			Cache other = second.getBean(CachekitCacheManager.class).getCache("books");
			// The other instance's first call to L2 may open its connection (Spring
			// Boot's factory connects lazily, up to a second to a cluster on a busy
			// machine): not part of the wait on the lease.
			other.get("warm-up-" + key);
			CountDownLatch holding = new CountDownLatch(1);
			CountDownLatch dead = new CountDownLatch(1);
			// The holder hangs mid-load and never releases its lease while the others
			// wait: as far as they can tell it died.
			long beforeLease = System.nanoTime();
			Future<?> holder = this.callers.submit(() -> dying.get(key, () -> {
				holding.countDown();
				dead.await(30, TimeUnit.SECONDS);
				throw new IllegalStateException("the holder died");
			}));
			assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
			long leaseTaken = System.nanoTime();
			AtomicLong loaderStarted = new AtomicLong();
			AtomicInteger loads = new AtomicInteger();
			List<Future<Object>> answers = new ArrayList<>();
			for (int i = 0; i < THREADS_PER_INSTANCE; i++) {
				answers.add(this.callers.submit(() -> other.get(key, () -> {
					loaderStarted.compareAndSet(0, System.nanoTime());
					loads.incrementAndGet();
					Thread.sleep(LOADER.toMillis());
					return "loaded";
				})));
			}
			for (Future<Object> answer : answers) {
				assertThat(answer.get(30, TimeUnit.SECONDS)).isEqualTo("loaded");
			}
			dead.countDown();
			holder.cancel(true);
			long heldUpMillis = TimeUnit.NANOSECONDS.toMillis(loaderStarted.get() - leaseTaken);
			Duration bound = leaseTtl.plus(expiryGranularity()).plus(POLL_MAX).plus(ONE_LOOK);
			System.out.println("[figure] lease on " + backendName() + ": a holder that died mid-load held the other "
					+ "instance up " + heldUpMillis + " ms (lease TTL " + leaseTtl.toMillis() + " ms, bound "
					+ bound.toMillis() + " ms)");
			assertThat(loads).hasValue(1);
			assertThat(heldUpMillis).isLessThanOrEqualTo(bound.toMillis());
			// The lease did hold the other instance up: it was taken after beforeLease
			// and lives at least its TTL, less memcached's second.
			assertThat(TimeUnit.NANOSECONDS.toMillis(loaderStarted.get() - beforeLease))
				.isGreaterThanOrEqualTo(leaseTtl.minus(expiryGranularity()).toMillis());
		}));
	}

	@Test
	void refreshAheadReloadsAnEntryOnceInTheCluster() throws Exception {
		String id = UUID.randomUUID().toString();
		Prices.loadsInCluster.set(0);
		ApplicationContextRunner runner = contextRunner().withPropertyValues("cachekit.caches.prices.ttl=2s",
				"cachekit.caches.prices.refresh-ahead.enabled=true", "cachekit.caches.prices.refresh-ahead.at=0.5",
				"cachekit.caches.prices.refresh-ahead.jitter=0");
		runner.run((first) -> runner.run((second) -> {
			Prices one = first.getBean(Prices.class);
			Prices two = second.getBean(Prices.class);
			String loaded = "price of " + id + " #1";
			String reloaded = "price of " + id + " #2";
			assertThat(one.price(id)).isEqualTo(loaded);
			assertThat(two.price(id)).as("read from L2, now in L1 too").isEqualTo(loaded);
			// Past the refresh point, half of a 2 s TTL (memcached's shortest useful
			// one).
			Thread.sleep(1100);
			List<Future<String>> answers = new ArrayList<>();
			for (int i = 0; i < 2 * THREADS_PER_INSTANCE; i++) {
				Prices instance = (i % 2 == 0) ? one : two;
				answers.add(this.callers.submit(() -> instance.price(id)));
			}
			for (Future<String> answer : answers) {
				assertThat(answer.get(30, TimeUnit.SECONDS)).isIn(loaded, reloaded);
			}
			assertThat(Await.until(() -> one.price(id).equals(reloaded) && two.price(id).equals(reloaded))).isTrue();
			System.out.println("[figure] refresh-ahead on " + backendName() + ": 2 instances x " + THREADS_PER_INSTANCE
					+ " threads reading an entry past its refresh point: loader ran "
					+ (Prices.loadsInCluster.get() - 1) + " time(s) to reload it");
			assertThat(Prices.loadsInCluster).hasValue(2);
		}));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class BooksConfiguration {

		@Bean
		Books books() {
			return new Books();
		}

		@Bean
		Prices prices() {
			return new Prices();
		}

	}

	static class Prices {

		/** Loads by every instance of the test together. */
		static final AtomicInteger loadsInCluster = new AtomicInteger();

		@Cacheable(cacheNames = "prices", sync = true)
		public String price(String id) {
			return "price of " + id + " #" + loadsInCluster.incrementAndGet();
		}

	}

	static class Books {

		private final AtomicInteger loads = new AtomicInteger();

		public int loads() {
			return this.loads.get();
		}

		@Cacheable(cacheNames = "books", sync = true)
		public String find(String isbn) throws InterruptedException {
			this.loads.incrementAndGet();
			Thread.sleep(LOADER.toMillis());
			return "book " + isbn;
		}

	}

}
