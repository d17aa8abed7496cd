package io.cachekit.spring;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.cachekit.codec.CodecException;
import io.cachekit.codec.MessagePackCodec;
import io.cachekit.test.InMemoryBackend;
import io.cachekit.test.ManualTime;
import io.cachekit.tier.Tier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.CachingConfigurer;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.interceptor.CacheResolver;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link CacheTag @CacheTag} and {@link EvictTag @EvictTag} on Spring beans, in two
 * application contexts over one backend: entries tagged by SpEL over the arguments and
 * the result in two caches, evicted by tag from the other context, before or after the
 * method; expressions that do not parse fail the start; one that fails at run time leaves
 * the key uncached without failing the call.
 */
class CacheTagAnnotationsTests {

	private final ManualTime time = new ManualTime();

	private final InMemoryBackend backend = InMemoryBackend.create(this.time);

	private AnnotationConfigApplicationContext a;

	private AnnotationConfigApplicationContext b;

	@AfterEach
	void close() {
		for (AnnotationConfigApplicationContext context : new AnnotationConfigApplicationContext[] { this.a, this.b }) {
			if (context != null) {
				context.close();
			}
		}
	}

	private AnnotationConfigApplicationContext start(Class<?>... components) {
		CachekitCacheManager manager = CachekitCacheManager.builder(this.backend, MessagePackCodec.withDefaults())
			.time(this.time, this.time)
			.build();
		AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
		context.registerBean("cacheManager", CachekitCacheManager.class, () -> manager);
		context.register(TaggingConfiguration.class);
		context.register(components);
		context.refresh();
		return context;
	}

	@Test
	void aTagEvictedInOneContextEvictsTheTaggedEntriesOfBothCachesInTheOther() {
		this.a = start(Accounts.class);
		this.b = start(Accounts.class);
		Accounts here = this.a.getBean(Accounts.class);
		Accounts there = this.b.getBean(Accounts.class);
		assertThat(here.profile(42)).isEqualTo("profile 42 #1");
		assertThat(here.orders(42)).isEqualTo(List.of("order-42-a", "order-42-b"));
		assertThat(here.profile(43)).isEqualTo("profile 43 #3");
		assertThat(here.profile(42)).as("cached").isEqualTo("profile 42 #1");
		assertThat(there.profile(42)).as("read from L2").isEqualTo("profile 42 #1");
		there.forget(42);
		assertThat(here.profile(42)).as("evicted").isEqualTo("profile 42 #4");
		assertThat(here.orders(42)).as("evicted in the other cache").isEqualTo(List.of("order-42-a", "order-42-b"));
		assertThat(here.calls()).isEqualTo(5);
		assertThat(here.profile(43)).as("another tag").isEqualTo("profile 43 #3");
	}

	@Test
	void aTagGivenByTheResultIsEvictedToo() {
		this.a = start(Accounts.class);
		Accounts accounts = this.a.getBean(Accounts.class);
		accounts.orders(7);
		int calls = accounts.calls();
		accounts.forgetOrder("order-7-b");
		accounts.orders(7);
		assertThat(accounts.calls()).isEqualTo(calls + 1);
	}

	@Test
	void aCachePutStoresItsValueWithItsTags() {
		this.a = start(Accounts.class);
		Accounts accounts = this.a.getBean(Accounts.class);
		accounts.rename(42, "renamed");
		assertThat(accounts.profile(42)).isEqualTo("renamed");
		accounts.forget(42);
		assertThat(accounts.profile(42)).startsWith("profile 42");
	}

