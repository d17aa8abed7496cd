package io.cachekit.autoconfigure;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.cachekit.backend.Backend;
import io.cachekit.spring.CacheTag;
import io.cachekit.spring.CachekitCacheManager;
import io.cachekit.spring.EvictTag;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Tags through the auto-configuration, two application instances on one shared L2 (the
 * base of {@link CoherenceContract}, whose backends run it): an entry tagged in two
 * caches ({@code @Cacheable} + {@code @CacheTag}) on instance A and evicted by tag
 * ({@code @EvictTag}) on instance B is served by neither afterwards, within the bound the
 * README states for the backend, measured from B's call to A running its methods again.
 */
abstract class TagsContract {

	/** How many times each instance ran each method, by instance and key. */
	static final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

	private final ApplicationContextRunner contextRunner = customize(new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CachekitAutoConfiguration.class, CacheAutoConfiguration.class))
		.withUserConfiguration(Accounts.class));

	/**
	 * Adds what a backend needs besides {@link #backendProperty()}, such as Spring Boot's
	 * Redis auto-configuration for a backend over its connection factory. Called while
	 * the test instance is constructed.
	 * @param runner the runner of both instances
	 * @return the runner to use
	 */
	ApplicationContextRunner customize(ApplicationContextRunner runner) {
		return runner;
	}

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
	 * Returns the most time a change, or an evicted tag's entries, may go unseen on the
	 * other instance.
	 * @return the bound
	 */
	abstract Duration staleness();

	@Test
	void aTagEvictedOnOneInstanceIsServedByNeither() {
		String user = UUID.randomUUID().toString();
		this.contextRunner.withPropertyValues(backendProperty(), "instance=a").run((a) -> {
			this.contextRunner.withPropertyValues(backendProperty(), "instance=b").run((b) -> {
				AccountService onA = a.getBean(AccountService.class);
				AccountService onB = b.getBean(AccountService.class);
				String profile = onA.profile(user);
				String orders = onA.orders(user);
				assertThat(onA.profile(user)).as("cached on A").isEqualTo(profile);
				assertThat(onB.profile(user)).as("read from L2 on B").isEqualTo(profile);
				assertThat(onB.orders(user)).isEqualTo(orders);
				if (pushes()) {
					awaitPushed(onA, onB);
				}
				long evicted = System.nanoTime();
				onB.forget(user);
				assertThat(onB.profile(user)).as("B runs its method again").isNotEqualTo(profile);
				long seen = 0;
				while (seen == 0) {
					if (!onA.profile(user).equals(profile) && !onA.orders(user).equals(orders)) {
						seen = System.nanoTime() - evicted;
					}
					else if (System.nanoTime() - evicted > staleness().plusSeconds(10).toNanos()) {
						fail("instance A kept serving the entries of the evicted tag");
					}
					else {
						Thread.sleep(2);
					}
				}
				Duration staleFor = Duration.ofNanos(seen);
				System.out.println("[figure] @EvictTag on instance B (" + backendName()
						+ "): instance A stopped serving the tag's entries in both caches after " + staleFor.toMillis()
						+ " ms (bound " + staleness().toMillis() + " ms)");
				assertThat(staleFor).isLessThanOrEqualTo(staleness());
			});
		});
	}

	@Test
	void aTagCounterDeletedInTheStoreBringsNoEntryBack() {
		String user = UUID.randomUUID().toString();
		this.contextRunner.withPropertyValues(backendProperty(), "instance=a").run((a) -> {
			AccountService accounts = a.getBean(AccountService.class);
			accounts.profile(user);
			accounts.forget(user);
			String written = accounts.profile(user);
			Backend backend = a.getBean(CachekitCacheManager.class).getBackend();
			assertThat(backend).isNotNull();
			assertThat(backend.delete("cachekit:tag:user:" + user)).isTrue();
			Thread.sleep(1_100);
			assertThat(accounts.profile(user)).isNotEqualTo(written).endsWith("#3");
		});
	}

	/**
	 * Tells whether the backend pushes evictions to other instances.
	 * @return {@code true} when it does
	 */
	boolean pushes() {
		return false;
	}

	/**
	 * Waits until an eviction on B reaches A at once: A's subscription is made in the
	 * background when its cache manager starts.
	 */
	private static void awaitPushed(AccountService onA, AccountService onB) throws InterruptedException {
		String probe = "probe-" + UUID.randomUUID();
		for (int i = 0; i < 500; i++) {
			String cached = onA.profile(probe);
			onB.forget(probe);
			long deadline = System.nanoTime() + Duration.ofMillis(100).toNanos();
			while (System.nanoTime() < deadline) {
				if (!onA.profile(probe).equals(cached)) {
					return;
				}
				Thread.sleep(5);
			}
		}
		fail("instance A never heard a pushed eviction");
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class Accounts {

		@Bean
		AccountService accountService(org.springframework.core.env.Environment environment) {
			return new AccountService(environment.getProperty("instance", "a"));
		}

	}

	static class AccountService {

		private final String instance;

		AccountService(String instance) {
			this.instance = instance;
		}

		@Cacheable("profiles")
		@CacheTag("'user:' + #user")
		public String profile(String user) {
			return "profile of " + user + " by " + this.instance + " #" + count("profile", user);
		}

		@Cacheable("orders")
		@CacheTag({ "'user:' + #user", "'orders'" })
		public String orders(String user) {
			return "orders of " + user + " by " + this.instance + " #" + count("orders", user);
		}

		@EvictTag("'user:' + #user")
		public void forget(String user) {
		}

		private int count(String method, String user) {
			return calls.computeIfAbsent(this.instance + ":" + method + ":" + user, (key) -> new AtomicInteger())
				.incrementAndGet();
		}

	}

}
