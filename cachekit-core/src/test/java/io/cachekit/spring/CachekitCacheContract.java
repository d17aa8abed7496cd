package io.cachekit.spring;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import io.cachekit.backend.Backend;
import io.cachekit.backend.BackendErrorType;
import io.cachekit.spring.ReactiveCachingServices.AbstractCountingService;
import io.cachekit.spring.ReactiveCachingServices.CountingService;
import io.cachekit.spring.ReactiveCachingServices.FailingService;
import io.cachekit.spring.ReactiveCachingServices.Item;
import io.cachekit.spring.ReactiveCachingServices.ItemFluxes;
import io.cachekit.spring.ReactiveCachingServices.ItemFutures;
import io.cachekit.spring.ReactiveCachingServices.ItemMonos;
import io.cachekit.spring.ReactiveCachingServices.ItemService;
import io.cachekit.spring.ReactiveCachingServices.ReactiveService;
import io.cachekit.spring.ReactiveCachingServices.SyncCountingService;
import io.cachekit.spring.ReactiveCachingServices.SyncFailingService;
import io.cachekit.spring.ReactiveCachingServices.SyncItemFluxes;
import io.cachekit.spring.ReactiveCachingServices.SyncItemFutures;
import io.cachekit.spring.ReactiveCachingServices.SyncItemMonos;
import io.cachekit.test.FaultInjectingBackend;
import io.cachekit.tier.CacheConfiguration;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import org.springframework.cache.Cache;
import org.springframework.cache.Cache.ValueWrapper;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

import static io.cachekit.spring.CachingContexts.awaitCached;
import static io.cachekit.spring.CachingContexts.itemCache;
import static io.cachekit.spring.CachingContexts.reactiveCache;
import static io.cachekit.spring.CachingContexts.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Spring's cache contract over every kind of L2 a {@link CachekitCache} can have (none,
 * memcached, Redis, file), each with L1 on and off: the {@code Cache} operations of
 * {@link CacheOperationsContract}, and {@code @Cacheable} methods that answer a
 * {@code CompletableFuture}, a {@code Mono} or a {@code Flux}.
 *
 * <p>
 * It covers, in its own words, every case of Spring Framework's cache tests that are not
 * published as a jar: {@code AbstractCacheTests} and
 * {@code AbstractValueAdaptingCacheTests} in {@link CacheOperationsContract}; here the
 * {@code @Cacheable} methods of {@code ReactiveCachingTests},
 * {@code CaffeineReactiveCachingTests} and the reactive cases of {@code CacheReproTests},
 * run in a real application context with {@code @EnableCaching} and a
 * {@link CachekitCacheManager} ({@link CachingContexts}) over the services of
 * {@link ReactiveCachingServices}.
 *
 * <p>
 * A subclass names the L2 and whether L1 is on.
 */
abstract class CachekitCacheContract extends CacheOperationsContract {

	/**
	 * Creates a cache manager over the given L2 whose caches are set up as the caches of
	 * {@link CacheOperationsContract} are: with or without L1 as the subclass says.
	 * @param backend the L2, or {@code null} for L1 only
	 * @param allowNullValues whether its caches cache {@code null}
	 * @return the manager
	 */
	private CachekitCacheManager cacheManager(@Nullable Backend backend, boolean allowNullValues) {
		return CachekitCacheManager.builder(backend, codec())
			.defaults(CacheConfiguration.defaults().withL1Enabled(l1Enabled()).withAllowNullValues(allowNullValues))
			.build();
	}

	// ReactiveCachingTests and CaffeineReactiveCachingTests: cacheHitDetermination.
	// Spring runs it over four cache managers: early and late hit determination, with a
	// ValueWrapper or a bare value from retrieve(key). A CachekitCache answers a
	// ValueWrapper when it allows nulls and the bare value when it does not, so the two
	// settings of allowNullValues cover both shapes.

	@Test
	void reactiveMethodsRunOnceAndThenAnswerFromTheCache() {
		assertReactiveMethodsRunOncePerKey(true);
	}

	@Test
	void reactiveMethodsRunOnceAndThenAnswerFromTheCacheWhenNullsAreNotAllowed() {
		assertReactiveMethodsRunOncePerKey(false);
	}

