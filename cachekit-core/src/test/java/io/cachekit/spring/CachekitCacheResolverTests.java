package io.cachekit.spring;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;

import io.cachekit.backend.BackendErrorType;
import io.cachekit.backend.BackendOperation;
import io.cachekit.spring.ReactiveCachingServices.Item;
import io.cachekit.test.FaultInjectingBackend;
import io.cachekit.test.InMemoryBackend;
import io.cachekit.test.ManualTime;
import io.cachekit.tier.CacheConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.cache.Cache;
import org.springframework.cache.interceptor.CacheEvictOperation;
import org.springframework.cache.interceptor.CacheOperation;
import org.springframework.cache.interceptor.CacheOperationInvocationContext;
import org.springframework.cache.interceptor.CachePutOperation;
import org.springframework.cache.interceptor.CacheableOperation;
import org.springframework.cache.transaction.TransactionAwareCacheDecorator;
import org.springframework.util.ReflectionUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which caches {@link CachekitCacheResolver} hands to Spring's interceptor as views bound
 * to a method's return type, and which it passes through.
 */
class CachekitCacheResolverTests {

	private final CachekitCacheManager cacheManager = CachekitCacheManager
		.builder(null, CacheOperationsContract.codec())
		.build();

	private final CachekitCacheResolver resolver = CachekitCacheResolver.of(this.cacheManager);

	@Test
	void cacheableOperationGetsAViewThatMissesOtherTypes() {
		Cache resolved = resolveOne(new CacheableOperation.Builder(), "item");
		resolved.put("k", "planted");
		assertThat(resolved).isInstanceOf(CachekitCache.class).isNotSameAs(this.cacheManager.getCache("items"));
		assertThat(resolved.get("k")).isNull();
		assertThat(this.cacheManager.getCache("items").get("k").get()).isEqualTo("planted");
		assertThat(((CachekitCache) this.cacheManager.getCache("items")).getTypeMismatchCount()).isOne();
	}

	@Test
	void transactionAwareCacheIsDecoratedAgainAroundTheView() {
		this.cacheManager.setTransactionAware(true);
		Cache resolved = resolveOne(new CacheableOperation.Builder(), "item");
		assertThat(resolved).isInstanceOf(TransactionAwareCacheDecorator.class);
		Cache target = ((TransactionAwareCacheDecorator) resolved).getTargetCache();
		assertThat(target).isInstanceOf(CachekitCache.class)
			.isNotSameAs(((TransactionAwareCacheDecorator) this.cacheManager.getCache("items")).getTargetCache());
	}

	@Test
	void callsAlternatingBetweenMethodsBeansAndCachesEachGetTheirOwnViewAndARepeatedCallTheSameOne() {
		Service one = new Service();
		Service other = new Service();
		this.cacheManager.getCache("items").put("k", "planted");
		this.cacheManager.getCache("others").put("k", "planted");
		for (int round = 0; round < 2; round++) {
			Cache items = resolveOne(this.resolver, new CacheableOperation.Builder(), "item", one, "items");
			Cache anything = resolveOne(this.resolver, new CacheableOperation.Builder(), "anything", one, "items");
			Cache others = resolveOne(this.resolver, new CacheableOperation.Builder(), "anything", one, "others");
			Cache otherBean = resolveOne(this.resolver, new CacheableOperation.Builder(), "item", other, "items");
			assertThat(items.get("k")).as("an Item method's view misses a String").isNull();
			assertThat(otherBean.get("k")).isNull();
			assertThat(anything.get("k").get()).isEqualTo("planted");
			assertThat(others.getName()).isEqualTo("others");
			assertThat(others.get("k").get()).isEqualTo("planted");
			assertThat(resolveOne(this.resolver, new CacheableOperation.Builder(), "item", one, "items"))
				.isSameAs(items);
		}
	}

	@Test
	void evictAndPutOperationsGetTheCacheItself() {
		assertThat(resolveOne(new CacheEvictOperation.Builder(), "item")).isSameAs(this.cacheManager.getCache("items"));
		assertThat(resolveOne(new CachePutOperation.Builder(), "item")).isSameAs(this.cacheManager.getCache("items"));
	}

	@Test
	void objectMethodGetsAViewThatTakesAnyValue() {
		Cache resolved = resolveOne(new CacheableOperation.Builder(), "anything");
		assertThat(resolved).isNotSameAs(this.cacheManager.getCache("items"));
		this.cacheManager.getCache("items").put("k", "planted");
		assertThat(resolved.get("k").get()).isEqualTo("planted");
	}

	@Test
	void cacheableViewKeepsTheValueOutOfL2AfterItsLookupTimedOutButCachePutWritesIt() {
		ManualTime time = new ManualTime();
		InMemoryBackend store = InMemoryBackend.create(time);
		FaultInjectingBackend backend = FaultInjectingBackend.wrap(store);
		CachekitCacheManager manager = CachekitCacheManager.builder(backend, CacheOperationsContract.codec())
			.time(time, time)
			.defaults(CacheConfiguration.defaults().withL1Enabled(false))
			.build();
		CachekitCacheResolver resolver = CachekitCacheResolver.of(manager);
		Cache cacheable = resolveOne(resolver, new CacheableOperation.Builder(), "anything");
		Cache cachePut = resolveOne(resolver, new CachePutOperation.Builder(), "anything");
		Runnable timedOutLookup = () -> {
			backend.fail(BackendErrorType.TIMEOUT, (operation, key) -> operation == BackendOperation.GET);
			assertThat(cacheable.get("k")).isNull();
			backend.heal();
			// The method runs long enough for the circuit breaker to let calls through.
			time.advance(Duration.ofSeconds(1));
		};
		timedOutLookup.run();
		cacheable.put("k", "loaded");
		assertThat(store.keys()).noneMatch((key) -> key.endsWith(":k"));
		timedOutLookup.run();
		cachePut.put("k", "updated");
		assertThat(store.keys()).anyMatch((key) -> key.endsWith(":k"));
	}

	private Cache resolveOne(CacheOperation.Builder builder, String methodName) {
		return resolveOne(this.resolver, builder, methodName);
	}

	private static Cache resolveOne(CachekitCacheResolver resolver, CacheOperation.Builder builder, String methodName) {
		return resolveOne(resolver, builder, methodName, new Service(), "items");
	}

	private static Cache resolveOne(CachekitCacheResolver resolver, CacheOperation.Builder builder, String methodName,
			Service target, String cacheName) {
		builder.setName(methodName);
		builder.setCacheNames(cacheName);
		CacheOperation operation = builder.build();
		Method method = ReflectionUtils.findMethod(Service.class, methodName, String.class);
		Collection<? extends Cache> caches = resolver.resolveCaches(new CacheOperationInvocationContext<>() {

			@Override
			public CacheOperation getOperation() {
				return operation;
			}

			@Override
			public Object getTarget() {
				return target;
			}

			@Override
			public Method getMethod() {
				return method;
			}

			@Override
			public Object[] getArgs() {
				return new Object[] { "k" };
			}

		});
		assertThat(caches).hasSize(1);
		return List.copyOf(caches).get(0);
	}

	static class Service {

		public Item item(String key) {
			return new Item(key, 0);
		}

		public Object anything(String key) {
			return Set.of(key);
		}

	}

}
