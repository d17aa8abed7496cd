package io.cachekit.autoconfigure.aot;

import java.lang.reflect.Field;
import java.util.Map;
import java.util.Set;

import io.cachekit.autoconfigure.CachekitAutoConfiguration;
import io.cachekit.autoconfigure.aot.extra.Receipt;
import io.cachekit.autoconfigure.aot.trusted.Book;
import io.cachekit.autoconfigure.aot.trusted.Genre;
import io.cachekit.autoconfigure.aot.trusted.Shelf;
import io.cachekit.autoconfigure.aot.trusted.ShelfConfiguration;
import io.cachekit.autoconfigure.aot.trusted.ShelfService;
import io.cachekit.autoconfigure.fixture.Order;
import io.cachekit.backend.memcached.SpymemcachedLogger;
import io.cachekit.codec.MessagePackCodec;
import org.junit.jupiter.api.Test;

import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotContribution;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotProcessor;
import org.springframework.beans.factory.aot.BeanFactoryInitializationCode;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfigurationPackage;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.javapoet.ClassName;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * cachekit's native-image hints, checked with {@link RuntimeHintsPredicates} (no
 * GraalVM).
 */
class CachekitRuntimeHintsTests {

	@Test
	void spymemcachedLoggerConstructorIsHinted() throws Exception {
		RuntimeHints hints = new RuntimeHints();
		new CachekitRuntimeHints().registerHints(hints, getClass().getClassLoader());
		assertThat(RuntimeHintsPredicates.reflection()
			.onConstructorInvocation(SpymemcachedLogger.class.getConstructor(String.class))).accepts(hints);
	}

	@Test
	void everyJdkTypeTheCodecNamesIsHinted() throws Exception {
		Class<?> allowlist = Class.forName("io.cachekit.codec.TypeAllowlist");
		Field field = allowlist.getDeclaredField("JDK_TYPES");
		field.setAccessible(true);
		@SuppressWarnings("unchecked")
		Set<String> allowed = (Set<String>) field.get(null);
		assertThat(CachekitRuntimeHints.JDK_TYPES).containsExactlyInAnyOrderElementsOf(allowed);
		RuntimeHints hints = new RuntimeHints();
		new CachekitRuntimeHints().registerHints(hints, getClass().getClassLoader());
		assertThat(RuntimeHintsPredicates.reflection().onType(java.util.LinkedHashMap.class)).accepts(hints);
		assertThat(
				RuntimeHintsPredicates.reflection().onConstructorInvocation(java.util.ArrayList.class.getConstructor()))
			.accepts(hints);
	}

	@Test
	void aotFactoriesRegisterBoth() {
		SpringFactoriesLoader loader = SpringFactoriesLoader.forResourceLocation("META-INF/spring/aot.factories");
		assertThat(loader.load(RuntimeHintsRegistrar.class)).hasAtLeastOneElementOfType(CachekitRuntimeHints.class);
		assertThat(loader.load(BeanFactoryInitializationAotProcessor.class))
			.hasAtLeastOneElementOfType(TrustedTypesAotProcessor.class);
	}

