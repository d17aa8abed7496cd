package io.cachekit.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Tags the entries that the {@code @Cacheable} or {@code @CachePut} of the same method
 * stores in cachekit's caches, so that {@link EvictTag @EvictTag} or
 * {@link CachekitCacheManager#evictTag(String)} evicts them, in every cache and on every
 * instance, without naming their keys.
 *
 * <p>
 * Each element is a SpEL expression evaluated when the entry is stored, over the method's
 * arguments (by name, {@code #userId}, or {@code #a0}, {@code #p0}), its result
 * ({@code #result}), and a root object with {@code method}, {@code args} and
 * {@code target}. It may give one tag, a collection or an array of them, or {@code null}
 * for none: {@code "'user:' + #userId"},
 * {@code "#result.orderIds.![ 'order:' + #this ]"}. A tag is 1 to 200 UTF-8 bytes without
 * whitespace or control characters; an expression that does not parse fails the
 * application's start, naming the method. At run time, an expression that fails or gives
 * a tag that is not valid leaves the key without an entry (counted in
 * {@link CachekitCache#getTagFailureCount()} or as a value that could not be encoded, and
 * logged once), never an error of the call.
 *
 * <p>
 * Works with the cache resolver of cachekit's auto-configuration
 * ({@link CachekitCacheResolver}), on {@link CachekitCache}s; other caches ignore it. A
 * {@code @Cacheable(sync = true)} method's entries are not tagged yet.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface CacheTag {

	/**
	 * The SpEL expressions of the tags.
	 * @return the expressions
	 */
	String[] value();

}
