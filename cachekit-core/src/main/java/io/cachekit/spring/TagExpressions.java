package io.cachekit.spring;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.expression.Expression;
import org.springframework.expression.ParseException;
import org.springframework.expression.spel.standard.SpelExpressionParser;

/**
 * Evaluates the SpEL expressions of {@link CacheTag @CacheTag} and
 * {@link EvictTag @EvictTag} into tags: over the method's arguments, its result
 * ({@code #result}, when known) and a {@link Root root object}. An expression gives one
 * tag, a collection or an array of them, or {@code null} for none; each element is a tag
 * by its {@code toString()}, nulls skipped. Parsed expressions are kept per method.
 * Thread-safe.
 */
final class TagExpressions {

	private final SpelExpressionParser parser = new SpelExpressionParser();

	private final ParameterNameDiscoverer names = new DefaultParameterNameDiscoverer();

	private final Map<MethodExpressions, Expression[]> parsed = new ConcurrentHashMap<>();

	/**
	 * Parses expressions, failing with a message that names the method and the
	 * expression.
	 * @param method the annotated method
	 * @param expressions the expressions
	 * @return the parsed expressions
	 * @throws IllegalStateException when one does not parse, or there is none
	 */
	Expression[] parse(Method method, String[] expressions) {
		MethodExpressions key = new MethodExpressions(method, expressions);
		Expression[] known = this.parsed.get(key);
		return (known != null) ? known : this.parsed.computeIfAbsent(key, (absent) -> parseAll(method, expressions));
	}

	private Expression[] parseAll(Method method, String[] expressions) {
		if (expressions.length == 0) {
			throw new IllegalStateException("the tag annotation of " + describe(method) + " names no tag");
		}
		Expression[] result = new Expression[expressions.length];
		for (int i = 0; i < expressions.length; i++) {
			try {
				result[i] = this.parser.parseExpression(expressions[i]);
			}
			catch (ParseException ex) {
				throw new IllegalStateException("the tag expression \"" + expressions[i] + "\" of " + describe(method)
						+ " does not parse: " + ex.getMessage(), ex);
			}
		}
		return result;
	}

	/**
	 * Evaluates expressions for one call.
	 * @param method the method called
	 * @param expressions the expressions
	 * @param args the call's arguments
	 * @param target the object called
	 * @param result the method's result, when it returned; {@code null} otherwise
	 * @param hasResult whether {@code #result} is defined
	 * @return the tags, in order, possibly with duplicates
	 * @throws RuntimeException when an expression fails (SpEL's exception)
	 */
	List<String> evaluate(Method method, String[] expressions, @Nullable Object[] args, Object target,
			@Nullable Object result, boolean hasResult) {
		Expression[] parsedExpressions = parse(method, expressions);
		MethodBasedEvaluationContext context = new MethodBasedEvaluationContext(
				new Root(method, Arrays.asList(args), target), method, args, this.names);
		if (hasResult) {
			context.setVariable("result", result);
		}
		List<String> tags = new ArrayList<>();
		for (Expression expression : parsedExpressions) {
			add(tags, expression.getValue(context));
		}
		return tags;
	}

	private static void add(List<String> tags, @Nullable Object value) {
		if (value == null) {
			return;
		}
		if (value instanceof Iterable<?> many) {
			for (Object one : many) {
				add(tags, one);
			}
		}
		else if (value instanceof Object[] many) {
			for (Object one : many) {
				add(tags, one);
			}
		}
		else {
			tags.add(value.toString());
		}
	}

	static String describe(Method method) {
		return method.getDeclaringClass().getName() + "." + method.getName() + "()";
	}

	/**
	 * The root object of a tag expression.
	 *
	 * @param method the method called
	 * @param args its arguments
	 * @param target the object called
	 */
	record Root(Method method, List<@Nullable Object> args, Object target) {

	}

	private record MethodExpressions(Method method, List<String> expressions) {

		MethodExpressions(Method method, String[] expressions) {
			this(method, List.of(expressions));
		}

	}

}
