package io.cachekit.spring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

import io.cachekit.backend.Backend;
import io.cachekit.backend.BackendErrorType;
import io.cachekit.backend.BackendException;
import io.cachekit.backend.BackendOperation;
import io.cachekit.backend.ForwardingBackend;
import io.cachekit.codec.MessagePackCodec;
import io.cachekit.codec.ValueCodec;
import io.cachekit.test.Await;
import io.cachekit.tier.CacheConfiguration;
import io.cachekit.tier.TieredCache;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.beans.BeanUtils;
import org.springframework.cache.Cache;
import org.springframework.cache.Cache.ValueWrapper;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.CacheConfig;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.support.NullValue;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Spring's {@link Cache} contract, run over every kind of L2 a {@link CachekitCache} can
 * have (none, memcached, Redis, file), each with L1 on and off.
 *
 * <p>
 * It covers, in its own words, every case of Spring Framework's cache tests that are not
 * published as a jar: the {@code Cache} operations of {@code AbstractCacheTests} and
 * {@code AbstractValueAdaptingCacheTests}, and the {@code CompletableFuture},
 * {@code Mono} and {@code Flux} {@code @Cacheable} methods of
 * {@code ReactiveCachingTests}, {@code CaffeineReactiveCachingTests} and the reactive
 * cases of {@code CacheReproTests}, run in a real application context with
 * {@code @EnableCaching} and a {@link CachekitCacheManager}.
 *
 * <p>
 * A subclass names the L2 and whether L1 is on. An L2 is shared by the tests of a class,
 * so every test uses caches of its own: a fresh name, or a fixed name cleared first.
 */
abstract class CachekitCacheContract {

	/**
	 * The package of the values the reactive services return; trusted by the codec.
	 */
	private static final String TEST_PACKAGE = CachekitCacheContract.class.getPackageName();

	private String name;

	private CachekitCache cache;

	/**
	 * Returns the L2 under test.
	 * @return the backend, or {@code null} for L1 only
	 */
	protected abstract @Nullable Backend backend();

	/**
	 * Tells whether the caches under test keep an L1. A cache without L1 and without L2
	 * caches nothing and is not tested.
	 * @return {@code true} for L1 on
	 */
	protected abstract boolean l1Enabled();

	@BeforeEach
	void createCache() {
		assertThat(l1Enabled() || backend() != null).as("a cache needs L1 or L2").isTrue();
		this.name = "contract-" + UUID.randomUUID();
		this.cache = cache(this.name, true);
	}

	/**
	 * Creates a cache over the L2 under test, with or without L1 as the subclass says.
	 * @param name the cache name
	 * @param allowNullValues whether it caches {@code null}
	 * @return the cache
	 */
	private CachekitCache cache(String name, boolean allowNullValues) {
		return new CachekitCache(TieredCache.builder(name)
			.backend(backend())
			.codec(codec())
			.configure((c) -> c.withL1Enabled(l1Enabled()))
			.configure((c) -> c.withAllowNullValues(allowNullValues))
			.build());
	}

	/**
	 * Creates a cache manager over the given L2 whose caches are set up as
	 * {@link #cache(String, boolean)} sets up one cache.
	 * @param backend the L2, or {@code null} for L1 only
	 * @param allowNullValues whether its caches cache {@code null}
	 * @return the manager
	 */
	private CachekitCacheManager cacheManager(@Nullable Backend backend, boolean allowNullValues) {
		return CachekitCacheManager.builder(backend, codec())
			.defaults(CacheConfiguration.defaults().withL1Enabled(l1Enabled()).withAllowNullValues(allowNullValues))
			.build();
	}

	private static ValueCodec codec() {
		return MessagePackCodec.builder().trustedPackages(TEST_PACKAGE).build();
	}

	// AbstractCacheTests: cacheName, nativeCache

	@Test
	void nameIsTheOneTheCacheWasCreatedWith() {
		assertThat(this.cache.getName()).isEqualTo(this.name);
	}

	@Test
	void nativeCacheIsTheTieredCacheItAdapts() {
		TieredCache tiered = TieredCache.builder(this.name)
			.backend(backend())
			.codec(codec())
			.configure((c) -> c.withL1Enabled(l1Enabled()))
			.build();
		assertThat(new CachekitCache(tiered).getNativeCache()).isSameAs(tiered);
	}

	// AbstractCacheTests: cachePut

	@Test
	void missingKeyIsNullInEveryFormOfGet() {
		assertThat(this.cache.get("missing")).isNull();
		assertThat(this.cache.get("missing", String.class)).isNull();
		assertThat(this.cache.get("missing", Object.class)).isNull();
		assertThat(this.cache.get("missing", (Class<?>) null)).isNull();
	}

	@Test
	void putValueIsAnsweredByEveryFormOfGet() {
		this.cache.put("k", "george");
		ValueWrapper wrapper = this.cache.get("k");
		assertThat(wrapper).isNotNull();
		assertThat(wrapper.get()).isEqualTo("george");
		assertThat(this.cache.get("k", String.class)).isEqualTo("george");
		assertThat(this.cache.get("k", Object.class)).isEqualTo("george");
		assertThat(this.cache.get("k", (Class<?>) null)).isEqualTo("george");
	}

