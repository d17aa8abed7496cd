package io.cachekit.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.cachekit.spring.CachekitCache;
import io.cachekit.spring.CachekitCacheManager;
import io.cachekit.tier.CacheConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.cache.autoconfigure.CacheManagerCustomizer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.transaction.TransactionAwareCacheDecorator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Customizing the auto-configured cache manager without replacing it: builder
 * customizers, an application's own default {@link CacheConfiguration}, and
 * {@link CacheManagerCustomizer}s.
 */
class CachekitCacheManagerCustomizationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CachekitAutoConfiguration.class, CacheAutoConfiguration.class))
		.withUserConfiguration(CachingConfiguration.class);

	@Test
	void unsetPropertiesGiveTheEngineDefaults() {
		this.contextRunner
			.run((context) -> assertThat(context.getBean(CachekitCacheManager.class).getCacheConfiguration("any"))
				.isEqualTo(CacheConfiguration.defaults()));
	}

	@Test
	void builderCustomizerGivesACacheItsOwnConfigurationInCode() {
		this.contextRunner.withUserConfiguration(BooksCustomizerConfiguration.class).run((context) -> {
			CachekitCacheManager manager = context.getBean(CachekitCacheManager.class);
			assertThat(manager.getCacheConfiguration("books").ttl()).hasValue(Duration.ofMinutes(10));
			assertThat(manager.getCacheConfiguration("books").l1Enabled()).isFalse();
			assertThat(manager.getCacheNames()).as("declared caches exist from the start").contains("books");
			assertThat(manager.getCacheConfiguration("other").ttl()).hasValue(Duration.ofHours(1));
		});
	}

	@Test
	void builderCustomizersRunInOrderAfterTheProperties() {
		this.contextRunner.withUserConfiguration(OrderedCustomizersConfiguration.class)
			.withPropertyValues("cachekit.caches.books.ttl=5m")
			.run((context) -> {
				List<String> seen = context.getBean("seen", List.class);
				assertThat(seen).containsExactly("first saw ttl PT5M", "second");
				CachekitCacheManager manager = context.getBean(CachekitCacheManager.class);
				assertThat(manager.getCacheConfiguration("books").ttl()).hasValue(Duration.ofMinutes(7));
			});
	}

	@Test
	void applicationCacheConfigurationBeanReplacesThePropertyDefaults() {
		this.contextRunner.withUserConfiguration(OwnDefaultsConfiguration.class)
			.withPropertyValues("cachekit.default-ttl=5m", "cachekit.caches.books.l1-enabled=false")
			.run((context) -> {
				CachekitCacheManager manager = context.getBean(CachekitCacheManager.class);
				assertThat(manager.getCacheConfiguration("any").ttl()).hasValue(Duration.ofSeconds(42));
				assertThat(manager.getCacheConfiguration("any").allowNullValues()).isFalse();
				CacheConfiguration books = manager.getCacheConfiguration("books");
				assertThat(books.ttl()).as("per-cache properties start from the bean").hasValue(Duration.ofSeconds(42));
				assertThat(books.l1Enabled()).isFalse();
			});
	}

	@Test
	void cacheManagerCustomizerCanMakeTheCachesTransactionAware() {
		this.contextRunner.withUserConfiguration(TransactionAwareConfiguration.class).run((context) -> {
			CachekitCacheManager manager = context.getBean(CachekitCacheManager.class);
			assertThat(manager.isTransactionAware()).isTrue();
			assertThat(manager.getCache("books")).isInstanceOf(TransactionAwareCacheDecorator.class);
			assertThat(manager.getCaches()).singleElement().isInstanceOf(CachekitCache.class);
		});
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class CachingConfiguration {

	}

	@Configuration(proxyBeanMethods = false)
	static class BooksCustomizerConfiguration {

		@Bean
		CachekitCacheManagerBuilderCustomizer booksCache() {
			return (builder) -> builder.cache("books",
					builder.getDefaults().withTtl(Duration.ofMinutes(10)).withL1Enabled(false));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OrderedCustomizersConfiguration {

		private final List<String> seen = new ArrayList<>();

		@Bean
		List<String> seen() {
			return this.seen;
		}

		@Bean
		@Order(2)
		CachekitCacheManagerBuilderCustomizer second() {
			return (builder) -> {
				this.seen.add("second");
				builder.cache("books",
						builder.getCacheConfiguration("books").orElseThrow().withTtl(Duration.ofMinutes(7)));
			};
		}

		@Bean
		@Order(1)
		CachekitCacheManagerBuilderCustomizer first() {
			return (builder) -> this.seen.add("first saw ttl "
					+ builder.getCacheConfiguration("books").flatMap(CacheConfiguration::ttl).orElseThrow());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnDefaultsConfiguration {

		@Bean
		CacheConfiguration cachekitCacheConfiguration() {
			return CacheConfiguration.defaults().withTtl(Duration.ofSeconds(42)).withAllowNullValues(false);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TransactionAwareConfiguration {

		@Bean
		CacheManagerCustomizer<CachekitCacheManager> transactionAware() {
			return (manager) -> manager.setTransactionAware(true);
		}

	}

}
