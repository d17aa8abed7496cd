package io.cachekit.tier;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class CircuitBreakerConfigTests {

	@Test
	void defaultsAreTheDocumentedOnes() {
		CircuitBreakerConfig config = CircuitBreakerConfig.defaults();
		assertThat(config.failureRateThreshold()).isEqualTo(50);
		assertThat(config.slowCallRateThreshold()).isEqualTo(80);
		assertThat(config.slowCallDurationThreshold()).isEqualTo(Duration.ofMillis(500));
		assertThat(config.slidingWindowSize()).isEqualTo(10);
		assertThat(config.minimumNumberOfCalls()).isEqualTo(5);
		assertThat(config.waitDurationInOpenState()).isEqualTo(Duration.ofMillis(500));
		assertThat(config.permittedNumberOfCallsInHalfOpenState()).isEqualTo(3);
	}

	@Test
	void toBuilderKeepsEveryValue() {
		CircuitBreakerConfig config = CircuitBreakerConfig.builder()
			.failureRateThreshold(70)
			.slowCallRateThreshold(60)
			.slowCallDurationThreshold(Duration.ofSeconds(2))
			.slidingWindowSize(30)
			.minimumNumberOfCalls(7)
			.waitDurationInOpenState(Duration.ofSeconds(3))
			.permittedNumberOfCallsInHalfOpenState(1)
			.build();
		assertThat(config.toBuilder().build()).isEqualTo(config).hasSameHashCodeAs(config);
		assertThat(config.toString()).contains("failureRateThreshold=70%", "waitDurationInOpenState=3s");
	}

	@Test
	void valuesOutOfRangeAreRefusedNamingTheSetting() {
		assertThatIllegalArgumentException().isThrownBy(() -> CircuitBreakerConfig.builder().failureRateThreshold(101))
			.withMessage("failure rate threshold must be between 1 and 100, was 101");
		assertThatIllegalArgumentException().isThrownBy(() -> CircuitBreakerConfig.builder().slidingWindowSize(0))
			.withMessage("sliding window size must be between 1 and 10000, was 0");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> CircuitBreakerConfig.builder().waitDurationInOpenState(Duration.ZERO))
			.withMessageStartingWith("wait duration in open state must be positive");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> CircuitBreakerConfig.builder().waitDurationInOpenState(Duration.ofNanos(500_000)))
			.withMessageStartingWith("wait duration in open state must be at least 1ms");
	}

	@Test
	void aMinimumNumberOfCallsOverTheWindowIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> CircuitBreakerConfig.builder().slidingWindowSize(4).minimumNumberOfCalls(5).build())
			.withMessageStartingWith("minimum number of calls (5) must not be larger than sliding window size (4)");
	}

}
