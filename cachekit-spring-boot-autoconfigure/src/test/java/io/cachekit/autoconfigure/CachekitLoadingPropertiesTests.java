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
 * The loading properties (load lease) bound to the caches' configuration, without any
 * server.
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

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class CachingConfiguration {

	}

}
