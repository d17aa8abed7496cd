package io.cachekit.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Evicts, when the method is called, every entry stored with the given tags
 * ({@link CacheTag @CacheTag}) in every cache of cachekit's cache manager and on every
 * instance: at once here, elsewhere within the generation refresh interval, or at once
 * where the backend pushes the eviction (Redis). No key is scanned.
 *
 * <p>
 * Each element is a SpEL expression over the method's arguments, the root object
 * ({@code method}, {@code args}, {@code target}) and, after the method returned,
 * {@code #result}; it may give one tag, a collection or an array of them, or {@code null}
 * for none. By default the tags are evicted after the method returned normally, as
 * {@code @CacheEvict} does; with {@link #beforeInvocation()} before it runs, whatever its
 * outcome. An expression that does not parse fails the application's start; one that
 * fails at run time, a tag that is not valid, or a backend that fails is logged and never
 * fails the call (entries of the tag on this instance are then not served until its
 * version can be read again).
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface EvictTag {

	/**
	 * The SpEL expressions of the tags to evict.
	 * @return the expressions
	 */
	String[] value();

	/**
	 * Whether to evict before the method runs rather than after it returned normally.
	 * @return {@code true} to evict before
	 */
	boolean beforeInvocation() default false;

}
