package io.cachekit.autoconfigure;

import java.time.Duration;

import io.cachekit.spring.CachekitCacheManager;
import io.cachekit.tier.CacheConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The loading properties (load lease, refresh-ahead, serve-stale) bound to the caches'
 * configuration, without any server.
 */
class CachekitLoadingPropertiesTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CachekitAutoConfiguration.class, CacheAutoConfiguration.class))
		.withUserConfiguration(CachingConfiguration.class);

	@Test
	void leaseIsOffByDefaultWithTheEngineDefaults() {
		this.contextRunner.run((context) -> {
			CacheConfiguration any = context.getBean(CachekitCacheManager.class).getCacheConfiguration("any");
			assertThat(any.leaseEnabled()).isFalse();
			assertThat(any.leaseTtl()).isEqualTo(CacheConfiguration.DEFAULT_LEASE_TTL);
			assertThat(any.leaseMaxWait()).isEqualTo(CacheConfiguration.DEFAULT_LEASE_MAX_WAIT);
		});
	}

	@Test
	void globalLeaseSettingsApplyToEveryCacheAndACacheOverridesThem() {
		this.contextRunner
			.withPropertyValues("cachekit.lock.enabled=true", "cachekit.lock.ttl=2s", "cachekit.lock.max-wait=3s",
					"cachekit.lock.poll-initial=5ms", "cachekit.lock.poll-max=50ms",
					"cachekit.caches.books.lock.enabled=false", "cachekit.caches.authors.lock.ttl=7s")
			.run((context) -> {
				CachekitCacheManager manager = context.getBean(CachekitCacheManager.class);
				CacheConfiguration any = manager.getCacheConfiguration("any");
				assertThat(any.leaseEnabled()).isTrue();
				assertThat(any.leaseTtl()).isEqualTo(Duration.ofSeconds(2));
				assertThat(any.leaseMaxWait()).isEqualTo(Duration.ofSeconds(3));
				assertThat(any.leasePollInitial()).isEqualTo(Duration.ofMillis(5));
				assertThat(any.leasePollMax()).isEqualTo(Duration.ofMillis(50));
				assertThat(manager.getCacheConfiguration("books").leaseEnabled()).isFalse();
				CacheConfiguration authors = manager.getCacheConfiguration("authors");
				assertThat(authors.leaseEnabled()).isTrue();
				assertThat(authors.leaseTtl()).isEqualTo(Duration.ofSeconds(7));
				assertThat(authors.leaseMaxWait()).isEqualTo(Duration.ofSeconds(3));
			});
	}

	@Test
	void leaseTtlOfZeroFailsStartupNamingTheProperty() {
		this.contextRunner.withPropertyValues("cachekit.caches.books.lock.ttl=0s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("cachekit.caches.books.lock.ttl")
				.hasMessageContaining("must be positive");
		});
	}

	@Test
	void pollMaxShorterThanPollInitialFailsStartupNamingTheProperty() {
		this.contextRunner.withPropertyValues("cachekit.lock.poll-initial=200ms", "cachekit.lock.poll-max=100ms")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("cachekit.lock.poll-max")
					.hasMessageContaining("must not be shorter than cachekit.lock.poll-initial");
			});
	}

	@Test
	void unknownLeaseSettingOfACacheFailsStartup() {
		this.contextRunner.withPropertyValues("cachekit.caches.books.lock.tll=2s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("cachekit.caches.books.lock.tll");
		});
	}

	@Test
	void refreshAheadAndServeStaleAreOffByDefault() {
		this.contextRunner.run((context) -> {
			CacheConfiguration any = context.getBean(CachekitCacheManager.class).getCacheConfiguration("any");
			assertThat(any.refreshAheadEnabled()).isFalse();
			assertThat(any.refreshAheadAt()).isEqualTo(0.8);
			assertThat(any.refreshAheadJitter()).isEqualTo(0.05);
			assertThat(any.serveStaleGrace()).isZero();
		});
	}

	@Test
	void globalRefreshAheadAndServeStaleApplyToEveryCacheAndACacheOverridesThem() {
		this.contextRunner
			.withPropertyValues("cachekit.refresh-ahead.enabled=true", "cachekit.refresh-ahead.at=0.7",
					"cachekit.refresh-ahead.jitter=0.1", "cachekit.serve-stale.grace=5m",
					"cachekit.caches.books.refresh-ahead.enabled=false", "cachekit.caches.books.serve-stale.grace=0s",
					"cachekit.caches.authors.refresh-ahead.at=0.9")
			.run((context) -> {
				CachekitCacheManager manager = context.getBean(CachekitCacheManager.class);
				CacheConfiguration any = manager.getCacheConfiguration("any");
				assertThat(any.refreshAheadEnabled()).isTrue();
				assertThat(any.refreshAheadAt()).isEqualTo(0.7);
				assertThat(any.refreshAheadJitter()).isEqualTo(0.1);
				assertThat(any.serveStaleGrace()).isEqualTo(Duration.ofMinutes(5));
				CacheConfiguration books = manager.getCacheConfiguration("books");
				assertThat(books.refreshAheadEnabled()).isFalse();
				assertThat(books.serveStaleGrace()).isZero();
				CacheConfiguration authors = manager.getCacheConfiguration("authors");
				assertThat(authors.refreshAheadAt()).isEqualTo(0.9);
				assertThat(authors.refreshAheadJitter()).isEqualTo(0.1);
				assertThat(authors.serveStaleGrace()).isEqualTo(Duration.ofMinutes(5));
			});
	}

	@Test
	void refreshPointOutOfRangeFailsStartupNamingTheProperty() {
		this.contextRunner.withPropertyValues("cachekit.caches.books.refresh-ahead.at=1.5").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("cachekit.caches.books.refresh-ahead.at")
				.hasMessageContaining("must be above 0 and below 1");
		});
	}

	@Test
	void negativeGraceFailsStartupNamingTheProperty() {
		this.contextRunner.withPropertyValues("cachekit.serve-stale.grace=-1s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("cachekit.serve-stale.grace")
				.hasMessageContaining("must not be negative");
		});
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class CachingConfiguration {

	}

}
