package io.cachekit.backend;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DurationsTests {

	@Test
	void wholeUnitsUseTheLargestUnitThatHoldsTheDurationExactly() {
		assertThat(Durations.format(Duration.ofSeconds(2))).isEqualTo("2s");
		assertThat(Durations.format(Duration.ofMillis(500))).isEqualTo("500ms");
		assertThat(Durations.format(Duration.ofMinutes(5))).isEqualTo("5m");
		assertThat(Durations.format(Duration.ofHours(3))).isEqualTo("3h");
		assertThat(Durations.format(Duration.ofDays(30))).isEqualTo("30d");
		assertThat(Durations.format(Duration.ofNanos(3000))).isEqualTo("3us");
		assertThat(Durations.format(Duration.ofNanos(10))).isEqualTo("10ns");
	}

	@Test
	void nothingIsRoundedAway() {
		assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
		assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
		assertThat(Durations.format(Duration.ofSeconds(1, 1))).isEqualTo("1000000001ns");
	}

	@Test
	void zeroAndNegativeDurations() {
		assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
		assertThat(Durations.format(Duration.ofSeconds(-1))).isEqualTo("-1s");
		assertThat(Durations.format(Duration.ofMillis(-250))).isEqualTo("-250ms");
	}

}
