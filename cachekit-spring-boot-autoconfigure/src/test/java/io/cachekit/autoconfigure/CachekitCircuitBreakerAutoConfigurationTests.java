package io.cachekit.autoconfigure;

import java.time.Duration;

import io.cachekit.backend.BackendErrorType;
import io.cachekit.backend.BackendException;
import io.cachekit.backend.BackendOperation;
import io.cachekit.metrics.CircuitBreakerMetrics;
import io.cachekit.spring.CachekitCacheManager;
import io.cachekit.tier.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The circuit breaker of the auto-configured cache manager:
 * {@code cachekit.circuit-breaker.*}, an application's resilience4j registry, the health
 * detail and the state gauge.
 */
class CachekitCircuitBreakerAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CachekitAutoConfiguration.class, CacheAutoConfiguration.class))
		.withUserConfiguration(CachingConfiguration.class);

	@Test
	void defaultsAreCachekitsDocumentedOnes() {
		this.contextRunner.run((context) -> {
			CircuitBreakerConfig config = breaker(context.getBean(CachekitCacheManager.class)).resilience4j()
				.getCircuitBreakerConfig();
			assertThat(config.getFailureRateThreshold()).isEqualTo(50);
			assertThat(config.getSlowCallRateThreshold()).isEqualTo(80);
			assertThat(config.getSlowCallDurationThreshold()).isEqualTo(Duration.ofMillis(500));
			assertThat(config.getSlidingWindowSize()).isEqualTo(10);
			assertThat(config.getMinimumNumberOfCalls()).isEqualTo(5);
			assertThat(config.getWaitIntervalFunctionInOpenState().apply(1)).isEqualTo(500);
			assertThat(config.getPermittedNumberOfCallsInHalfOpenState()).isEqualTo(3);
		});
	}

	@Test
	void propertiesConfigureTheBreaker() {
		this.contextRunner.withPropertyValues("cachekit.circuit-breaker.failure-rate-threshold=70",
				"cachekit.circuit-breaker.slow-call-rate-threshold=90",
				"cachekit.circuit-breaker.slow-call-duration-threshold=2s",
				"cachekit.circuit-breaker.sliding-window-size=20", "cachekit.circuit-breaker.minimum-number-of-calls=8",
				"cachekit.circuit-breaker.wait-duration-in-open-state=3s",
				"cachekit.circuit-breaker.permitted-number-of-calls-in-half-open-state=1")
			.run((context) -> {
				CircuitBreakerConfig config = breaker(context.getBean(CachekitCacheManager.class)).resilience4j()
					.getCircuitBreakerConfig();
				assertThat(config.getFailureRateThreshold()).isEqualTo(70);
				assertThat(config.getSlowCallRateThreshold()).isEqualTo(90);
				assertThat(config.getSlowCallDurationThreshold()).isEqualTo(Duration.ofSeconds(2));
				assertThat(config.getSlidingWindowSize()).isEqualTo(20);
				assertThat(config.getMinimumNumberOfCalls()).isEqualTo(8);
				assertThat(config.getWaitIntervalFunctionInOpenState().apply(1)).isEqualTo(3000);
				assertThat(config.getPermittedNumberOfCallsInHalfOpenState()).isEqualTo(1);
			});
	}

	@Test
	void aValueOutOfRangeFailsStartupNamingTheProperty() {
		this.contextRunner.withPropertyValues("cachekit.circuit-breaker.failure-rate-threshold=0")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("cachekit.circuit-breaker.failure-rate-threshold")
				.hasMessageContaining("must be between 1 and 100"));
	}

	@Test
	void aMinimumNumberOfCallsOverTheWindowFailsStartupNamingBothProperties() {
		this.contextRunner.withPropertyValues("cachekit.circuit-breaker.minimum-number-of-calls=20")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("Property cachekit.circuit-breaker.minimum-number-of-calls with value '20'")
				.hasMessageContaining(
						"must not be larger than cachekit.circuit-breaker.sliding-window-size (10), or the breaker could never open"));
	}

	@Test
	void theBreakerOfAnApplicationRegistryNamedCachekitIsUsed() {
		this.contextRunner.withUserConfiguration(RegistryConfiguration.class).run((context) -> {
			CircuitBreakerRegistry registry = context.getBean(CircuitBreakerRegistry.class);
			assertThat(breaker(context.getBean(CachekitCacheManager.class)).resilience4j())
				.isSameAs(registry.circuitBreaker("cachekit"));
			assertThat(registry.circuitBreaker("cachekit").getCircuitBreakerConfig().getSlidingWindowSize())
				.isEqualTo(42);
		});
	}

	@Test
	void withARegistryWithoutCachekitTheBreakerIsCreatedThereWithCachekitsSettings() {
		this.contextRunner.withBean(CircuitBreakerRegistry.class, CircuitBreakerRegistry::ofDefaults)
			.withPropertyValues("cachekit.circuit-breaker.sliding-window-size=12")
			.run((context) -> {
				CircuitBreakerRegistry registry = context.getBean(CircuitBreakerRegistry.class);
				assertThat(registry.find("cachekit")).get()
					.isSameAs(breaker(context.getBean(CachekitCacheManager.class)).resilience4j());
				assertThat(registry.circuitBreaker("cachekit").getCircuitBreakerConfig().getSlidingWindowSize())
					.isEqualTo(12);
			});
	}

	@Test
	void healthAndTheStateGaugeShowTheBreakerState() {
		this.contextRunner.withUserConfiguration(OwnBackendConfiguration.class)
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.run((context) -> {
				CircuitBreaker breaker = breaker(context.getBean(CachekitCacheManager.class));
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				assertThat(state(meters, "closed")).isEqualTo(1);
				assertThat(state(meters, "open")).isZero();
				assertThat(health(context.getBean("cachekitHealthIndicator", HealthIndicator.class)))
					.isEqualTo("closed");
				breaker.resilience4j().transitionToOpenState();
				assertThat(state(meters, "open")).isEqualTo(1);
				assertThat(state(meters, "closed")).isZero();
				assertThat(health(context.getBean("cachekitHealthIndicator", HealthIndicator.class))).isEqualTo("open");
			});
	}

	@Test
	void aFailingBackendOpensTheManagersBreaker() {
		this.contextRunner.withUserConfiguration(OwnBackendConfiguration.class).run((context) -> {
			CachekitCacheManager manager = context.getBean(CachekitCacheManager.class);
			CircuitBreaker breaker = breaker(manager);
			for (int i = 0; i < 5; i++) {
				breaker.resilience4j()
					.onError(0, java.util.concurrent.TimeUnit.NANOSECONDS, new BackendException(
							BackendErrorType.TRANSIENT, BackendOperation.GET, "k", "injected", null));
			}
			assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
		});
	}

	private static CircuitBreaker breaker(CachekitCacheManager manager) {
		return manager.getCircuitBreaker();
	}

	private static double state(MeterRegistry meters, String state) {
		return meters.get(CircuitBreakerMetrics.STATE).tag("state", state).gauge().value();
	}

	private static Object health(HealthIndicator indicator) {
		Health health = indicator.health();
		return health.getDetails().get("circuit");
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class CachingConfiguration {

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnBackendConfiguration {

		@Bean
		MapBackend ownBackend() {
			return new MapBackend();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class RegistryConfiguration {

		@Bean
		CircuitBreakerRegistry circuitBreakerRegistry() {
			CircuitBreakerRegistry registry = CircuitBreakerRegistry.ofDefaults();
			registry.circuitBreaker("cachekit", CircuitBreakerConfig.custom().slidingWindowSize(42).build());
			return registry;
		}

	}

}