	@Test
	void trustedPackagesTypesAreHintedAndNothingElse() throws Exception {
		DefaultListableBeanFactory beanFactory = beanFactory();
		RuntimeHints hints = apply(beanFactory);
		for (Class<?> type : new Class<?>[] { Book.class, Genre.class, Shelf.class, Shelf.Label.class,
				Receipt.class }) {
			assertThat(RuntimeHintsPredicates.reflection().onType(type)).as(type.getName()).accepts(hints);
		}
		assertThat(RuntimeHintsPredicates.reflection()
			.onConstructorInvocation(Book.class.getDeclaredConstructor(String.class, Genre.class))).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onConstructorInvocation(Shelf.class.getDeclaredConstructor()))
			.accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Shelf.class, "setBooks")).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(Order.class)).rejects(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(MessagePackCodec.class)).rejects(hints);
		assertThat(hints.reflection().typeHints().map((hint) -> hint.getType().getName()))
			.noneMatch((name) -> name.endsWith("package-info"));
	}

	@Test
	void componentsOfTrustedPackagesAndTheTypesTheirGettersNameAreNotHinted() {
		RuntimeHints hints = apply(beanFactory());
		for (Class<?> type : new Class<?>[] { ShelfService.class, ShelfConfiguration.class, MessagePackCodec.class }) {
			assertThat(RuntimeHintsPredicates.reflection().onType(type)).as(type.getName()).rejects(hints);
		}
		assertThat(RuntimeHintsPredicates.reflection().onType(Shelf.class)).accepts(hints);
	}

	@Test
	void aotProcessingOfAnApplicationFindsBothThroughAotFactories() throws Exception {
		AnnotationConfigApplicationContext application = new AnnotationConfigApplicationContext();
		application.getEnvironment()
			.getPropertySources()
			.addFirst(new MapPropertySource("test",
					Map.of(TrustedTypesAotProcessor.TRUSTED_PACKAGES, Receipt.class.getPackageName())));
		application.register(AotApplication.class);
		DefaultGenerationContext context = new DefaultGenerationContext(
				new ClassNameGenerator(ClassName.get("com.example", "AotApplication")), new InMemoryGeneratedFiles());
		new ApplicationContextAotGenerator().processAheadOfTime(application, context);
		RuntimeHints hints = context.getRuntimeHints();
		for (Class<?> type : new Class<?>[] { Book.class, Genre.class, Shelf.class, Receipt.class }) {
			assertThat(RuntimeHintsPredicates.reflection().onType(type)).as(type.getName()).accepts(hints);
		}
		assertThat(RuntimeHintsPredicates.reflection()
			.onConstructorInvocation(SpymemcachedLogger.class.getConstructor(String.class))).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(Order.class)).rejects(hints);
	}

	@Test
	void withoutCachekitsCodecBeanNothingIsContributed() {
		DefaultListableBeanFactory beanFactory = beanFactory();
		beanFactory.removeBeanDefinition(TrustedTypesAotProcessor.CODEC_BEAN);
		assertThat(new TrustedTypesAotProcessor().processAheadOfTime(beanFactory)).isNull();
	}

	@Test
	void invalidTrustedPackageIsSkipped() {
		DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();
		beanFactory.registerSingleton("environment", new MockEnvironment()
			.withProperty(TrustedTypesAotProcessor.TRUSTED_PACKAGES, "*, " + Receipt.class.getPackageName()));
		assertThat(TrustedTypesAotProcessor.packages(beanFactory)).containsExactly(Receipt.class.getPackageName());
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	@AutoConfigurationPackage(basePackageClasses = Book.class)
	@ImportAutoConfiguration({ CachekitAutoConfiguration.class, CacheAutoConfiguration.class })
	static class AotApplication {

	}

	private static DefaultListableBeanFactory beanFactory() {
		DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();
		beanFactory.registerBeanDefinition(TrustedTypesAotProcessor.CODEC_BEAN, new RootBeanDefinition(Object.class));
		AutoConfigurationPackages.register(beanFactory, Book.class.getPackageName());
		beanFactory.registerSingleton("environment", new MockEnvironment()
			.withProperty(TrustedTypesAotProcessor.TRUSTED_PACKAGES, Receipt.class.getPackageName()));
		return beanFactory;
	}

	private static RuntimeHints apply(DefaultListableBeanFactory beanFactory) {
		BeanFactoryInitializationAotContribution contribution = new TrustedTypesAotProcessor()
			.processAheadOfTime(beanFactory);
		assertThat(contribution).isNotNull();
		DefaultGenerationContext context = new DefaultGenerationContext(
				new ClassNameGenerator(ClassName.get("com.example", "Application")), new InMemoryGeneratedFiles());
		contribution.applyTo(context, mock(BeanFactoryInitializationCode.class));
		return context.getRuntimeHints();
	}

}
