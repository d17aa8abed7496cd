package io.cachekit.spring;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.cachekit.spring.ReactiveCachingServices.Item;
import io.cachekit.tier.CacheConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.CacheConfig;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.CachingConfigurer;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.interceptor.CacheResolver;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * A cached value that does not fit the return type of the {@code @Cacheable} method it is
 * looked up for is a miss when {@link CachekitCacheResolver} resolves the caches: the
 * method runs, its result replaces the entry, the event is counted and logged once per
 * cache. Over L1-only caches, through Spring's caching proxy.
 */
class TypeMismatchTests {

	private final CachekitCacheManager cacheManager = CachekitCacheManager
		.builder(null, CacheOperationsContract.codec())
		.defaults(CacheConfiguration.defaults().withAllowNullValues(true))
		.build();

	private final Logger logger = (Logger) LoggerFactory.getLogger(CachekitCache.class);

	private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

	private AnnotationConfigApplicationContext context;

	private TypedService service;

	private Cache cache;

	@BeforeEach
	void start() {
		this.logs.start();
		this.logger.addAppender(this.logs);
		this.context = new AnnotationConfigApplicationContext();
		this.context.registerBean("cacheManager", CacheManager.class, () -> this.cacheManager);
		this.context.register(ResolverConfiguration.class, TypedService.class);
		this.context.refresh();
		this.service = this.context.getBean(TypedService.class);
		this.cache = this.cacheManager.getCache(TypedService.CACHE);
	}

	@AfterEach
	void stop() {
		this.context.close();
		this.logger.detachAppender(this.logs);
	}

	@Test
	void stringUnderItemMethodIsMissAndMethodResultReplacesIt() {
		this.cache.put("k", "planted");
		for (int i = 0; i < 5; i++) {
			assertThat(this.service.item("k")).isEqualTo(new Item("k", 0));
		}
		assertThat(this.service.runs()).isEqualTo(1);
		assertThat(this.cache.get("k").get()).isEqualTo(new Item("k", 0));
		assertThat(mismatches()).isEqualTo(1);
	}

	@Test
	void manyMismatchesAreCountedEachAndLoggedOnce() {
		for (int i = 0; i < 20; i++) {
			this.cache.put("k" + i, "planted");
			assertThat(this.service.item("k" + i)).isEqualTo(new Item("k" + i, i));
		}
		assertThat(mismatches()).isEqualTo(20);
		assertThat(warnings()).singleElement()
			.asString()
			.contains("'typed'", "java.lang.String", "TypedService.item", "returns " + Item.class.getName());
		System.out.println("[figure] WARN lines for 20 type mismatches in one cache: " + warnings().size());
	}

	@Test
	void itemFitsItsMethodAndIsNotCounted() {
		this.service.item("k");
		this.service.item("k");
		assertThat(this.service.runs()).isEqualTo(1);
		assertThat(mismatches()).isZero();
		assertThat(warnings()).isEmpty();
	}

	@Test
	void optionalMethodAcceptsItsElementAndTheNullMarker() {
		this.cache.put("item", new Item("cached", 9));
		this.cache.put("null", null);
		assertThat(this.service.optional("item")).contains(new Item("cached", 9));
		assertThat(this.service.optional("null")).isEmpty();
		assertThat(this.service.runs()).isZero();
		assertThat(mismatches()).isZero();
	}

	@Test
	void stringUnderOptionalMethodIsMiss() {
		this.cache.put("k", "planted");
		assertThat(this.service.optional("k")).contains(new Item("k", 0));
		assertThat(this.service.optional("k")).contains(new Item("k", 0));
		assertThat(this.service.runs()).isEqualTo(1);
		assertThat(mismatches()).isEqualTo(1);
	}

	@Test
	void stringUnderFutureMethodIsMiss() {
		this.cache.put("k", "planted");
		assertThat(this.service.future("k").join()).isEqualTo(new Item("k", 0));
		assertThat(this.service.future("k").join()).isEqualTo(new Item("k", 0));
		assertThat(this.service.runs()).isEqualTo(1);
		assertThat(mismatches()).isEqualTo(1);
	}

	@Test
	void stringUnderMonoMethodIsMiss() {
		this.cache.put("k", "planted");
		assertThat(this.service.mono("k").block()).isEqualTo(new Item("k", 0));
		assertThat(this.service.mono("k").block()).isEqualTo(new Item("k", 0));
		assertThat(this.service.runs()).isEqualTo(1);
		assertThat(mismatches()).isEqualTo(1);
	}

	@Test
	void fluxMethodChecksEveryElement() {
		this.cache.put("k", new ArrayList<>(List.of(new Item("a", 7), "planted")));
		assertThat(this.service.flux("k").collectList().block()).containsExactly(new Item("k", 0));
		assertThat(this.service.flux("k").collectList().block()).containsExactly(new Item("k", 0));
		assertThat(this.service.runs()).isEqualTo(1);
		assertThat(mismatches()).isEqualTo(1);
	}

	@Test
	void fluxMethodAcceptsOneElementAsSpringDoes() {
		this.cache.put("k", new Item("cached", 3));
		assertThat(this.service.flux("k").collectList().block()).containsExactly(new Item("cached", 3));
		assertThat(this.service.runs()).isZero();
	}

	@Test
	void syncItemMethodOverStringLoadsOnceAndReplaces() {
		this.cache.put("k", "planted");
		assertThat(this.service.itemSync("k")).isEqualTo(new Item("k", 0));
		assertThat(this.service.itemSync("k")).isEqualTo(new Item("k", 0));
		assertThat(this.service.runs()).isEqualTo(1);
		assertThat(this.cache.get("k").get()).isEqualTo(new Item("k", 0));
		assertThat(mismatches()).isEqualTo(1);
	}

