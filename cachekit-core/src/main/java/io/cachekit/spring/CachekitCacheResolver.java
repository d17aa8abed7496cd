package io.cachekit.spring;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.aop.support.AopUtils;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.cache.interceptor.CacheOperationInvocationContext;
import org.springframework.cache.interceptor.CachePutOperation;
import org.springframework.cache.interceptor.CacheResolver;
import org.springframework.cache.interceptor.CacheableOperation;
import org.springframework.cache.interceptor.SimpleCacheResolver;
import org.springframework.cache.transaction.TransactionAwareCacheDecorator;
import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * A {@link CacheResolver} that tells cachekit's caches the return type of the
 * {@code @Cacheable} method they serve, so that a cached value of another type is a miss
 * (counted and logged once per cache) rather than a {@link ClassCastException} in the
 * caller.
 *
 * <p>
 * Another resolver chooses the caches (by default a {@link SimpleCacheResolver} over the
 * cache manager); this one only hands each {@link CachekitCache} among them, also one
 * inside a {@link TransactionAwareCacheDecorator}, to the interceptor as a view bound to
 * the method's return type, whose puts store the method's value after a miss
 * ({@link io.cachekit.tier.TieredCache#populate(Object, Object)}). For a method with
 * {@link CacheTag @CacheTag}, the cachekit caches of its {@code @Cacheable} and
 * {@code @CachePut} are handed, for each call, as views whose puts store the value with
 * the tags its expressions give. Other caches, the caches of {@code @CacheEvict}, and
 * those of {@code @CachePut} without tags are passed through unchanged. What is checked:
 * see {@link CachekitCache}. The auto-configuration installs it when the application has
 * no {@code CachingConfigurer} of its own; an application that has one returns it from
 * {@code cacheResolver()}. Thread-safe.
 */
public final class CachekitCacheResolver implements CacheResolver {

	private final CacheResolver delegate;

	private final ConcurrentMap<MethodOnTarget, ExpectedType> expectations = new ConcurrentHashMap<>();

	/** The {@link CacheTag} of each method called, or empty. */
	private final ConcurrentMap<MethodOnTarget, Optional<CacheTag>> tags = new ConcurrentHashMap<>();

	private final TagExpressions expressions = new TagExpressions();

	/**
	 * The last single-cache answer, for a method called again on the same bean with the
	 * same cache: most calls, answered without a lookup.
	 */
	private volatile @Nullable LastAnswer last;

	/**
	 * Creates a resolver that checks the caches another resolver chooses.
	 * @param delegate the resolver that chooses the caches
	 */
	public CachekitCacheResolver(CacheResolver delegate) {
		this.delegate = Objects.requireNonNull(delegate, "delegate must not be null");
	}

	/**
	 * Creates a resolver over the caches of a manager, found by their names.
	 * @param cacheManager the cache manager
	 * @return the resolver
	 */
	public static CachekitCacheResolver of(CacheManager cacheManager) {
		return new CachekitCacheResolver(
				new SimpleCacheResolver(Objects.requireNonNull(cacheManager, "cacheManager must not be null")));
	}

	@Override
	public Collection<? extends Cache> resolveCaches(CacheOperationInvocationContext<?> context) {
		Collection<? extends Cache> caches = this.delegate.resolveCaches(context);
		boolean cacheable = context.getOperation() instanceof CacheableOperation;
		if (!cacheable && !(context.getOperation() instanceof CachePutOperation)) {
			return caches;
		}
		// The fast path of a cache hit comes first: a method with tags is never
		// remembered as the last answer.
		LastAnswer last = this.last;
		if (cacheable && last != null && caches.size() == 1 && last.answers(context, caches.iterator().next())) {
			return last.resolved;
		}
		CacheTag tag = tagOf(context);
		if (tag != null) {
			return tagging(context, caches, cacheable, tag);
		}
		if (!cacheable) {
			return caches;
		}
		ExpectedType expected = null;
		List<Cache> resolved = new ArrayList<>(caches.size());
		for (Cache cache : caches) {
			if (cache instanceof CachekitCache cachekit) {
				expected = (expected != null) ? expected : expected(context);
				resolved.add(cachekit.servingCacheable(expected));
			}
			else if (cache instanceof TransactionAwareCacheDecorator decorator
					&& decorator.getTargetCache() instanceof CachekitCache cachekit) {
				expected = (expected != null) ? expected : expected(context);
				resolved.add(new TransactionAwareCacheDecorator(cachekit.servingCacheable(expected)));
			}
			else {
				resolved.add(cache);
			}
		}
		if (caches.size() == 1 && caches.iterator().next() instanceof CachekitCache only) {
			// A transaction-aware cache is a new decorator on every call: not remembered.
			this.last = new LastAnswer(context.getMethod(), context.getTarget(), only, List.of(resolved.get(0)));
		}
		return resolved;
	}

	/**
	 * The caches of one call of a method with {@link CacheTag}: each cachekit cache as a
	 * view whose puts store the value with the tags its expressions give for this call.
	 */
	private List<Cache> tagging(CacheOperationInvocationContext<?> context, Collection<? extends Cache> caches,
			boolean cacheable, CacheTag tag) {
		Method method = context.getMethod();
		@Nullable Object[] args = context.getArgs();
		Object target = context.getTarget();
		Function<@Nullable Object, Collection<String>> tags = (value) -> this.expressions.evaluate(method, tag.value(),
				args, target, value, true);
		List<Cache> resolved = new ArrayList<>(caches.size());
		for (Cache cache : caches) {
			if (cache instanceof CachekitCache cachekit) {
				resolved.add(view(context, cachekit, cacheable).tagging(tags));
			}
			else if (cache instanceof TransactionAwareCacheDecorator decorator
					&& decorator.getTargetCache() instanceof CachekitCache cachekit) {
				resolved.add(new TransactionAwareCacheDecorator(view(context, cachekit, cacheable).tagging(tags)));
			}
			else {
				resolved.add(cache);
			}
		}
		return resolved;
	}

	private CachekitCache view(CacheOperationInvocationContext<?> context, CachekitCache cache, boolean cacheable) {
		return cacheable ? cache.servingCacheable(expected(context)) : cache;
	}

	private @Nullable CacheTag tagOf(CacheOperationInvocationContext<?> context) {
		MethodOnTarget key = new MethodOnTarget(context.getMethod(),
				AopProxyUtils.ultimateTargetClass(context.getTarget()));
		Optional<CacheTag> tag = this.tags.get(key);
		if (tag == null) {
			tag = this.tags.computeIfAbsent(key,
					(absent) -> Optional.ofNullable(AnnotatedElementUtils.findMergedAnnotation(
							AopUtils.getMostSpecificMethod(key.method(), key.targetClass()), CacheTag.class)));
		}
		return tag.orElse(null);
	}

	private ExpectedType expected(CacheOperationInvocationContext<?> context) {
		Method method = context.getMethod();
		Class<?> targetClass = AopProxyUtils.ultimateTargetClass(context.getTarget());
		MethodOnTarget key = new MethodOnTarget(method, targetClass);
		ExpectedType expected = this.expectations.get(key);
		return (expected != null) ? expected
				: this.expectations.computeIfAbsent(key, (absent) -> ExpectedType.of(method, targetClass));
	}

	/**
	 * The caches handed for one cache of a {@code @Cacheable} method called on one bean.
	 */
	private record LastAnswer(Method method, Object target, Cache cache, List<Cache> resolved) {

		boolean answers(CacheOperationInvocationContext<?> context, Cache chosen) {
			return this.cache == chosen && this.method == context.getMethod() && this.target == context.getTarget();
		}

	}

	/**
	 * A method on the class it is called on, compared first by identity: Spring hands the
	 * same {@link Method} on every call, and {@link Method#equals} compares parameter
	 * types on every lookup otherwise.
	 */
	private record MethodOnTarget(Method method, Class<?> targetClass) {

		@Override
		public boolean equals(@Nullable Object other) {
			return other instanceof MethodOnTarget that && this.targetClass == that.targetClass
					&& (this.method == that.method || this.method.equals(that.method));
		}

		@Override
		public int hashCode() {
			return 31 * this.method.hashCode() + this.targetClass.hashCode();
		}

	}

	@Override
	public String toString() {
		return "CachekitCacheResolver over " + this.delegate;
	}

}
