package io.cachekit.autoconfigure;

import java.util.UUID;

import io.cachekit.spring.CachekitCacheManager;
import io.cachekit.spring.EvictTagAdvisor;
import io.cachekit.spring.TagAnnotationsCheck;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tags through the auto-configuration with caches that have L1 only
 * ({@code cachekit.backend=none}): the versions live in-process, and {@code @EvictTag}
 * evicts the tag's entries in every cache.
 */
class L1OnlyTagsTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CachekitAutoConfiguration.class, CacheAutoConfiguration.class))
		.withUserConfiguration(TagsContract.Accounts.class)
		.withPropertyValues("cachekit.backend=none", "instance=l1");

	@Test
	void aTagEvictedByAnnotationIsEvictedInEveryCache() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(EvictTagAdvisor.class).hasSingleBean(TagAnnotationsCheck.class);
			assertThat(context.getBean(CachekitCacheManager.class).getBackend()).isNull();
			TagsContract.AccountService accounts = context.getBean(TagsContract.AccountService.class);
			String user = UUID.randomUUID().toString();
			String profile = accounts.profile(user);
			String orders = accounts.orders(user);
			assertThat(accounts.profile(user)).isEqualTo(profile);
			accounts.forget(user);
			assertThat(accounts.profile(user)).isNotEqualTo(profile).endsWith("#2");
			assertThat(accounts.orders(user)).isNotEqualTo(orders).endsWith("#2");
		});
	}

}