	private void assertReactiveMethodsRunOncePerKey(boolean allowNullValues) {
		try (AnnotationConfigApplicationContext context = start(cacheManager(backend(), allowNullValues),
				CountingService.class)) {
			CountingService service = context.getBean(CountingService.class);

			Long future = service.future("future").join();
			assertThat(future).isNotNull();
			assertThat(service.future("future").join()).isEqualTo(future);
			assertThat(service.future("future").join()).isEqualTo(future);

			Long mono = service.mono("mono").block();
			assertThat(mono).isNotNull();
			assertThat(service.mono("mono").block()).isEqualTo(mono);
			assertThat(service.mono("mono").block()).isEqualTo(mono);

			Long fluxFirst = service.flux("flux-first").blockFirst();
			assertThat(fluxFirst).isNotNull();
			awaitCached(context, "flux-first");
			assertThat(service.flux("flux-first").blockFirst()).isEqualTo(fluxFirst);
			assertThat(service.flux("flux-first").blockFirst()).isEqualTo(fluxFirst);

			List<Long> fluxAll = service.flux("flux-all").collectList().block();
			assertThat(fluxAll).hasSize(5);
			assertThat(service.flux("flux-all").collectList().block()).isEqualTo(fluxAll);
			assertThat(service.flux("flux-all").collectList().block()).isEqualTo(fluxAll);

			// A Flux method answers what a Mono method cached under the same key.
			Long shared = service.mono("shared").block();
			assertThat(shared).isNotNull();
			assertThat(service.mono("shared").block()).isEqualTo(shared);
			assertThat(service.flux("shared").collectList().block()).containsExactly(shared);

			// One run per key: future, mono, flux-first, flux-all, shared.
			assertThat(service.runs()).isEqualTo(5);
		}
	}

	// The same with sync = true, which goes through retrieve(key, loader): Spring checks
	// it in CacheReproTests (below) with a Cache.clear() in between.

	@Test
	void synchronizedReactiveMethodsRunOnceAndThenAnswerFromTheCache() {
		assertSynchronizedReactiveMethodsRunOncePerKey(true);
	}

	@Test
	void synchronizedReactiveMethodsRunOnceAndThenAnswerFromTheCacheWhenNullsAreNotAllowed() {
		assertSynchronizedReactiveMethodsRunOncePerKey(false);
	}

	private void assertSynchronizedReactiveMethodsRunOncePerKey(boolean allowNullValues) {
		try (AnnotationConfigApplicationContext context = start(cacheManager(backend(), allowNullValues),
				SyncCountingService.class)) {
			SyncCountingService service = context.getBean(SyncCountingService.class);

			Long future = service.future("future").join();
			assertThat(future).isNotNull();
			assertThat(service.future("future").join()).isEqualTo(future);

			Long mono = service.mono("mono").block();
			assertThat(mono).isNotNull();
			assertThat(service.mono("mono").block()).isEqualTo(mono);

			// Synchronized, a Flux is collected whole and cached before its first element
			// is delivered.
			Long fluxFirst = service.flux("flux").blockFirst();
			assertThat(fluxFirst).isNotNull();
			assertThat(service.flux("flux").collectList().block()).containsExactly(fluxFirst, 0L, -1L, -2L, -3L);
			assertThat(service.flux("flux").blockFirst()).isEqualTo(fluxFirst);

			assertThat(service.runs()).isEqualTo(3);
		}
	}

	// ReactiveCachingTests and CaffeineReactiveCachingTests:
	// fluxCacheDoesntDependOnFirstRequest

	@Test
	void fluxIsCachedWholeWhenTheFirstSubscriberTakesPartOfIt() {
		assertFluxIsCachedWhole(true);
	}

	@Test
	void fluxIsCachedWholeWhenTheFirstSubscriberTakesPartOfItAndNullsAreNotAllowed() {
		assertFluxIsCachedWhole(false);
	}

	private void assertFluxIsCachedWhole(boolean allowNullValues) {
		try (AnnotationConfigApplicationContext context = start(cacheManager(backend(), allowNullValues),
				CountingService.class)) {
			CountingService service = context.getBean(CountingService.class);
			List<Long> one = service.flux("k").take(1L, true).collectList().block();
			assertThat(one).hasSize(1);
			Long first = one.get(0);
			awaitCached(context, "k");
			assertThat(service.flux("k").take(3L, true).collectList().block()).containsExactly(first, 0L, -1L);
			assertThat(service.flux("k").collectList().block()).containsExactly(first, 0L, -1L, -2L, -3L);
			assertThat(service.runs()).isEqualTo(1);
		}
	}

	// ReactiveCachingTests: cacheErrorHandlerWithSimpleCacheErrorHandler[AndSync] and
	// cacheErrorHandlerWithLoggingCacheErrorHandler[AndSync]. Spring's cache throws from
	// retrieve and put there; a CachekitCache never lets an L2 failure reach the caller,
	// so with Spring's default error handler the method answers as if there were no
	// cache.

	@Test
	void reactiveMethodsAnswerWhenEveryL2CallFails() {
		assertAnswersWhenEveryL2CallFails(CountingService.class);
	}

	@Test
	void synchronizedReactiveMethodsAnswerWhenEveryL2CallFails() {
		assertAnswersWhenEveryL2CallFails(SyncCountingService.class);
	}

