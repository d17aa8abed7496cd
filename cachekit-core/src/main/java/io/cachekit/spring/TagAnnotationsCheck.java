package io.cachekit.spring;

import java.lang.reflect.Method;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.cachekit.tier.CacheTags;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.BeanInitializationException;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.expression.Expression;
import org.springframework.expression.spel.ast.StringLiteral;
import org.springframework.expression.spel.standard.SpelExpression;
import org.springframework.util.ReflectionUtils;

/**
 * Checks, as each bean is initialized, the expressions of its {@link CacheTag @CacheTag}
 * and {@link EvictTag @EvictTag} methods, so that a mistake fails the application's start
 * with a message naming the bean, the method and the expression, rather than every call:
 * each must parse as SpEL, and one that is a plain string literal must be a valid tag
 * ({@link CacheTags#check(String)}). Each class is checked once. Thread-safe. The
 * auto-configuration registers one.
 */
public final class TagAnnotationsCheck implements BeanPostProcessor {

	private final TagExpressions expressions = new TagExpressions();

	private final Set<Class<?>> checked = ConcurrentHashMap.newKeySet();

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		Class<?> type = AopUtils.getTargetClass(bean);
		if (this.checked.add(type)) {
			check(type, beanName);
		}
		return bean;
	}

	/**
	 * Checks the tag annotations of a class's methods.
	 * @param type the class
	 * @param beanName the bean it is the class of, for the message
	 * @throws BeanInitializationException when an expression does not parse or a literal
	 * tag is not valid
	 */
	void check(Class<?> type, String beanName) {
		ReflectionUtils.doWithMethods(type, (method) -> {
			CacheTag tag = AnnotatedElementUtils.findMergedAnnotation(method, CacheTag.class);
			if (tag != null) {
				check(beanName, method, tag.value());
				Cacheable cacheable = AnnotatedElementUtils.findMergedAnnotation(method, Cacheable.class);
				if (cacheable != null && cacheable.sync()) {
					throw new BeanInitializationException("Invalid cachekit tag on bean '" + beanName + "', "
							+ TagExpressions.describe(method) + ": @CacheTag does not tag the entries of "
							+ "@Cacheable(sync = true) yet; remove sync = true, or the tag");
				}
			}
			EvictTag evict = AnnotatedElementUtils.findMergedAnnotation(method, EvictTag.class);
			if (evict != null) {
				check(beanName, method, evict.value());
			}
		}, ReflectionUtils.USER_DECLARED_METHODS);
	}

	private void check(String beanName, Method method, String[] values) {
		try {
			Expression[] parsed = this.expressions.parse(method, values);
			for (Expression expression : parsed) {
				if (expression instanceof SpelExpression spel && spel.getAST() instanceof StringLiteral) {
					String literal = spel.getValue(String.class);
					if (literal != null) {
						CacheTags.check(literal);
					}
				}
			}
		}
		catch (IllegalStateException | IllegalArgumentException ex) {
			throw new BeanInitializationException("Invalid cachekit tag on bean '" + beanName + "', "
					+ TagExpressions.describe(method) + ": " + ex.getMessage(), ex);
		}
	}

}