	@Test
	void typedGetOfAValueOfAnotherTypeFails() {
		this.cache.put("k", "george");
		assertThatIllegalStateException().isThrownBy(() -> this.cache.get("k", Integer.class));
	}

	@Test
	void putNullReplacesTheValueWithACachedNull() {
		this.cache.put("k", "george");
		this.cache.put("k", null);
		assertCachedNull("k");
	}

	@Test
	void putOfAnotherNullValueInstanceIsACachedNull() {
		// A NullValue that is not the shared instance, as a deserializer may create one.
		NullValue other = BeanUtils.instantiateClass(NullValue.class);
		assertThat(other).isNotSameAs(NullValue.INSTANCE);
		this.cache.put("k", "george");
		this.cache.put("k", other);
		assertCachedNull("k");
	}

	private void assertCachedNull(String key) {
		ValueWrapper wrapper = this.cache.get(key);
		assertThat(wrapper).isNotNull();
		assertThat(wrapper.get()).isNull();
		assertThat(this.cache.get(key, String.class)).isNull();
		assertThat(this.cache.get(key, Object.class)).isNull();
	}

	// AbstractValueAdaptingCacheTests: cachePutNullValueAllowNullFalse

	@Test
	void putNullIsRefusedNamingTheCacheWhenNullsAreNotAllowed() {
		String noNullsName = this.name + "-no-nulls";
		CachekitCache noNulls = cache(noNullsName, false);
		assertThatIllegalArgumentException().isThrownBy(() -> noNulls.put("k", null))
			.withMessageContaining(noNullsName)
			.withMessageContaining("is configured to not allow null values but null was provided");
		assertThat(noNulls.get("k")).isNull();
	}

	// AbstractCacheTests: cachePutIfAbsent

	@Test
	void putIfAbsentStoresOnlyTheFirstValueAndAnswersIt() {
		assertThat(this.cache.get("k")).isNull();
		assertThat(this.cache.putIfAbsent("k", "initialValue")).isNull();
		assertThat(this.cache.get("k", String.class)).isEqualTo("initialValue");
		ValueWrapper existing = this.cache.putIfAbsent("k", "anotherValue");
		assertThat(existing).isNotNull();
		assertThat(existing.get()).isEqualTo("initialValue");
		assertThat(this.cache.get("k", String.class)).isEqualTo("initialValue");
	}

	// AbstractCacheTests: cacheRemove (it only puts; eviction is checked here)

	@Test
	void evictRemovesTheKeyOnly() {
		this.cache.put("k", "george");
		this.cache.put("other", "aurel");
		this.cache.evict("k");
		assertThat(this.cache.get("k")).isNull();
		assertThat(this.cache.get("other", String.class)).isEqualTo("aurel");
	}

	@Test
	void evictIfPresentTellsWhetherItRemovedSomething() {
		this.cache.put("k", "george");
		assertThat(this.cache.evictIfPresent("k")).isTrue();
		assertThat(this.cache.get("k")).isNull();
		assertThat(this.cache.evictIfPresent("k")).isFalse();
	}

	// AbstractCacheTests: cacheClear

	@Test
	void clearRemovesEveryKey() {
		assertThat(this.cache.get("enescu")).isNull();
		this.cache.put("enescu", "george");
		assertThat(this.cache.get("vlaicu")).isNull();
		this.cache.put("vlaicu", "aurel");
		this.cache.clear();
		assertThat(this.cache.get("vlaicu")).isNull();
		assertThat(this.cache.get("enescu")).isNull();
	}

	@Test
	void invalidateMakesEveryKeyInvisibleAtOnce() {
		this.cache.put("a", "1");
		assertThat(this.cache.invalidate()).isEqualTo(l1Enabled());
		assertThat(this.cache.get("a")).isNull();
	}

	// AbstractCacheTests: cacheGetCallable, cacheGetCallableWithNull

	@Test
	void getWithLoaderCachesWhatItLoads() throws Exception {
		assertThat(this.cache.get("k")).isNull();
		assertThat(this.cache.get("k", () -> "test")).isEqualTo("test");
		ValueWrapper wrapper = this.cache.get("k");
		assertThat(wrapper).isNotNull();
		assertThat(wrapper.get()).isEqualTo("test");
	}

	@Test
	void getWithLoaderCachesANullResult() {
		assertThat(this.cache.get("k")).isNull();
		Callable<@Nullable String> loader = () -> null;
		assertThat(this.cache.get("k", loader)).isNull();
		assertCachedNull("k");
	}

	// AbstractCacheTests: cacheGetCallableNotInvokedWithHit, ...WithHitNull

	@Test
	void getWithLoaderAnswersACachedValueWithoutCallingIt() {
		this.cache.put("k", "existing");
		assertThat(this.cache.<String>get("k", () -> {
			throw new IllegalStateException("the loader ran on a hit");
		})).isEqualTo("existing");
	}

