package io.cachekit.autoconfigure;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Function;

import io.cachekit.backend.Backend;
import io.cachekit.backend.Durations;
import io.cachekit.codec.ValueCodec;
import io.cachekit.metrics.CircuitBreakerMetrics;
import io.cachekit.metrics.MeteredBackend;
import io.cachekit.spring.CachekitCache;
import io.cachekit.spring.CachekitCacheManager;
import io.cachekit.spring.CachekitCacheResolver;
import io.cachekit.spring.EvictTagAdvisor;
import io.cachekit.spring.TagAnnotationsCheck;
import io.cachekit.tier.CacheConfiguration;
import io.cachekit.tier.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.cache.autoconfigure.CacheManagerCustomizer;
import org.springframework.boot.cache.autoconfigure.CacheManagerCustomizers;
import org.springframework.boot.cache.autoconfigure.CacheProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.UnboundElementsSourceFilter;
import org.springframework.cache.annotation.CachingConfigurer;
import org.springframework.cache.interceptor.CacheResolver;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;

/**
 * The {@code cacheManager} bean: on when caching is enabled ({@code @EnableCaching}), the
 * application has no cache manager or {@code cacheResolver} of its own, and
 * {@code spring.cache.type} is not set.
 *
 * <p>
 * Caches named in {@code cachekit.caches.<name>} or in Spring Boot's
 * {@code spring.cache.cache-names} are created at startup, the latter with the default
 * settings; other caches are still created on first use, as Spring Boot's Redis cache
 * manager does with its initial cache names.
 *
 * <p>
 * With it comes a {@link CachingConfigurer} whose {@link CachekitCacheResolver} tells the
 * caches each {@code @Cacheable} method's return type, unless the application has a
 * {@code CachingConfigurer} of its own.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(OnCachekitCacheManagerCondition.class)
@EnableConfigurationProperties(CacheProperties.class)
class CachekitCacheConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(CachekitAutoConfiguration.class);

	private static final String CACHES = "cachekit.caches";

	@Bean
	CachekitCacheManager cacheManager(CachekitProperties properties, CacheProperties cacheProperties,
			ObjectProvider<Backend> backend, ValueCodec codec, ObjectProvider<CacheConfiguration> cacheConfiguration,
			ObjectProvider<CachekitCacheManagerBuilderCustomizer> builderCustomizers,
			ObjectProvider<MeterRegistry> meterRegistry, ObjectProvider<CacheManagerCustomizer<?>> customizers,
			ObjectProvider<CircuitBreakerRegistry> circuitBreakerRegistry, Environment environment,
			ResourceLoader resourceLoader, BeanFactory beanFactory) {
		checkCacheSettingNames(environment);
		Backend l2 = backend.getIfUnique();
		logBackend(BackendSelection.of(environment, resourceLoader.getClassLoader(),
				CachekitAutoConfiguration.listable(beanFactory)), l2);
		MeterRegistry registry = meterRegistry.getIfUnique();
		Backend measured = (l2 != null && registry != null) ? new MeteredBackend(l2, l2.backendType(), registry) : l2;
		// An application's own CacheConfiguration bean replaces the defaults the
		// cachekit.*
		// properties would give, as a RedisCacheConfiguration bean does for Redis caches.
		CacheConfiguration defaults = cacheConfiguration.getIfAvailable(() -> defaults(properties));
		CachekitCacheManager.Builder builder = CachekitCacheManager.builder(measured, codec).defaults(defaults);
		boolean ownCodec = !beanFactory.containsBean(CachekitAutoConfiguration.CODEC_BEAN);
		Function<String, ValueCodec> codecs = CacheEncryptionSettings
			.codecs(properties, codec, ownCodec, (encrypting, compress) -> CompressionSettings.apply(
					encrypting, properties, beanFactory, () -> BackendSelection.of(environment,
							resourceLoader.getClassLoader(), CachekitAutoConfiguration.listable(beanFactory))
						.type(),
					compress));
		builder.codecs((name) -> {
			checkCacheNameCase(properties, name);
			return codecs.apply(name);
		}).failMode(properties.getFailMode());
		properties.getCaches().forEach((name, spec) -> builder.cache(name, settings(name, spec, defaults)));
		builder.cacheNames(cacheProperties.getCacheNames());
		if (registry != null) {
			builder.onCacheCreated((cache) -> bindQuietly(cache, registry));
		}
		builder.circuitBreaker(
				CircuitBreakerFactory.create(properties.getCircuitBreaker(), circuitBreakerRegistry.getIfUnique()));
		builderCustomizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
		CachekitCacheManager cacheManager = builder.build();
		if (registry != null && l2 != null) {
			bindQuietly(cacheManager.getCircuitBreaker(), registry);
		}
		return new CacheManagerCustomizers(customizers.orderedStream().toList()).customize(cacheManager);
	}

	/**
	 * Hands cachekit's caches to Spring's cache interceptor through a
	 * {@link CachekitCacheResolver}, so that a cached value that does not fit the
	 * {@code @Cacheable} method's return type is a miss. Not a bean named
	 * {@code cacheResolver}, which would make cache auto-configurations back off; an
	 * application's own {@link CachingConfigurer} replaces it (and can return a
	 * {@link CachekitCacheResolver} from {@code cacheResolver()} to keep the check).
	 * @param cacheManager the cache manager, resolved when Spring's interceptor first
	 * needs it
	 * @return the caching configurer
	 */
	@Bean
	@ConditionalOnMissingBean(CachingConfigurer.class)
	CachingConfigurer cachekitCachingConfigurer(ObjectProvider<CachekitCacheManager> cacheManager) {
		return new CachingConfigurer() {

			@Override
			public CacheResolver cacheResolver() {
				return CachekitCacheResolver.of(cacheManager.getObject());
			}

		};
	}

	/**
	 * Carries out {@code @EvictTag} on the application's beans. An infrastructure bean,
	 * so that the proxy creator of {@code @EnableCaching} applies it as it applies
	 * Spring's cache advisor.
	 * @param cacheManager the cache manager, resolved at the first eviction
	 * @return the advisor
	 */
	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static EvictTagAdvisor cachekitEvictTagAdvisor(ObjectProvider<CachekitCacheManager> cacheManager) {
		return new EvictTagAdvisor(cacheManager::getObject);
	}

	/**
	 * Fails the start on a {@code @CacheTag} or {@code @EvictTag} expression that does
	 * not parse, or a literal tag that is not valid, naming the bean and the method.
	 * @return the check
	 */
	@Bean
	static TagAnnotationsCheck cachekitTagAnnotationsCheck() {
		return new TagAnnotationsCheck();
	}

	/**
	 * Fails on a key under {@code cachekit.caches.<name>} that is not a cache setting (a
	 * typo such as {@code tll}), which Spring Boot's binder would ignore in a map value,
	 * leaving the cache on the default. Binds the map again with the semantics of
	 * {@code @ConfigurationProperties(ignoreUnknownFields = false)}, environment
	 * variables and system properties excepted as there.
	 * @param environment the environment
	 */
	static void checkCacheSettingNames(Environment environment) {
		BindHandler handler = new NoUnboundElementsBindHandler(BindHandler.DEFAULT, new UnboundElementsSourceFilter());
		try {
			Binder.get(environment)
				.bind(CACHES, Bindable.mapOf(String.class, CachekitProperties.CacheSpec.class), handler);
		}
		catch (BindException ex) {
			if (ex.getCause() instanceof UnboundConfigurationPropertiesException unbound) {
				ConfigurationProperty first = unbound.getUnboundProperties().iterator().next();
				throw PropertyMessages.invalid(first.getName().toString(), first.getValue(),
						"not a cache setting; a cache takes " + cacheSettingNames());
			}
			throw ex;
		}
	}

	/**
	 * Refuses a cache whose name matches a {@code cachekit.caches.<name>} entry only when
	 * case is ignored. Cache names are case-sensitive and Spring Boot lower-cases map
	 * keys bound from environment variables, so
	 * {@code CACHEKIT_CACHES_USERPROFILES_ENCRYPTION_ENABLED} configures a cache
	 * {@code userprofiles}: the cache {@code userProfiles} would silently get none of its
	 * settings, encryption included. Called as each cache is created (at startup for the
	 * caches named in properties).
	 * @param properties the properties
	 * @param name the cache being created
	 * @throws IllegalStateException naming both spellings and what to do
	 */
	static void checkCacheNameCase(CachekitProperties properties, String name) {
		if (properties.getCaches().containsKey(name)) {
			return;
		}
		for (String configured : properties.getCaches().keySet()) {
			if (configured.equalsIgnoreCase(name)) {
				throw new IllegalStateException("cache '" + name + "' has no settings, but " + CACHES + "." + configured
						+ " differs from its name in case only: none of those settings (encryption "
						+ "included) would apply. Cache names are case-sensitive, and map keys bound from "
						+ "environment variables are lower-cased: name the cache '" + configured
						+ "', or set its settings where case is kept (application.yml, SPRING_APPLICATION_JSON)");
			}
		}
	}

	/**
	 * Lists the keys of {@code cachekit.caches.<name>}.
	 * @return the keys, in declaration order, as {@code ttl, l1-enabled, ...}
	 */
	static String cacheSettingNames() {
		List<String> names = new ArrayList<>();
		for (Field field : CachekitProperties.CacheSpec.class.getDeclaredFields()) {
			if (!Modifier.isStatic(field.getModifiers())) {
				names.add(DataObjectPropertyName.toDashedForm(field.getName()));
			}
		}
		return String.join(", ", names);
	}

	/**
	 * Binds a cache's meters as it is created, with the tags Spring Boot's
	 * {@code CacheMetricsRegistrar} gives the caches of this bean, so that its binding at
	 * startup finds them bound.
	 */
	private static void bindQuietly(CachekitCache cache, MeterRegistry registry) {
		try {
			CachekitCacheMeterBinderProvider.bind(registry, cache,
					Tags.of("cache.manager", "cacheManager", "name", cache.getName()));
		}
		catch (RuntimeException ex) {
			logger.warn("cachekit: could not bind cache metrics", ex);
		}
	}

	private static void bindQuietly(CircuitBreaker breaker, MeterRegistry registry) {
		try {
			new CircuitBreakerMetrics(breaker, Tags.of("cache.manager", "cacheManager")).bindTo(registry);
		}
		catch (RuntimeException ex) {
			logger.warn("cachekit: could not bind circuit breaker metrics", ex);
		}
	}

	private static void logBackend(BackendSelection selection, @Nullable Backend backend) {
		boolean ownBean = backend != null && !backend.backendType().equals(name(selection.type()));
		if (backend == null) {
			logger.info("cachekit: no L2 backend ({}); caches are L1 only, in this process", selection.reason());
		}
		else if (ownBean) {
			logger.info("cachekit: L2 is the application's Backend bean {}", backend);
		}
		else {
			logger.info("cachekit: L2 is {} ({})", backend, selection.reason());
		}
		if (!selection.ignored().isEmpty() && !ownBean) {
			logger.info("cachekit: ignoring {}, which configure{} another backend than the chosen one ({})",
					String.join(", ", new TreeSet<>(selection.ignored())), (selection.ignored().size() == 1) ? "s" : "",
					selection.reason());
		}
	}

	private static CacheConfiguration defaults(CachekitProperties properties) {
		CachekitProperties.L1 l1 = properties.getL1();
		CacheConfiguration defaults = CacheConfiguration.defaults()
			.withTtl(nonNegative("cachekit.default-ttl", properties.getDefaultTtl()))
			.withAllowNullValues(properties.isAllowNullValues())
			.withL1Enabled(l1.isEnabled())
			.withL1Ttl(positive("cachekit.l1.max-ttl", l1.getMaxTtl()))
			.withL1MaxSize(positiveSize("cachekit.l1.max-size", l1.getMaxSize().toBytes()))
			.withGenerationRefresh(positive("cachekit.generation-refresh", properties.getGenerationRefresh()))
			.withCoherence(properties.getCoherence().isEnabled());
		defaults = LoadingSettings.defaults(defaults, properties);
		return defaults;
	}

	private static CacheConfiguration settings(String name, CachekitProperties.CacheSpec spec,
			CacheConfiguration defaults) {
		String prefix = CACHES + "." + name + ".";
		CacheConfiguration settings = defaults;
		if (spec.getTtl() != null) {
			settings = settings.withTtl(nonNegative(prefix + "ttl", spec.getTtl()));
		}
		if (spec.getL1Enabled() != null) {
			settings = settings.withL1Enabled(spec.getL1Enabled());
		}
		if (spec.getL1Ttl() != null) {
			Duration l1Ttl = positive(prefix + "l1-ttl", spec.getL1Ttl());
			if (l1Ttl.compareTo(defaults.l1Ttl()) > 0) {
				throw PropertyMessages.invalid(prefix + "l1-ttl", l1Ttl,
						"must not exceed cachekit.l1.max-ttl (" + Durations.format(defaults.l1Ttl())
								+ "), which bounds how long any "
								+ "instance may serve a value another instance changed; raise that instead");
			}
			settings = settings.withL1Ttl(l1Ttl);
		}
		if (spec.getAllowNullValues() != null) {
			settings = settings.withAllowNullValues(spec.getAllowNullValues());
		}
		if (spec.getCoherence() != null) {
			settings = settings.withCoherence(spec.getCoherence());
		}
		settings = LoadingSettings.cache(settings, prefix, spec);
		return settings;
	}

	private static Duration positive(String property, Duration value) {
		if (value.isNegative() || value.isZero()) {
			throw PropertyMessages.invalid(property, value, "must be positive");
		}
		return value;
	}

	private static Duration nonNegative(String property, Duration value) {
		if (value.isNegative()) {
			throw PropertyMessages.invalid(property, value, "must not be negative (zero means no expiry)");
		}
		return value;
	}

	private static long positiveSize(String property, long bytes) {
		if (bytes < 1) {
			throw PropertyMessages.invalid(property, bytes + "B", "must be positive");
		}
		return bytes;
	}

	private static String name(Enum<?> value) {
		return value.name().toLowerCase(java.util.Locale.ROOT);
	}

}