	@Test
	void anEvictionBeforeTheMethodHappensEvenWhenItThrows() {
		this.a = start(Accounts.class);
		Accounts accounts = this.a.getBean(Accounts.class);
		accounts.profile(42);
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> accounts.failAfterForgetting(42));
		assertThat(accounts.profile(42)).endsWith("#2");
	}

	@Test
	void anExpressionThatFailsAtRunTimeLeavesTheKeyUncachedWithoutFailingTheCall() {
		this.a = start(Accounts.class);
		Accounts accounts = this.a.getBean(Accounts.class);
		assertThat(accounts.nameOf(null)).isEqualTo("nobody");
		assertThat(accounts.nameOf(null)).isEqualTo("nobody");
		assertThat(accounts.calls()).as("not cached").isEqualTo(2);
		CachekitCache names = (CachekitCache) this.a.getBean(CacheManager.class).getCache("names");
		assertThat(names.getTagFailureCount()).isEqualTo(2);
	}

	@Test
	void aTagThatIsNotValidAtRunTimeLeavesTheKeyUncached() {
		this.a = start(Accounts.class);
		Accounts accounts = this.a.getBean(Accounts.class);
		accounts.withSpace("a b");
		accounts.withSpace("a b");
		assertThat(accounts.calls()).isEqualTo(2);
		CachekitCache names = (CachekitCache) this.a.getBean(CacheManager.class).getCache("names");
		assertThat(names.getNativeCache().statistics(Tier.L2).codecErrorCount(CodecException.Kind.UNSERIALIZABLE))
			.isEqualTo(2);
	}

	@Test
	void anExpressionThatDoesNotParseFailsTheStartNamingTheMethod() {
		assertThatExceptionOfType(BeanCreationException.class).isThrownBy(() -> start(Unparsable.class))
			.withMessageContaining("Unparsable.profile()")
			.withMessageContaining("'user:' +");
	}

	@Test
	void aLiteralTagThatIsNotValidFailsTheStart() {
		assertThatExceptionOfType(BeanCreationException.class).isThrownBy(() -> start(BadLiteral.class))
			.withMessageContaining("BadLiteral.forgetAll()")
			.withMessageContaining("whitespace");
	}

	@Test
	void aTagOnASynchronizedCacheableFailsTheStart() {
		assertThatExceptionOfType(BeanCreationException.class).isThrownBy(() -> start(Synchronized.class))
			.withMessageContaining("Synchronized.profile()")
			.withMessageContaining("sync = true");
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching(proxyTargetClass = true)
	static class TaggingConfiguration implements CachingConfigurer {

		private final CachekitCacheManager cacheManager;

		TaggingConfiguration(CachekitCacheManager cacheManager) {
			this.cacheManager = cacheManager;
		}

		@Override
		public CacheResolver cacheResolver() {
			return CachekitCacheResolver.of(this.cacheManager);
		}

		@Bean
		@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
		static EvictTagAdvisor evictTagAdvisor(
				org.springframework.beans.factory.ObjectProvider<CachekitCacheManager> manager) {
			return new EvictTagAdvisor(manager::getObject);
		}

		@Bean
		static TagAnnotationsCheck tagAnnotationsCheck() {
			return new TagAnnotationsCheck();
		}

	}

	static class Accounts {

		private final AtomicInteger calls = new AtomicInteger();

		public int calls() {
			return this.calls.get();
		}

		@Cacheable("users")
		@CacheTag("'user:' + #id")
		public String profile(int id) {
			return "profile " + id + " #" + this.calls.incrementAndGet();
		}

		@Cacheable("orders")
		@CacheTag({ "'user:' + #id", "#result" })
		public List<String> orders(int id) {
			this.calls.incrementAndGet();
			return List.of("order-" + id + "-a", "order-" + id + "-b");
		}

		@CachePut(cacheNames = "users", key = "#id")
		@CacheTag("'user:' + #id")
		public String rename(int id, String name) {
			return name;
		}

		@EvictTag("'user:' + #id")
		public void forget(int id) {
		}

		@EvictTag("#order")
		public void forgetOrder(String order) {
		}

		@EvictTag(value = "'user:' + #id", beforeInvocation = true)
		public void failAfterForgetting(int id) {
			throw new IllegalStateException("failed after the eviction");
		}

		@Cacheable(cacheNames = "names", key = "'nobody'")
		@CacheTag("'user:' + #name.length()")
		public String nameOf(String name) {
			this.calls.incrementAndGet();
			return "nobody";
		}

		@Cacheable("names")
		@CacheTag("#name")
		public String withSpace(String name) {
			this.calls.incrementAndGet();
			return name;
		}

	}

	static class Unparsable {

		@Cacheable("users")
		@CacheTag("'user:' + ")
		public String profile(int id) {
			return "x";
		}

	}

	static class Synchronized {

		@Cacheable(cacheNames = "users", sync = true)
		@CacheTag("'user:' + #id")
		public String profile(int id) {
			return "x";
		}

	}

	static class BadLiteral {

		@EvictTag("'all users'")
		public void forgetAll() {
		}

	}

}