	@Test
	void getWithLoaderAnswersACachedNullWithoutCallingIt() {
		this.cache.put("k", null);
		assertThat(this.cache.<String>get("k", () -> {
			throw new IllegalStateException("the loader ran on a hit");
		})).isNull();
	}

	// AbstractCacheTests: cacheGetCallableFail

	@Test
	void getWithFailingLoaderWrapsItsExceptionAndCachesNothing() {
		UnsupportedOperationException failure = new UnsupportedOperationException("expected");
		assertThatExceptionOfType(Cache.ValueRetrievalException.class).isThrownBy(() -> this.cache.get("k", () -> {
			throw failure;
		})).satisfies((ex) -> {
			assertThat(ex.getCause()).isSameAs(failure);
			assertThat(ex.getKey()).isEqualTo("k");
		});
		assertThat(this.cache.get("k")).isNull();
	}

	// AbstractCacheTests: cacheGetSynchronized

	@Test
	void concurrentGetsWithLoaderRunItOnceAndAllAnswerItsValue() throws Exception {
		int threads = 10;
		AtomicInteger loads = new AtomicInteger();
		CountDownLatch allCalling = new CountDownLatch(threads);
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		try {
			List<Future<Integer>> results = new ArrayList<>();
			for (int i = 0; i < threads; i++) {
				results.add(executor.submit(() -> {
					allCalling.countDown();
					return this.cache.get("k", () -> {
						// Every caller has asked before the load ends.
						allCalling.await(10, TimeUnit.SECONDS);
						return loads.incrementAndGet();
					});
				}));
			}
			for (Future<Integer> result : results) {
				assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo(1);
			}
		}
		finally {
			executor.shutdownNow();
		}
		assertThat(loads).hasValue(1);
	}

	// retrieve(key) and retrieve(key, loader), as the reactive handling of @Cacheable
	// calls them

	@Test
	void retrieveCompletesWithAWrappedValueAWrappedNullOrNull() {
		this.cache.put("k", "value");
		this.cache.put("nothing", null);
		assertThat(this.cache.retrieve("k").join()).isInstanceOfSatisfying(ValueWrapper.class,
				(wrapper) -> assertThat(wrapper.get()).isEqualTo("value"));
		assertThat(this.cache.retrieve("nothing").join()).isInstanceOfSatisfying(ValueWrapper.class,
				(wrapper) -> assertThat(wrapper.get()).isNull());
		CompletableFuture<?> miss = this.cache.retrieve("missing");
		assertThat(miss == null || miss.join() == null).isTrue();
	}

	@Test
	void retrieveCompletesWithTheBareValueWhenNullsAreNotAllowed() {
		CachekitCache noNulls = cache(this.name + "-no-nulls", false);
		noNulls.put("k", "value");
		assertThat(noNulls.retrieve("k").join()).isEqualTo("value");
		CompletableFuture<?> miss = noNulls.retrieve("missing");
		assertThat(miss == null || miss.join() == null).isTrue();
	}

	@Test
	void retrieveWithLoaderLoadsOnceThenServesTheCachedValue() {
		AtomicInteger calls = new AtomicInteger();
		Supplier<CompletableFuture<String>> loader = () -> CompletableFuture
			.completedFuture("loaded-" + calls.incrementAndGet());
		assertThat(this.cache.retrieve("k", loader).join()).isEqualTo("loaded-1");
		assertThat(this.cache.retrieve("k", loader).join()).isEqualTo("loaded-1");
		assertThat(this.cache.get("k", String.class)).isEqualTo("loaded-1");
		assertThat(calls).hasValue(1);
	}

	// Not one of Spring's cases: the reason some of them fail now and then over an L2.
	// A fresh cache first reads its generation from L2; a put made meanwhile by another
	// thread must not be lost.

	@Test
	void putWhileTheFirstGenerationReadIsInFlightIsNotLost() throws Exception {
		CountDownLatch readStarted = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		Backend held = holdingFirstIncrement(backend(), readStarted, release);
		CachekitCache fresh = new CachekitCache(TieredCache.builder(this.name + "-fresh")
			.backend(held)
			.codec(codec())
			.configure((c) -> c.withL1Enabled(l1Enabled()))
			.build());
		Thread reader = new Thread(() -> fresh.get("other"));
		reader.start();
		if (held != null) {
			assertThat(readStarted.await(10, TimeUnit.SECONDS)).as("the generation read started").isTrue();
		}
		Thread writer = new Thread(() -> fresh.put("k", "value"));
		writer.start();
		// The read completes once the put has returned, or once it waits for the read.
		assertThat(
				Await.until(() -> writer.getState() != Thread.State.NEW && writer.getState() != Thread.State.RUNNABLE))
			.isTrue();
		release.countDown();
		reader.join(TimeUnit.SECONDS.toMillis(10));
		writer.join(TimeUnit.SECONDS.toMillis(10));
		assertThat(reader.isAlive() || writer.isAlive()).isFalse();
		assertThat(fresh.get("k", String.class)).isEqualTo("value");
	}

