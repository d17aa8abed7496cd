package io.cachekit.spring;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

import io.cachekit.backend.Backend;
import io.cachekit.backend.BackendOperation;
import io.cachekit.codec.MessagePackCodec;
import io.cachekit.codec.ValueCodec;
import io.cachekit.test.Await;
import io.cachekit.test.FaultInjectingBackend;
import io.cachekit.test.FaultInjectingBackend.Gate;
import io.cachekit.test.FaultInjectingBackend.Selector;
import io.cachekit.tier.TieredCache;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.BeanUtils;
import org.springframework.cache.Cache;
import org.springframework.cache.Cache.ValueWrapper;
import org.springframework.cache.support.NullValue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Spring's {@link Cache} operations on a {@link CachekitCache}, over every kind of L2 it
 * can have (none, memcached, Redis, file), each with L1 on and off.
 *
 * <p>
 * It covers, in its own words, the {@code Cache} cases of Spring Framework's
 * {@code AbstractCacheTests} and {@code AbstractValueAdaptingCacheTests}, which are not
 * published as a jar, and the {@code retrieve} methods that the reactive handling of
 * {@code @Cacheable} calls. {@link CachekitCacheContract} adds the {@code @Cacheable}
 * methods; the suites extend that class.
 *
 * <p>
 * A subclass names the L2 and whether L1 is on. An L2 is shared by the tests of a class,
 * so every test uses caches of its own: a fresh name, or a fixed name cleared first.
 */
abstract class CacheOperationsContract {

	/**
	 * The package of the values the reactive services return; trusted by the codec.
	 */
	private static final String TEST_PACKAGE = CacheOperationsContract.class.getPackageName();

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
	 * Returns the codec of the caches under test, which trusts the values of
	 * {@link ReactiveCachingServices}.
	 * @return the codec
	 */
	static ValueCodec codec() {
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
		FaultInjectingBackend held = faultInjecting(backend());
		// The first increment is the first read of the cache's generation.
		Gate generationRead = (held != null) ? held.hold(Selector.operation(BackendOperation.INCREMENT), false) : null;
		CachekitCache fresh = new CachekitCache(TieredCache.builder(this.name + "-fresh")
			.backend(held)
			.codec(codec())
			.configure((c) -> c.withL1Enabled(l1Enabled()))
			.build());
		Thread reader = new Thread(() -> fresh.get("other"));
		reader.start();
		if (generationRead != null) {
			assertThat(generationRead.awaitReached()).as("the generation read started").isTrue();
		}
		Thread writer = new Thread(() -> fresh.put("k", "value"));
		writer.start();
		// The read completes once the put has returned, or once it waits for the read.
		assertThat(
				Await.until(() -> writer.getState() != Thread.State.NEW && writer.getState() != Thread.State.RUNNABLE))
			.isTrue();
		if (generationRead != null) {
			generationRead.release();
		}
		reader.join(TimeUnit.SECONDS.toMillis(10));
		writer.join(TimeUnit.SECONDS.toMillis(10));
		assertThat(reader.isAlive() || writer.isAlive()).isFalse();
		assertThat(fresh.get("k", String.class)).isEqualTo("value");
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
		FaultInjectingBackend held = faultInjecting(backend());
		// Held once it has read, so that what it read predates the early load.
		Selector readOfK = (operation, key) -> operation == BackendOperation.GET && key != null && key.endsWith(":k");
		Gate lateRead = (held != null) ? held.hold(readOfK, true) : null;
		ExecutorService executor = Executors.newCachedThreadPool();
		try {
			CachekitCache cache = new CachekitCache(TieredCache.builder(this.name + "-held")
				.backend(held)
				.codec(codec())
				.configure((c) -> c.withL1Enabled(l1Enabled()))
				.executor(executor)
				.build());
			// Learn the generation first: this is not about a fresh cache.
			assertThat(cache.get("warm-up")).isNull();
			Future<@Nullable Object> late = executor.submit(() -> call.apply(cache));
			if (lateRead != null) {
				assertThat(lateRead.awaitReached()).as("the late read missed").isTrue();
			}
			assertThat(call.apply(cache)).isEqualTo("loaded-1");
			if (lateRead != null) {
				lateRead.release();
			}
			assertThat(late.get(30, TimeUnit.SECONDS)).isEqualTo("loaded-1");
		}
		finally {
			if (lateRead != null) {
				lateRead.release();
			}
			executor.shutdownNow();
		}
	}

	/**
	 * Wraps a backend to hold or fail its calls on command.
	 * @param backend the backend, or {@code null} for L1 only
	 * @return the wrapping backend, or {@code null} for L1 only
	 */
	static @Nullable FaultInjectingBackend faultInjecting(@Nullable Backend backend) {
		return (backend != null) ? FaultInjectingBackend.wrap(backend) : null;
	}

}
