package io.cachekit.spring;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.aopalliance.aop.Advice;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AbstractPointcutAdvisor;
import org.springframework.aop.support.AopUtils;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * The advisor that carries out {@link EvictTag @EvictTag}: around each call of an
 * annotated method, it evaluates the tag expressions and evicts the tags through a
 * {@link CachekitCacheManager} ({@link CachekitCacheManager#evictTag(String)}), before
 * the method runs or after it returned normally.
 *
 * <p>
 * A failure to evict (an expression that fails at run time, a tag that is not valid, a
 * backend that fails) never fails the call: it is logged once at WARN, later ones at
 * DEBUG. For a method that returns a {@code CompletableFuture} or a reactive type,
 * "after" is when it returned the future, not when the future completed. Thread-safe. The
 * auto-configuration registers one as an infrastructure bean, which the proxy creator of
 * {@code @EnableCaching} applies.
 */
public final class EvictTagAdvisor extends AbstractPointcutAdvisor {

	private static final Logger logger = LoggerFactory.getLogger(EvictTagAdvisor.class);

	private final Pointcut pointcut = new AnnotationMatchingPointcut(null, EvictTag.class, true);

	private final Interceptor interceptor;

	/**
	 * Creates the advisor.
	 * @param cacheManager gives the cache manager whose caches the tags are evicted from;
	 * asked at the first eviction
	 */
	public EvictTagAdvisor(Supplier<CachekitCacheManager> cacheManager) {
		this.interceptor = new Interceptor(Objects.requireNonNull(cacheManager, "cacheManager must not be null"));
	}

	@Override
	public Pointcut getPointcut() {
		return this.pointcut;
	}

	@Override
	public Advice getAdvice() {
		return this.interceptor;
	}

	private static final class Interceptor implements MethodInterceptor {

		private final Supplier<CachekitCacheManager> cacheManager;

		private final TagExpressions expressions = new TagExpressions();

		private final Map<Method, EvictTag> annotations = new ConcurrentHashMap<>();

		private final AtomicBoolean failureLogged = new AtomicBoolean();

		Interceptor(Supplier<CachekitCacheManager> cacheManager) {
			this.cacheManager = cacheManager;
		}

		@Override
		public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
			Object target = invocation.getThis();
			Method method = (target != null)
					? AopUtils.getMostSpecificMethod(invocation.getMethod(), AopUtils.getTargetClass(target))
					: invocation.getMethod();
			EvictTag tag = annotation(method);
			if (tag == null || target == null) {
				return invocation.proceed();
			}
			if (tag.beforeInvocation()) {
				evict(method, tag, invocation.getArguments(), target, null, false);
			}
			Object result = invocation.proceed();
			if (!tag.beforeInvocation()) {
				evict(method, tag, invocation.getArguments(), target, result, true);
			}
			return result;
		}

		private @Nullable EvictTag annotation(Method method) {
			EvictTag known = this.annotations.get(method);
			if (known != null) {
				return known;
			}
			EvictTag found = AnnotatedElementUtils.findMergedAnnotation(method, EvictTag.class);
			if (found != null) {
				this.annotations.put(method, found);
			}
			return found;
		}

		private void evict(Method method, EvictTag tag, @Nullable Object[] args, Object target, @Nullable Object result,
				boolean hasResult) {
			try {
				List<String> tags = this.expressions.evaluate(method, tag.value(), args, target, result, hasResult);
				CachekitCacheManager manager = this.cacheManager.get();
				for (String one : tags) {
					manager.evictTag(one);
				}
			}
			catch (RuntimeException ex) {
				failed(method, ex);
			}
		}

		private void failed(Method method, RuntimeException ex) {
			try {
				if (this.failureLogged.compareAndSet(false, true)) {
					logger.warn("cachekit: @EvictTag of {} failed: {} (logged once; later failures at DEBUG)",
							TagExpressions.describe(method), ex.toString());
				}
				else {
					logger.debug("cachekit: @EvictTag of {} failed", TagExpressions.describe(method), ex);
				}
			}
			catch (RuntimeException logging) {
				// A broken logger must not break the call.
			}
		}

	}

}