	/**
	 * Returns a backend over the given one whose first increment, the first read of a
	 * cache's generation, waits until released.
	 * @param backend the backend, or {@code null} for L1 only
	 * @param started counted down when the first increment starts
	 * @param release awaited by the first increment
	 * @return the backend, or {@code null}
	 */
	private static @Nullable Backend holdingFirstIncrement(@Nullable Backend backend, CountDownLatch started,
			CountDownLatch release) {
		if (backend == null) {
			return null;
		}
		AtomicBoolean first = new AtomicBoolean(true);
		return new ForwardingBackend(backend) {

			@Override
			protected <T extends @Nullable Object> T call(BackendOperation operation, @Nullable String key,
					Supplier<T> call) {
				if (operation == BackendOperation.INCREMENT && first.compareAndSet(true, false)) {
					started.countDown();
					try {
						release.await(10, TimeUnit.SECONDS);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				}
				return call.get();
			}

		};
	}

	// Not one of Spring's cases either: single flight when the L2 read of a second
	// caller missed just before the first caller's load stored its value.

	@Test
	void getWithLoaderDoesNotLoadAgainWhatAConcurrentLoadJustStored() throws Exception {
		AtomicInteger loads = new AtomicInteger();
		assertLateCallerGetsTheFirstLoad((cache) -> cache.get("k", () -> "loaded-" + loads.incrementAndGet()));
		assertThat(loads).hasValue(1);
	}

	@Test
	void retrieveWithLoaderDoesNotLoadAgainWhatAConcurrentLoadJustStored() throws Exception {
		AtomicInteger loads = new AtomicInteger();
		assertLateCallerGetsTheFirstLoad((cache) -> cache
			.retrieve("k", () -> CompletableFuture.completedFuture("loaded-" + loads.incrementAndGet()))
			.join());
		assertThat(loads).hasValue(1);
	}

	/**
	 * Runs a late caller whose L2 read of {@code k} misses and is then held until an
	 * early caller has loaded and stored {@code k}; both must answer the early load.
	 * @param call a call with a loader for the key {@code k}
	 */
	private void assertLateCallerGetsTheFirstLoad(Function<CachekitCache, @Nullable Object> call) throws Exception {
		CountDownLatch lateReadMissed = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		ExecutorService executor = Executors.newCachedThreadPool();
		try {
			CachekitCache held = new CachekitCache(TieredCache.builder(this.name + "-held")
				.backend(holdingFirstRead(backend(), ":k", lateReadMissed, release))
				.codec(codec())
				.configure((c) -> c.withL1Enabled(l1Enabled()))
				.executor(executor)
				.build());
			// Learn the generation first: this is not about a fresh cache.
			assertThat(held.get("warm-up")).isNull();
			Future<@Nullable Object> late = executor.submit(() -> call.apply(held));
			if (backend() != null) {
				assertThat(lateReadMissed.await(10, TimeUnit.SECONDS)).as("the late read missed").isTrue();
			}
			assertThat(call.apply(held)).isEqualTo("loaded-1");
			release.countDown();
			assertThat(late.get(30, TimeUnit.SECONDS)).isEqualTo("loaded-1");
		}
		finally {
			release.countDown();
			executor.shutdownNow();
		}
	}

	/**
	 * Returns a backend over the given one whose first read of a key ending in
	 * {@code suffix} reads, then waits until released before it answers.
	 * @param backend the backend, or {@code null} for L1 only
	 * @param suffix the end of the L2 key to hold
	 * @param read counted down when the held read has read
	 * @param release awaited by the held read
	 * @return the backend, or {@code null}
	 */
	private static @Nullable Backend holdingFirstRead(@Nullable Backend backend, String suffix, CountDownLatch read,
			CountDownLatch release) {
		if (backend == null) {
			return null;
		}
		AtomicBoolean first = new AtomicBoolean(true);
		return new ForwardingBackend(backend) {

			@Override
			protected <T extends @Nullable Object> T call(BackendOperation operation, @Nullable String key,
					Supplier<T> call) {
				T result = call.get();
				if (operation == BackendOperation.GET && key != null && key.endsWith(suffix)
						&& first.compareAndSet(true, false)) {
					read.countDown();
					try {
						release.await(10, TimeUnit.SECONDS);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				}
				return result;
			}

		};
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
		try (AnnotationConfigApplicationContext context = context(cacheManager(backend(), allowNullValues),
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
		try (AnnotationConfigApplicationContext context = context(cacheManager(backend(), allowNullValues),
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

	/**
	 * Waits until a {@code Flux} that its subscriber cut short is cached. Spring caches
	 * such a {@code Flux} whole, on the thread that completes it; after a miss in L2 that
	 * is the thread that read L2, and the subscriber may have its first element first.
	 * @param context the application context
	 * @param key the key in the cache {@code first}
	 */
	private static void awaitCached(AnnotationConfigApplicationContext context, String key) {
		Cache cache = context.getBean(CacheManager.class).getCache("first");
		assertThat(cache).isNotNull();
		assertThat(Await.until(() -> cache.get(key) != null)).as("the whole flux was cached").isTrue();
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
		try (AnnotationConfigApplicationContext context = context(cacheManager(backend(), allowNullValues),
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
		try (AnnotationConfigApplicationContext context = context(cacheManager(failing(backend()), true),
				CountingService.class)) {
			CountingService service = context.getBean(CountingService.class);
			assertThat(service.future("future").join()).isEqualTo(0L);
			assertThat(service.mono("mono").block()).isEqualTo(1L);
			assertThat(service.flux("flux").blockFirst()).isEqualTo(2L);
		}
	}

	@Test
	void synchronizedReactiveMethodsAnswerWhenEveryL2CallFails() {
		try (AnnotationConfigApplicationContext context = context(cacheManager(failing(backend()), true),
				SyncCountingService.class)) {
			SyncCountingService service = context.getBean(SyncCountingService.class);
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
		try (AnnotationConfigApplicationContext context = context(cacheManager(backend(), true), serviceType)) {
			ReactiveService service = context.getBean(serviceType);
			assertThatExceptionOfType(CompletionException.class).isThrownBy(() -> service.future("future").join())
				.withCauseExactlyInstanceOf(IllegalStateException.class)
				.withMessage(IllegalStateException.class.getName() + ": future failed");
			StepVerifier.create(service.mono("mono")).expectErrorMessage("mono failed").verify(Duration.ofSeconds(30));
			StepVerifier.create(service.flux("flux")).expectErrorMessage("flux failed").verify(Duration.ofSeconds(30));
			Cache first = context.getBean(CacheManager.class).getCache("first");
			assertThat(first).isNotNull();
			assertThat(first.get("future")).isNull();
			assertThat(first.get("mono")).isNull();
			assertThat(first.get("flux")).isNull();
		}
	}

	// CacheReproTests: spr14235AdaptsToCompletableFuture, ...ToReactorMono,
	// ...ToReactorFlux (@Cacheable with unless, a null or empty result, @CachePut and
	// @CacheEvict(allEntries) on reactive methods)

	@Test
	void completableFutureMethodsAreCachedPutAndEvicted() {
		try (AnnotationConfigApplicationContext context = context(cacheManager(backend(), true), ItemFutures.class)) {
			ItemFutures service = context.getBean(ItemFutures.class);
			Cache cache = itemCache(context);

			Item tb1 = service.find("tb1").join();
			assertThat(service.find("tb1").join()).isEqualTo(tb1);
			assertThat(cache.get("tb1", Item.class)).isEqualTo(tb1);

			service.clear().join();
			Item reloaded = service.find("tb1").join();
			assertThat(reloaded).isNotEqualTo(tb1);
			assertThat(cache.get("tb1", Item.class)).isEqualTo(reloaded);

			service.clear().join();
			service.insert(tb1).join();
			assertThat(service.find("tb1").join()).isEqualTo(tb1);
			assertThat(cache.get("tb1", Item.class)).isEqualTo(tb1);

			Item tb2 = service.find("tb2").join();
			assertThat(service.find("tb2").join()).isNotEqualTo(tb2);
			assertThat(cache.get("tb2")).isNull();

			assertThat(service.findNothing("").join()).isNull();
			assertCachedNull(cache, "");
			assertThat(service.findNothing("").join()).isNull();
			assertThat(service.nothingRuns()).isEqualTo(1);
		}
	}

	@Test
	void monoMethodsAreCachedPutAndEvicted() {
		try (AnnotationConfigApplicationContext context = context(cacheManager(backend(), true), ItemMonos.class)) {
			ItemMonos service = context.getBean(ItemMonos.class);
			Cache cache = itemCache(context);

			Item tb1 = service.find("tb1").block();
			assertThat(service.find("tb1").block()).isEqualTo(tb1);
			assertThat(cache.get("tb1", Item.class)).isEqualTo(tb1);

			service.clear().block();
			Item reloaded = service.find("tb1").block();
			assertThat(reloaded).isNotEqualTo(tb1);
			assertThat(cache.get("tb1", Item.class)).isEqualTo(reloaded);

			service.clear().block();
			service.insert(tb1).block();
			assertThat(service.find("tb1").block()).isEqualTo(tb1);
			assertThat(cache.get("tb1", Item.class)).isEqualTo(tb1);

			Item tb2 = service.find("tb2").block();
			assertThat(service.find("tb2").block()).isNotEqualTo(tb2);
			assertThat(cache.get("tb2")).isNull();

			assertThat(service.findNothing("").block()).isNull();
			assertCachedNull(cache, "");
			assertThat(service.findNothing("").block()).isNull();
			assertThat(service.nothingRuns()).isEqualTo(1);
		}
	}

	@Test
	void fluxMethodsAreCachedPutAndEvicted() {
		try (AnnotationConfigApplicationContext context = context(cacheManager(backend(), true), ItemFluxes.class)) {
			ItemFluxes service = context.getBean(ItemFluxes.class);
			Cache cache = itemCache(context);

			List<Item> tb1 = service.find("tb1").collectList().block();
			assertThat(tb1).hasSize(2);
			assertThat(service.find("tb1").collectList().block()).isEqualTo(tb1);
			assertThat(cache.get("tb1", List.class)).isEqualTo(tb1);

			service.clear().blockLast();
			List<Item> reloaded = service.find("tb1").collectList().block();
			assertThat(reloaded).hasSize(2).isNotEqualTo(tb1);
			assertThat(cache.get("tb1", List.class)).isEqualTo(reloaded);

			service.clear().blockLast();
			service.insert("tb1", tb1).blockLast();
			assertThat(service.find("tb1").collectList().block()).isEqualTo(tb1);
			assertThat(cache.get("tb1", List.class)).isEqualTo(tb1);

			List<Item> tb2 = service.find("tb2").collectList().block();
			assertThat(tb2).hasSize(2);
			assertThat(service.find("tb2").collectList().block()).isNotEqualTo(tb2);
			assertThat(cache.get("tb2")).isNull();

			assertThat(service.findNothing("").collectList().block()).isEmpty();
			assertThat(cache.get("", List.class)).isEmpty();
			assertThat(service.findNothing("").collectList().block()).isEmpty();
			assertThat(service.nothingRuns()).isEqualTo(1);
		}
	}

	// CacheReproTests: spr14235AdaptsToCompletableFutureWithSync,
	// spr14235AdaptsToReactorMonoWithSync, spr14235AdaptsToReactorFluxWithSync
	// (@Cacheable(sync = true), Cache.clear(), a plain @CachePut)

	@Test
	void synchronizedCompletableFutureMethodsAreCachedPutAndCleared() throws Exception {
		try (AnnotationConfigApplicationContext context = context(cacheManager(backend(), true),
				SyncItemFutures.class)) {
			SyncItemFutures service = context.getBean(SyncItemFutures.class);
			Cache cache = itemCache(context);

			Item tb1 = service.find("tb1").get();
			assertThat(service.find("tb1").get()).isEqualTo(tb1);
			assertThat(cache.get("tb1", Item.class)).isEqualTo(tb1);

			cache.clear();
			Item reloaded = service.find("tb1").get();
			assertThat(reloaded).isNotEqualTo(tb1);
			assertThat(cache.get("tb1", Item.class)).isEqualTo(reloaded);

			cache.clear();
			service.insert(tb1);
			assertThat(service.find("tb1").get()).isEqualTo(tb1);
			assertThat(cache.get("tb1", Item.class)).isEqualTo(tb1);

			assertThat(service.find("").join()).isNull();
			assertCachedNull(cache, "");
			assertThat(service.find("").join()).isNull();
			assertThat(service.nothingRuns()).isEqualTo(1);
		}
	}

	@Test
	void synchronizedMonoMethodsAreCachedPutAndCleared() {
		try (AnnotationConfigApplicationContext context = context(cacheManager(backend(), true), SyncItemMonos.class)) {
			SyncItemMonos service = context.getBean(SyncItemMonos.class);
			Cache cache = itemCache(context);

			Item tb1 = service.find("tb1").block();
			assertThat(service.find("tb1").block()).isEqualTo(tb1);
			assertThat(cache.get("tb1", Item.class)).isEqualTo(tb1);

			cache.clear();
			Item reloaded = service.find("tb1").block();
			assertThat(reloaded).isNotEqualTo(tb1);
			assertThat(cache.get("tb1", Item.class)).isEqualTo(reloaded);

			cache.clear();
			service.insert(tb1);
			assertThat(service.find("tb1").block()).isEqualTo(tb1);
			assertThat(cache.get("tb1", Item.class)).isEqualTo(tb1);

			assertThat(service.find("").block()).isNull();
			assertCachedNull(cache, "");
			assertThat(service.find("").block()).isNull();
			assertThat(service.nothingRuns()).isEqualTo(1);
		}
	}

	@Test
	void synchronizedFluxMethodsAreCachedPutAndCleared() {
		try (AnnotationConfigApplicationContext context = context(cacheManager(backend(), true),
				SyncItemFluxes.class)) {
			SyncItemFluxes service = context.getBean(SyncItemFluxes.class);
			Cache cache = itemCache(context);

			List<Item> tb1 = service.find("tb1").collectList().block();
			assertThat(tb1).hasSize(2);
			assertThat(service.find("tb1").collectList().block()).isEqualTo(tb1);
			assertThat(cache.get("tb1", List.class)).isEqualTo(tb1);

			cache.clear();
			List<Item> reloaded = service.find("tb1").collectList().block();
			assertThat(reloaded).hasSize(2).isNotEqualTo(tb1);
			assertThat(cache.get("tb1", List.class)).isEqualTo(reloaded);

			cache.clear();
			service.insert("tb1", tb1);
			assertThat(service.find("tb1").collectList().block()).isEqualTo(tb1);
			assertThat(cache.get("tb1", List.class)).isEqualTo(tb1);

			assertThat(service.find("").collectList().block()).isEmpty();
			assertThat(cache.get("", List.class)).isEmpty();
			assertThat(service.find("").collectList().block()).isEmpty();
			assertThat(service.nothingRuns()).isEqualTo(1);
		}
	}

	private static void assertCachedNull(Cache cache, String key) {
		ValueWrapper wrapper = cache.get(key);
		assertThat(wrapper).isNotNull();
		assertThat(wrapper.get()).isNull();
	}

	/**
	 * Starts an application context with caching enabled over the given manager.
	 * @param cacheManager the cache manager
	 * @param components the annotated services
	 * @return the started context
	 */
	private static AnnotationConfigApplicationContext context(CachekitCacheManager cacheManager,
			Class<?>... components) {
		// The caches have fixed names and the L2 outlives a test: start them empty.
		for (String fixed : List.of("first", ItemService.CACHE)) {
			Cache cache = cacheManager.getCache(fixed);
			assertThat(cache).isNotNull();
			cache.clear();
		}
		AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
		context.registerBean("cacheManager", CacheManager.class, () -> cacheManager);
		context.register(CachingConfiguration.class);
		context.register(components);
		context.refresh();
		return context;
	}

	private static Cache itemCache(AnnotationConfigApplicationContext context) {
		Cache cache = context.getBean(CacheManager.class).getCache(ItemService.CACHE);
		assertThat(cache).isInstanceOf(CachekitCache.class);
		return cache;
	}

	/**
	 * Returns a backend over the given one whose every call fails as the network does.
	 * @param backend the backend, or {@code null} for L1 only (nothing can fail)
	 * @return the failing backend, or {@code null}
	 */
	private static @Nullable Backend failing(@Nullable Backend backend) {
		if (backend == null) {
			return null;
		}
		return new ForwardingBackend(backend) {

			@Override
			protected <T extends @Nullable Object> T call(BackendOperation operation, @Nullable String key,
					Supplier<T> call) {
				throw new BackendException(BackendErrorType.TRANSIENT, operation, key, "connection refused", null);
			}

		};
	}

	/**
	 * Caching over class proxies, so that services are found by their class although they
	 * implement an interface.
	 */
	@Configuration(proxyBeanMethods = false)
	@EnableCaching(proxyTargetClass = true)
	static class CachingConfiguration {

	}

	/**
	 * A value returned by the services below: equal items have the same name and serial
	 * number, so a reloaded item differs from the one cached before.
	 *
	 * @param name the item's name
	 * @param serial which load made it
	 */
	public record Item(String name, int serial) {

	}

	/**
	 * The three reactive shapes of one method.
	 */
	interface ReactiveService {

		CompletableFuture<Long> future(String key);

		Mono<Long> mono(String key);

		Flux<Long> flux(String key);

	}

	/**
	 * Counts each run, and each subscription of a {@code Mono} or {@code Flux} it
	 * returns, with one counter for the three shapes.
	 */
	@CacheConfig(cacheNames = "first")
	static class CountingService implements ReactiveService {

		private final AtomicLong counter = new AtomicLong();

		@Override
		@Cacheable
		public CompletableFuture<Long> future(String key) {
			return CompletableFuture.completedFuture(this.counter.getAndIncrement());
		}

		@Override
		@Cacheable
		public Mono<Long> mono(String key) {
			return Mono.defer(() -> Mono.just(this.counter.getAndIncrement()));
		}

		@Override
		@Cacheable
		public Flux<Long> flux(String key) {
			return Flux.defer(() -> Flux.just(this.counter.getAndIncrement(), 0L, -1L, -2L, -3L));
		}

		long runs() {
			return this.counter.get();
		}

	}

	/**
	 * {@link CountingService} with {@code sync = true}.
	 */
	@CacheConfig(cacheNames = "first")
	static class SyncCountingService implements ReactiveService {

		private final AtomicLong counter = new AtomicLong();

		@Override
		@Cacheable(sync = true)
		public CompletableFuture<Long> future(String key) {
			return CompletableFuture.completedFuture(this.counter.getAndIncrement());
		}

		@Override
		@Cacheable(sync = true)
		public Mono<Long> mono(String key) {
			return Mono.defer(() -> Mono.just(this.counter.getAndIncrement()));
		}

		@Override
		@Cacheable(sync = true)
		public Flux<Long> flux(String key) {
			return Flux.defer(() -> Flux.just(this.counter.getAndIncrement(), 0L, -1L, -2L, -3L));
		}

		long runs() {
			return this.counter.get();
		}

	}

	/**
	 * Fails on the first call of each shape, and differently on a second: a second call
	 * would show that the failure was retried or cached.
	 */
	@CacheConfig(cacheNames = "first")
	static class FailingService implements ReactiveService {

		private final AtomicInteger futureCalls = new AtomicInteger();

		private final AtomicInteger monoCalls = new AtomicInteger();

		private final AtomicInteger fluxCalls = new AtomicInteger();

		@Override
		@Cacheable
		public CompletableFuture<Long> future(String key) {
			return CompletableFuture.failedFuture(failure(this.futureCalls, "future"));
		}

		@Override
		@Cacheable
		public Mono<Long> mono(String key) {
			return Mono.error(failure(this.monoCalls, "mono"));
		}

		@Override
		@Cacheable
		public Flux<Long> flux(String key) {
			return Flux.error(failure(this.fluxCalls, "flux"));
		}

		static IllegalStateException failure(AtomicInteger calls, String shape) {
			return new IllegalStateException(shape + ((calls.incrementAndGet() == 1) ? " failed" : " ran twice"));
		}

	}

	/**
	 * {@link FailingService} with {@code sync = true}.
	 */
	@CacheConfig(cacheNames = "first")
	static class SyncFailingService implements ReactiveService {

		private final AtomicInteger futureCalls = new AtomicInteger();

		private final AtomicInteger monoCalls = new AtomicInteger();

		private final AtomicInteger fluxCalls = new AtomicInteger();

		@Override
		@Cacheable(sync = true)
		public CompletableFuture<Long> future(String key) {
			return CompletableFuture.failedFuture(FailingService.failure(this.futureCalls, "future"));
		}

		@Override
		@Cacheable(sync = true)
		public Mono<Long> mono(String key) {
			return Mono.error(FailingService.failure(this.monoCalls, "mono"));
		}

		@Override
		@Cacheable(sync = true)
		public Flux<Long> flux(String key) {
			return Flux.error(FailingService.failure(this.fluxCalls, "flux"));
		}

	}

	/**
	 * What the item services share: the cache name, serial numbers and a count of the
	 * runs that find nothing.
	 */
	abstract static class ItemService {

		static final String CACHE = "itemCache";

		private final AtomicInteger serials = new AtomicInteger();

		private final AtomicInteger nothingRuns = new AtomicInteger();

		Item item(String name) {
			return new Item(name, this.serials.incrementAndGet());
		}

		void ranForNothing() {
			this.nothingRuns.incrementAndGet();
		}

		int nothingRuns() {
			return this.nothingRuns.get();
		}

	}

	static class ItemFutures extends ItemService {

		@Cacheable(cacheNames = CACHE, unless = "#result.name() == 'tb2'")
		public CompletableFuture<Item> find(String id) {
			return CompletableFuture.completedFuture(item(id));
		}

		@Cacheable(cacheNames = CACHE)
		public CompletableFuture<@Nullable Item> findNothing(String id) {
			ranForNothing();
			return CompletableFuture.completedFuture(null);
		}

		@CachePut(cacheNames = CACHE, key = "#item.name()")
		public CompletableFuture<Item> insert(Item item) {
			return CompletableFuture.completedFuture(item);
		}

		@CacheEvict(cacheNames = CACHE, allEntries = true, condition = "#result > 0")
		public CompletableFuture<Integer> clear() {
			return CompletableFuture.completedFuture(1);
		}

	}

	static class ItemMonos extends ItemService {

		@Cacheable(cacheNames = CACHE, unless = "#result.name() == 'tb2'")
		public Mono<Item> find(String id) {
			return Mono.just(item(id));
		}

		@Cacheable(cacheNames = CACHE)
		public Mono<Item> findNothing(String id) {
			ranForNothing();
			return Mono.empty();
		}

		@CachePut(cacheNames = CACHE, key = "#item.name()")
		public Mono<Item> insert(Item item) {
			return Mono.just(item);
		}

		@CacheEvict(cacheNames = CACHE, allEntries = true, condition = "#result > 0")
		public Mono<Integer> clear() {
			return Mono.just(1);
		}

	}

	static class ItemFluxes extends ItemService {

		@Cacheable(cacheNames = CACHE, unless = "#result[0].name() == 'tb2'")
		public Flux<Item> find(String id) {
			return Flux.just(item(id), item(id + "-more"));
		}

		@Cacheable(cacheNames = CACHE)
		public Flux<Item> findNothing(String id) {
			ranForNothing();
			return Flux.empty();
		}

		@CachePut(cacheNames = CACHE, key = "#id")
		public Flux<Item> insert(String id, List<Item> items) {
			return Flux.fromIterable(items);
		}

		@CacheEvict(cacheNames = CACHE, allEntries = true, condition = "#result > 0")
		public Flux<Integer> clear() {
			return Flux.just(1);
		}

	}

	static class SyncItemFutures extends ItemService {

		@Cacheable(cacheNames = CACHE, sync = true)
		public CompletableFuture<@Nullable Item> find(String id) {
			if (id.isEmpty()) {
				ranForNothing();
				return CompletableFuture.completedFuture(null);
			}
			return CompletableFuture.completedFuture(item(id));
		}

		@CachePut(cacheNames = CACHE, key = "#item.name()")
		public Item insert(Item item) {
			return item;
		}

	}

	static class SyncItemMonos extends ItemService {

		@Cacheable(cacheNames = CACHE, sync = true)
		public Mono<Item> find(String id) {
			if (id.isEmpty()) {
				ranForNothing();
				return Mono.empty();
			}
			return Mono.just(item(id));
		}

		@CachePut(cacheNames = CACHE, key = "#item.name()")
		public Item insert(Item item) {
			return item;
		}

	}

	static class SyncItemFluxes extends ItemService {

		@Cacheable(cacheNames = CACHE, sync = true)
		public Flux<Item> find(String id) {
			if (id.isEmpty()) {
				ranForNothing();
				return Flux.empty();
			}
			return Flux.just(item(id), item(id + "-more"));
		}

		@CachePut(cacheNames = CACHE, key = "#id")
		public List<Item> insert(String id, List<Item> items) {
			return items;
		}

	}

}
