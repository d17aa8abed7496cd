package io.cachekit.spring;

import java.util.List;

import io.cachekit.spring.ReactiveCachingServices.ItemService;
import io.cachekit.spring.ReactiveCachingServices.ReactiveService;
import io.cachekit.test.Await;

import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Application contexts with {@code @EnableCaching} over a {@link CachekitCacheManager},
 * in which {@link CachekitCacheContract} calls the services of
 * {@link ReactiveCachingServices}.
 */
final class CachingContexts {

	private CachingContexts() {
	}

	/**
	 * Starts an application context with caching enabled over the given manager, after
	 * emptying the caches the services use: they have fixed names and the L2 outlives a
	 * test.
	 * @param cacheManager the cache manager
	 * @param components the annotated services
	 * @return the started context
	 */
	static AnnotationConfigApplicationContext start(CachekitCacheManager cacheManager, Class<?>... components) {
		for (String fixed : List.of(ReactiveService.CACHE, ItemService.CACHE)) {
			cache(cacheManager, fixed).clear();
		}
		AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
		context.registerBean("cacheManager", CacheManager.class, () -> cacheManager);
		context.register(CachingConfiguration.class);
		context.register(components);
		context.refresh();
		return context;
	}

	/**
	 * Returns the cache of the counting and failing services.
	 * @param context a context from {@link #start}
	 * @return the cache
	 */
	static Cache reactiveCache(AnnotationConfigApplicationContext context) {
		return cache(context.getBean(CacheManager.class), ReactiveService.CACHE);
	}

	/**
	 * Returns the cache of the item services.
	 * @param context a context from {@link #start}
	 * @return the cache
	 */
	static Cache itemCache(AnnotationConfigApplicationContext context) {
		return cache(context.getBean(CacheManager.class), ItemService.CACHE);
	}

	/**
	 * Waits until a {@code Flux} that its subscriber cut short is cached. Spring caches
	 * such a {@code Flux} whole, on the thread that completes it; after a miss in L2 that
	 * is the thread that read L2, and the subscriber may have its first element first.
	 * @param context a context from {@link #start}
	 * @param key the key in the cache of the counting services
	 */
	static void awaitCached(AnnotationConfigApplicationContext context, String key) {
		Cache cache = reactiveCache(context);
		assertThat(Await.until(() -> cache.get(key) != null)).as("the whole flux was cached").isTrue();
	}

	private static Cache cache(CacheManager cacheManager, String name) {
		Cache cache = cacheManager.getCache(name);
		assertThat(cache).isInstanceOf(CachekitCache.class);
		return cache;
	}

	/**
	 * Caching over class proxies, so that services are found by their class although they
	 * implement an interface.
	 */
	@Configuration(proxyBeanMethods = false)
	@EnableCaching(proxyTargetClass = true)
	static class CachingConfiguration {

	}

}
