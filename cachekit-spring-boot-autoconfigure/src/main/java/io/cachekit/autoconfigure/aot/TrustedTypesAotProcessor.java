package io.cachekit.autoconfigure.aot;

import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.ReflectionHints;
import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotContribution;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotProcessor;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.ClassUtils;

/**
 * Hints, for a native image, the classes cachekit's codec may read: every class in the
 * application's trusted packages (its auto-configuration packages, as for the codec
 * itself, and {@code cachekit.serialization.trusted-packages}). The codec loads them by
 * the name in the cached bytes and binds them as Jackson does, so each gets binding hints
 * (its constructors, fields, accessors and the types they name) and its declared
 * constructors.
 *
 * <p>
 * Components are left out: classes annotated with {@code @Component} or a stereotype
 * built on it ({@code @Service}, {@code @Repository}, {@code @Controller},
 * {@code @Configuration}, {@code @SpringBootApplication}). They are the bulk of an
 * application's root package, a cache never holds them, Spring's own AOT processing hints
 * what they need, and binding hints on their getters would pull the types of their
 * collaborators (a client, a template) into the image. Every other class stays hinted,
 * also when {@code cachekit.serialization.trusted-packages} is set: the codec trusts the
 * auto-configuration packages in any case, and a class it may read but that was not
 * hinted would fail only at run time, in the native image.
 *
 * <p>
 * Contributes nothing when cachekit's codec bean is not defined (cachekit not used, or
 * the application's own codec) or no trusted package holds a class.
 */
class TrustedTypesAotProcessor implements BeanFactoryInitializationAotProcessor {

	static final String CODEC_BEAN = "cachekitValueCodec";

	static final String TRUSTED_PACKAGES = "cachekit.serialization.trusted-packages";

	/**
	 * The annotation of classes that are beans, not cached values, directly or through a
	 * stereotype built on it.
	 */
	private static final String COMPONENT = "org.springframework.stereotype.Component";

	private static final Pattern PACKAGE = Pattern
		.compile("\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*(\\.\\p{javaJavaIdentifierStart}"
				+ "\\p{javaJavaIdentifierPart}*)*");

	@Override
	public @Nullable BeanFactoryInitializationAotContribution processAheadOfTime(
			ConfigurableListableBeanFactory beanFactory) {
		if (!beanFactory.containsBeanDefinition(CODEC_BEAN)) {
			return null;
		}
		List<Class<?>> types = scan(packages(beanFactory), beanFactory.getBeanClassLoader());
		if (types.isEmpty()) {
			return null;
		}
		return (generationContext, code) -> {
			ReflectionHints reflection = generationContext.getRuntimeHints().reflection();
			new BindingReflectionHintsRegistrar().registerReflectionHints(reflection, types.toArray(Type[]::new));
			for (Class<?> type : types) {
				reflection.registerType(type, MemberCategory.INVOKE_DECLARED_CONSTRUCTORS);
			}
		};
	}

	/**
	 * Returns the trusted packages: the auto-configuration packages and
	 * {@code cachekit.serialization.trusted-packages}, without values that are not
	 * package names (the codec bean refuses those at startup).
	 */
	static Set<String> packages(ConfigurableListableBeanFactory beanFactory) {
		Set<String> packages = new LinkedHashSet<>();
		if (AutoConfigurationPackages.has(beanFactory)) {
			packages.addAll(AutoConfigurationPackages.get(beanFactory));
		}
		if (beanFactory.containsBean("environment")) {
			Environment environment = beanFactory.getBean("environment", Environment.class);
			packages.addAll(Binder.get(environment)
				.bind(TRUSTED_PACKAGES, Bindable.listOf(String.class))
				.orElse(List.of())
				.stream()
				.map(String::strip)
				.toList());
		}
		packages.removeIf((name) -> !PACKAGE.matcher(name).matches());
		return packages;
	}

	private static boolean isComponent(AnnotationMetadata metadata) {
		return metadata.hasAnnotation(COMPONENT) || metadata.hasMetaAnnotation(COMPONENT);
	}

	private static List<Class<?>> scan(Set<String> packages, @Nullable ClassLoader classLoader) {
		ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false) {

			@Override
			protected boolean isCandidateComponent(AnnotatedBeanDefinition definition) {
				AnnotationMetadata metadata = definition.getMetadata();
				return !metadata.getClassName().endsWith(".package-info") && !isComponent(metadata);
			}

		};
		scanner.addIncludeFilter((reader, factory) -> true);
		Set<String> names = new LinkedHashSet<>();
		for (String name : packages) {
			for (BeanDefinition candidate : scanner.findCandidateComponents(name)) {
				String className = candidate.getBeanClassName();
				if (className != null) {
					names.add(className);
				}
			}
		}
		List<Class<?>> types = new ArrayList<>();
		for (String name : names) {
			try {
				types.add(ClassUtils.forName(name, classLoader));
			}
			catch (ClassNotFoundException | LinkageError ex) {
				// A class that cannot be loaded at build time cannot be read either.
			}
		}
		return types;
	}

}