	@Test
	void syncFutureMonoAndFluxMethodsOverStringAreMisses() {
		this.cache.put("f", "planted");
		this.cache.put("m", "planted");
		this.cache.put("x", "planted");
		assertThat(this.service.futureSync("f").join()).isEqualTo(new Item("f", 0));
		assertThat(this.service.monoSync("m").block()).isEqualTo(new Item("m", 1));
		assertThat(this.service.fluxSync("x").collectList().block()).containsExactly(new Item("x", 2));
		assertThat(this.service.futureSync("f").join()).isEqualTo(new Item("f", 0));
		assertThat(this.service.monoSync("m").block()).isEqualTo(new Item("m", 1));
		assertThat(this.service.fluxSync("x").collectList().block()).containsExactly(new Item("x", 2));
		assertThat(this.service.runs()).isEqualTo(3);
		assertThat(mismatches()).isEqualTo(3);
	}

	@Test
	void syncFluxMethodNeedsAList() {
		this.cache.put("x", new Item("cached", 3));
		assertThat(this.service.fluxSync("x").collectList().block()).containsExactly(new Item("x", 0));
		assertThat(mismatches()).isEqualTo(1);
	}

	@Test
	void primitiveMethodAcceptsItsBoxButNeitherNullNorOtherTypes() {
		this.cache.put("boxed", 7);
		this.cache.put("null", null);
		this.cache.put("long", 7L);
		assertThat(this.service.count("boxed")).isEqualTo(7);
		assertThat(this.service.runs()).isZero();
		assertThat(this.service.count("null")).isEqualTo(-1);
		assertThat(this.service.count("long")).isEqualTo(-2);
		assertThat(mismatches()).isEqualTo(2);
	}

	@Test
	void genericReturnTypeChecksOnlyTheRawClass() {
		this.cache.put("strings", new ArrayList<>(List.of("not", "items")));
		this.cache.put("string", "planted");
		assertThat(this.service.list("strings")).hasSize(2);
		assertThat(this.service.runs()).isZero();
		assertThat(this.service.list("string")).containsExactly(new Item("string", 0));
		assertThat(mismatches()).isEqualTo(1);
	}

	@Test
	void objectMethodAcceptsAnything() {
		this.cache.put("k", "planted");
		assertThat(this.service.anything("k")).isEqualTo("planted");
		assertThat(this.service.runs()).isZero();
		assertThat(mismatches()).isZero();
	}

	@Test
	void typedGetKeepsSpringsContract() {
		this.cache.put("k", "planted");
		assertThatIllegalStateException().isThrownBy(() -> this.cache.get("k", Item.class));
		CacheResolver resolver = this.context.getBean(CachingConfigurer.class).cacheResolver();
		assertThat(resolver).isInstanceOf(CachekitCacheResolver.class);
	}

	private long mismatches() {
		return ((CachekitCache) this.cache).getTypeMismatchCount();
	}

	private List<String> warnings() {
		return this.logs.list.stream()
			.filter((event) -> event.getLevel() == Level.WARN)
			.map(ILoggingEvent::getFormattedMessage)
			.toList();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching(proxyTargetClass = true)
	static class ResolverConfiguration implements CachingConfigurer {

		private final CacheManager cacheManager;

		ResolverConfiguration(CacheManager cacheManager) {
			this.cacheManager = cacheManager;
		}

		@Override
		public CacheResolver cacheResolver() {
			return CachekitCacheResolver.of(this.cacheManager);
		}

	}

	/**
	 * Methods of several return types over one cache; each run answers the next serial
	 * number, or a negative number for {@link #count}.
	 */
	@CacheConfig(cacheNames = TypedService.CACHE)
	static class TypedService {

		static final String CACHE = "typed";

		private final AtomicInteger runs = new AtomicInteger();

		int runs() {
			return this.runs.get();
		}

		private Item next(String key) {
			return new Item(key, this.runs.getAndIncrement());
		}

		@Cacheable
		public Item item(String key) {
			return next(key);
		}

		@Cacheable(sync = true)
		public Item itemSync(String key) {
			return next(key);
		}

		@Cacheable
		public Optional<Item> optional(String key) {
			return Optional.of(next(key));
		}

		@Cacheable
		public CompletableFuture<Item> future(String key) {
			return CompletableFuture.completedFuture(next(key));
		}

		@Cacheable(sync = true)
		public CompletableFuture<Item> futureSync(String key) {
			return CompletableFuture.completedFuture(next(key));
		}

		@Cacheable
		public Mono<Item> mono(String key) {
			return Mono.fromSupplier(() -> next(key));
		}

		@Cacheable(sync = true)
		public Mono<Item> monoSync(String key) {
			return Mono.fromSupplier(() -> next(key));
		}

		@Cacheable
		public Flux<Item> flux(String key) {
			return Flux.defer(() -> Flux.just(next(key)));
		}

		@Cacheable(sync = true)
		public Flux<Item> fluxSync(String key) {
			return Flux.defer(() -> Flux.just(next(key)));
		}

		@Cacheable
		public int count(String key) {
			return -this.runs.incrementAndGet();
		}

		@Cacheable
		public List<Item> list(String key) {
			return List.of(next(key));
		}

		@Cacheable
		public Object anything(String key) {
			return next(key);
		}

	}

}