	/**
	 * Returns the L2 under test with every call failing as the network does.
	 * @return the failing backend, or {@code null} for L1 only (nothing can fail)
	 */
	private @Nullable Backend failing() {
		FaultInjectingBackend failing = faultInjecting(backend());
		return (failing != null) ? failing.fail(BackendErrorType.TRANSIENT) : null;
	}

	private void assertAnswersWhenEveryL2CallFails(Class<? extends AbstractCountingService> serviceType) {
		try (AnnotationConfigApplicationContext context = start(cacheManager(failing(), true), serviceType)) {
			ReactiveService service = context.getBean(serviceType);
			assertThat(service.future("future").join()).isEqualTo(0L);
			assertThat(service.mono("mono").block()).isEqualTo(1L);
			assertThat(service.flux("flux").blockFirst()).isEqualTo(2L);
		}
	}

	// ReactiveCachingTests:
	// cacheErrorHandlerWithLoggingCacheErrorHandlerAndOperationException[AndSync]

	@Test
	void failuresOfReactiveMethodsReachTheCallerAndAreNotCached() {
		assertFailuresReachTheCaller(FailingService.class);
	}

	@Test
	void failuresOfSynchronizedReactiveMethodsReachTheCallerAndAreNotCached() {
		assertFailuresReachTheCaller(SyncFailingService.class);
	}

	private void assertFailuresReachTheCaller(Class<? extends ReactiveService> serviceType) {
		try (AnnotationConfigApplicationContext context = start(cacheManager(backend(), true), serviceType)) {
			ReactiveService service = context.getBean(serviceType);
			assertThatExceptionOfType(CompletionException.class).isThrownBy(() -> service.future("future").join())
				.withCauseExactlyInstanceOf(IllegalStateException.class)
				.withMessage(IllegalStateException.class.getName() + ": future failed");
			StepVerifier.create(service.mono("mono")).expectErrorMessage("mono failed").verify(Duration.ofSeconds(30));
			StepVerifier.create(service.flux("flux")).expectErrorMessage("flux failed").verify(Duration.ofSeconds(30));
			Cache first = reactiveCache(context);
			assertThat(first.get("future")).isNull();
			assertThat(first.get("mono")).isNull();
			assertThat(first.get("flux")).isNull();
		}
	}

	// CacheReproTests: spr14235AdaptsToCompletableFuture, ...ToReactorMono,
	// ...ToReactorFlux (@Cacheable with unless, a null or empty result, @CachePut and
	// @CacheEvict(allEntries) on reactive methods). One scenario, called through each
	// shape.

	@Test
	void completableFutureMethodsAreCachedPutAndEvicted() {
		try (AnnotationConfigApplicationContext context = start(cacheManager(backend(), true), ItemFutures.class)) {
			ItemFutures service = context.getBean(ItemFutures.class);
			ItemCalls<Item> calls = new ItemCalls<>(Item.class, null, (id) -> service.find(id).join(),
					() -> service.findNothing("").join(), (item) -> service.insert(item).join(),
					() -> service.clear().join());
			assertItemsAreCachedPutAndCleared(service, itemCache(context), calls);
			assertUnlessKeepsTb2Out(itemCache(context), calls);
		}
	}

	@Test
	void monoMethodsAreCachedPutAndEvicted() {
		try (AnnotationConfigApplicationContext context = start(cacheManager(backend(), true), ItemMonos.class)) {
			ItemMonos service = context.getBean(ItemMonos.class);
			ItemCalls<Item> calls = new ItemCalls<>(Item.class, null, (id) -> service.find(id).block(),
					() -> service.findNothing("").block(), (item) -> service.insert(item).block(),
					() -> service.clear().block());
			assertItemsAreCachedPutAndCleared(service, itemCache(context), calls);
			assertUnlessKeepsTb2Out(itemCache(context), calls);
		}
	}

	@Test
	void fluxMethodsAreCachedPutAndEvicted() {
		try (AnnotationConfigApplicationContext context = start(cacheManager(backend(), true), ItemFluxes.class)) {
			ItemFluxes service = context.getBean(ItemFluxes.class);
			ItemCalls<List<Item>> calls = new ItemCalls<>(List.class, List.of(),
					(id) -> twoItems(service.find(id).collectList().block()),
					() -> service.findNothing("").collectList().block(),
					(items) -> service.insert("tb1", items).blockLast(), () -> service.clear().blockLast());
			assertItemsAreCachedPutAndCleared(service, itemCache(context), calls);
			assertUnlessKeepsTb2Out(itemCache(context), calls);
		}
	}

	// CacheReproTests: spr14235AdaptsToCompletableFutureWithSync,
	// spr14235AdaptsToReactorMonoWithSync, spr14235AdaptsToReactorFluxWithSync
	// (@Cacheable(sync = true), Cache.clear(), a plain @CachePut). The same scenario,
	// with the empty name finding nothing.

