package io.cachekit.spring;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.cache.annotation.CacheConfig;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;

/**
 * The {@code @Cacheable} services whose {@code CompletableFuture}, {@code Mono} and
 * {@code Flux} methods {@link CachekitCacheContract} calls through a caching proxy.
 *
 * <p>
 * The counting and failing services cache in {@value ReactiveService#CACHE}, the item
 * services in {@value ItemService#CACHE}; {@link CachingContexts#start} empties both. A
 * service counts its runs, so a test can tell a cached answer from a new one.
 */
final class ReactiveCachingServices {

	private ReactiveCachingServices() {
	}

	/**
	 * A value returned by the item services: equal items have the same name and serial
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

		/**
		 * The cache the implementations use.
		 */
		String CACHE = "first";

		CompletableFuture<Long> future(String key);

		Mono<Long> mono(String key);

		Flux<Long> flux(String key);

	}

	/**
	 * Counts each run, and each subscription of a {@code Mono} or {@code Flux} it
	 * returns, with one counter for the three shapes. A {@code Flux} answers the count
	 * and then {@code 0, -1, -2, -3}.
	 */
	abstract static class AbstractCountingService implements ReactiveService {

		private final AtomicLong counter = new AtomicLong();

		CompletableFuture<Long> countFuture() {
			return CompletableFuture.completedFuture(this.counter.getAndIncrement());
		}

		Mono<Long> countMono() {
			return Mono.defer(() -> Mono.just(this.counter.getAndIncrement()));
		}

		Flux<Long> countFlux() {
			return Flux.defer(() -> Flux.just(this.counter.getAndIncrement(), 0L, -1L, -2L, -3L));
		}

		long runs() {
			return this.counter.get();
		}

	}

	@CacheConfig(cacheNames = ReactiveService.CACHE)
	static class CountingService extends AbstractCountingService {

		@Override
		@Cacheable
		public CompletableFuture<Long> future(String key) {
			return countFuture();
		}

		@Override
		@Cacheable
		public Mono<Long> mono(String key) {
			return countMono();
		}

		@Override
		@Cacheable
		public Flux<Long> flux(String key) {
			return countFlux();
		}

	}

	/**
	 * {@link CountingService} with {@code sync = true}.
	 */
	@CacheConfig(cacheNames = ReactiveService.CACHE)
	static class SyncCountingService extends AbstractCountingService {

		@Override
		@Cacheable(sync = true)
		public CompletableFuture<Long> future(String key) {
			return countFuture();
		}

		@Override
		@Cacheable(sync = true)
		public Mono<Long> mono(String key) {
			return countMono();
		}

		@Override
		@Cacheable(sync = true)
		public Flux<Long> flux(String key) {
			return countFlux();
		}

	}

	/**
	 * Fails on the first call of each shape ("future failed", "mono failed", "flux
	 * failed"), and differently on a second: a second call would show that the failure
	 * was retried or cached.
	 */
	abstract static class AbstractFailingService implements ReactiveService {

		private final AtomicInteger futureCalls = new AtomicInteger();

		private final AtomicInteger monoCalls = new AtomicInteger();

		private final AtomicInteger fluxCalls = new AtomicInteger();

		CompletableFuture<Long> failFuture() {
			return CompletableFuture.failedFuture(failure(this.futureCalls, "future"));
		}

		Mono<Long> failMono() {
			return Mono.error(failure(this.monoCalls, "mono"));
		}

		Flux<Long> failFlux() {
			return Flux.error(failure(this.fluxCalls, "flux"));
		}

		private static IllegalStateException failure(AtomicInteger calls, String shape) {
			return new IllegalStateException(shape + ((calls.incrementAndGet() == 1) ? " failed" : " ran twice"));
		}

	}

	@CacheConfig(cacheNames = ReactiveService.CACHE)
	static class FailingService extends AbstractFailingService {

		@Override
		@Cacheable
		public CompletableFuture<Long> future(String key) {
			return failFuture();
		}

		@Override
		@Cacheable
		public Mono<Long> mono(String key) {
			return failMono();
		}

		@Override
		@Cacheable
		public Flux<Long> flux(String key) {
			return failFlux();
		}

	}

	/**
	 * {@link FailingService} with {@code sync = true}.
	 */
	@CacheConfig(cacheNames = ReactiveService.CACHE)
	static class SyncFailingService extends AbstractFailingService {

		@Override
		@Cacheable(sync = true)
		public CompletableFuture<Long> future(String key) {
			return failFuture();
		}

		@Override
		@Cacheable(sync = true)
		public Mono<Long> mono(String key) {
			return failMono();
		}

		@Override
		@Cacheable(sync = true)
		public Flux<Long> flux(String key) {
			return failFlux();
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

	/**
	 * Finds, puts and evicts items with {@code CompletableFuture} methods; {@code tb2} is
	 * never cached.
	 */
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

	/**
	 * {@link ItemFutures} with {@code Mono} methods.
	 */
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

	/**
	 * {@link ItemFutures} with {@code Flux} methods: a find answers two items, the one
	 * asked for and the one after it.
	 */
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

	/**
	 * Finds items with a synchronized {@code CompletableFuture} method (the empty name
	 * finds nothing) and puts them with a plain method.
	 */
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

	/**
	 * {@link SyncItemFutures} with a {@code Mono} method.
	 */
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

	/**
	 * {@link SyncItemFutures} with a {@code Flux} method that answers two items, as
	 * {@link ItemFluxes} does.
	 */
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
