package io.cachekit.spring;

import java.lang.reflect.Method;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

import org.springframework.cache.interceptor.CacheAspectSupport;
import org.springframework.core.ReactiveAdapter;
import org.springframework.core.ReactiveAdapterRegistry;
import org.springframework.core.ResolvableType;
import org.springframework.core.SpringProperties;
import org.springframework.util.ClassUtils;

/**
 * What a cached value must be for Spring's cache interceptor to hand it back from one
 * {@code @Cacheable} method without a {@link ClassCastException}.
 *
 * <p>
 * Follows how {@link CacheAspectSupport} stores and returns values: an
 * {@code Optional<T>} method caches its content ({@code T} or null); a
 * {@code CompletableFuture<T>} or {@code Mono<T>} method its element; a {@code Flux<T>}
 * method the list of its elements. Only raw classes are checked (generic arguments are
 * erased in cached values: a {@code List<Item>} method checks {@code List});
 * {@code void}, {@code Object} and type variables without a bound accept anything.
 * Immutable and thread-safe.
 */
final class ExpectedType {

	private static final boolean reactiveStreams = ClassUtils.isPresent("org.reactivestreams.Publisher",
			ExpectedType.class.getClassLoader())
			&& !SpringProperties.getFlag(CacheAspectSupport.IGNORE_REACTIVESTREAMS_PROPERTY_NAME);

	static final ExpectedType ANY = new ExpectedType(Shape.ANY, Object.class, "Object");

	private final Shape shape;

	private final Class<?> type;

	private final String description;

	private ExpectedType(Shape shape, Class<?> type, String description) {
		this.shape = shape;
		this.type = type;
		this.description = description;
	}

	/**
	 * Reads what a method's cached values must be.
	 * @param method the {@code @Cacheable} method
	 * @param targetClass the class of the bean it is called on, which resolves type
	 * variables of a generic superclass, or {@code null}
	 * @return the expectation; {@link #ANY} when anything fits
	 */
	static ExpectedType of(Method method, @Nullable Class<?> targetClass) {
		ResolvableType returnType = returnType(method, targetClass);
		Class<?> raw = method.getReturnType();
		String description = ClassUtils.getQualifiedMethodName(method, targetClass) + " returns " + returnType;
		if (raw == void.class || raw == Object.class) {
			return ANY;
		}
		if (raw == Optional.class) {
			return create(Shape.OPTIONAL, returnType.getGeneric(0), description);
		}
		if (CompletableFuture.class.isAssignableFrom(raw)) {
			return create(Shape.SINGLE, returnType.as(CompletableFuture.class).getGeneric(0), description);
		}
		if (reactiveStreams) {
			ReactiveAdapter adapter = ReactiveAdapterRegistry.getSharedInstance().getAdapter(raw);
			if (adapter != null) {
				if (adapter.isNoValue()) {
					return ANY;
				}
				return create(adapter.isMultiValue() ? Shape.MULTI : Shape.SINGLE, returnType.getGeneric(0),
						description);
			}
		}
		Class<?> resolved = returnType.resolve(raw);
		return (resolved == Object.class) ? ANY : new ExpectedType(Shape.VALUE, resolved, description);
	}

	private static ExpectedType create(Shape shape, ResolvableType element, String description) {
		Class<?> type = ClassUtils.resolvePrimitiveIfNecessary(element.resolve(Object.class));
		if (type == Object.class && shape != Shape.MULTI) {
			return ANY;
		}
		return new ExpectedType(shape, type, description);
	}

	private static ResolvableType returnType(Method method, @Nullable Class<?> targetClass) {
		if (targetClass != null && method.getDeclaringClass().isAssignableFrom(targetClass)) {
			return ResolvableType.forMethodReturnType(method, targetClass);
		}
		return ResolvableType.forMethodReturnType(method);
	}

	/**
	 * Tells whether anything fits, so that no check is needed.
	 * @return {@code true} for {@code void}, {@code Object} and unbounded type variables
	 */
	boolean isAny() {
		return this.shape == Shape.ANY;
	}

	/**
	 * Tells whether a value found by a lookup ({@code get(key)} or {@code retrieve(key)})
	 * can be returned from the method.
	 * @param value the cached value, {@code null} for a cached null
	 * @return whether it fits
	 */
	boolean fits(@Nullable Object value) {
		return switch (this.shape) {
			case ANY -> true;
			case VALUE -> ClassUtils.isAssignableValue(this.type, value);
			case OPTIONAL -> value == null || this.type.isInstance(value) || (value instanceof Optional<?> optional
					&& (optional.isEmpty() || this.type.isInstance(optional.get())));
			case SINGLE -> value == null || this.type.isInstance(value);
			// Spring turns an Iterable into the elements of the Flux, anything else into
			// a Flux of that one value.
			case MULTI -> value == null
					|| ((value instanceof Iterable<?> elements) ? allFit(elements) : this.type.isInstance(value));
		};
	}

	/**
	 * Tells whether a value found by a lookup with a loader ({@code get(key, loader)} or
	 * {@code retrieve(key, loader)}, for {@code sync = true}) can be returned from the
	 * method; a {@code Flux} method then needs a list of its elements.
	 * @param value the cached or loaded value, {@code null} for a cached null
	 * @return whether it fits
	 */
	boolean fitsLoaded(@Nullable Object value) {
		if (this.shape == Shape.MULTI) {
			return value == null || (value instanceof Iterable<?> elements && allFit(elements));
		}
		return fits(value);
	}

	private boolean allFit(Iterable<?> elements) {
		for (Object element : elements) {
			if (!this.type.isInstance(element)) {
				return false;
			}
		}
		return true;
	}

	@Override
	public String toString() {
		return this.description;
	}

	private enum Shape {

		/** Anything fits. */
		ANY,

		/** A plain return type: the value, or null unless the type is primitive. */
		VALUE,

		/** {@code Optional<T>}: {@code T} or null. */
		OPTIONAL,

		/** {@code CompletableFuture<T>}, {@code Mono<T>}: {@code T} or null. */
		SINGLE,

		/** {@code Flux<T>}: a list of {@code T}. */
		MULTI

	}

}