	@Test
	void synchronizedCompletableFutureMethodsAreCachedPutAndCleared() {
		try (AnnotationConfigApplicationContext context = start(cacheManager(backend(), true), SyncItemFutures.class)) {
			SyncItemFutures service = context.getBean(SyncItemFutures.class);
			Cache cache = itemCache(context);
			ItemCalls<@Nullable Item> calls = new ItemCalls<>(Item.class, null, (id) -> service.find(id).join(),
					() -> service.find("").join(), service::insert, cache::clear);
			assertItemsAreCachedPutAndCleared(service, cache, calls);
		}
	}

	@Test
	void synchronizedMonoMethodsAreCachedPutAndCleared() {
		try (AnnotationConfigApplicationContext context = start(cacheManager(backend(), true), SyncItemMonos.class)) {
			SyncItemMonos service = context.getBean(SyncItemMonos.class);
			Cache cache = itemCache(context);
			ItemCalls<Item> calls = new ItemCalls<>(Item.class, null, (id) -> service.find(id).block(),
					() -> service.find("").block(), service::insert, cache::clear);
			assertItemsAreCachedPutAndCleared(service, cache, calls);
		}
	}

	@Test
	void synchronizedFluxMethodsAreCachedPutAndCleared() {
		try (AnnotationConfigApplicationContext context = start(cacheManager(backend(), true), SyncItemFluxes.class)) {
			SyncItemFluxes service = context.getBean(SyncItemFluxes.class);
			Cache cache = itemCache(context);
			ItemCalls<List<Item>> calls = new ItemCalls<>(List.class, List.of(),
					(id) -> twoItems(service.find(id).collectList().block()),
					() -> service.find("").collectList().block(), (items) -> service.insert("tb1", items),
					cache::clear);
			assertItemsAreCachedPutAndCleared(service, cache, calls);
		}
	}

	/**
	 * Finds {@code tb1} and then finds it cached; finds it again after a clear, reloaded;
	 * finds what a put stored after another clear; and finds nothing once: what it
	 * answered is cached.
	 * @param <T> what a find answers
	 * @param service the item service the calls go to
	 * @param cache the item cache
	 * @param calls the calls of one shape
	 */
	private static <T> void assertItemsAreCachedPutAndCleared(ItemService service, Cache cache, ItemCalls<T> calls) {
		T tb1 = calls.find().apply("tb1");
		assertThat(calls.find().apply("tb1")).isEqualTo(tb1);
		assertThat(cache.get("tb1", calls.type())).isEqualTo(tb1);

		calls.clear().run();
		T reloaded = calls.find().apply("tb1");
		assertThat(reloaded).isNotEqualTo(tb1);
		assertThat(cache.get("tb1", calls.type())).isEqualTo(reloaded);

		calls.clear().run();
		calls.insert().accept(tb1);
		assertThat(calls.find().apply("tb1")).isEqualTo(tb1);
		assertThat(cache.get("tb1", calls.type())).isEqualTo(tb1);

		assertThat(calls.findNothing().get()).isEqualTo(calls.nothing());
		ValueWrapper nothing = cache.get("");
		assertThat(nothing).isNotNull();
		assertThat(nothing.get()).isEqualTo(calls.nothing());
		assertThat(calls.findNothing().get()).isEqualTo(calls.nothing());
		assertThat(service.nothingRuns()).isEqualTo(1);
	}

	/**
	 * Finds {@code tb2} twice: the {@code unless} of the service keeps it out of the
	 * cache, so the second find runs again.
	 * @param <T> what a find answers
	 * @param cache the item cache
	 * @param calls the calls of one shape
	 */
	private static <T> void assertUnlessKeepsTb2Out(Cache cache, ItemCalls<T> calls) {
		T tb2 = calls.find().apply("tb2");
		assertThat(calls.find().apply("tb2")).isNotEqualTo(tb2);
		assertThat(cache.get("tb2")).isNull();
	}

	/**
	 * Checks that a {@code Flux} find answered the item asked for and the one after it.
	 * @param items what the find answered
	 * @return the items
	 */
	private static List<Item> twoItems(@Nullable List<Item> items) {
		assertThat(items).hasSize(2);
		return items;
	}

	/**
	 * How the item scenarios call one shape of an item service; every call waits for its
	 * answer.
	 *
	 * @param <T> what a find answers: an item, or the items a {@code Flux} emits
	 * @param type the class of a cached answer
	 * @param nothing what finding nothing answers and caches
	 * @param find finds an item by name
	 * @param findNothing finds nothing under the key {@code ""}
	 * @param insert puts an answer under the name {@code tb1} it was found by
	 * @param clear empties the item cache
	 */
	private record ItemCalls<T>(Class<?> type, @Nullable T nothing, Function<String, T> find, Supplier<T> findNothing,
			Consumer<T> insert, Runnable clear) {

	}

}
