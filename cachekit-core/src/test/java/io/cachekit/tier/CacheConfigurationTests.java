package io.cachekit.tier;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class CacheConfigurationTests {

	@Test
	void defaultsAreOneHourNullsCachedL1On30Seconds64MiBAndOneSecondRefresh() {
		CacheConfiguration defaults = CacheConfiguration.defaults();
		assertThat(defaults.ttl()).hasValue(Duration.ofHours(1));
		assertThat(defaults.allowNullValues()).isTrue();
		assertThat(defaults.l1Enabled()).isTrue();
		assertThat(defaults.l1Ttl()).isEqualTo(Duration.ofSeconds(30));
		assertThat(defaults.l1MaxSize()).isEqualTo(64L * 1024 * 1024);
		assertThat(defaults.generationRefresh()).isEqualTo(Duration.ofSeconds(1));
	}

	@Test
	void withersAnswerANewConfigurationAndLeaveTheOriginal() {
		CacheConfiguration defaults = CacheConfiguration.defaults();
		CacheConfiguration changed = defaults.withTtl(Duration.ofMinutes(5))
			.withAllowNullValues(false)
			.withL1Enabled(false)
			.withL1Ttl(Duration.ofSeconds(3))
			.withL1MaxSize(1024)
			.withGenerationRefresh(Duration.ofMillis(200));
		assertThat(changed.ttl()).hasValue(Duration.ofMinutes(5));
		assertThat(changed.allowNullValues()).isFalse();
		assertThat(changed.l1Enabled()).isFalse();
		assertThat(changed.l1Ttl()).isEqualTo(Duration.ofSeconds(3));
		assertThat(changed.l1MaxSize()).isEqualTo(1024);
		assertThat(changed.generationRefresh()).isEqualTo(Duration.ofMillis(200));
		assertThat(defaults).isEqualTo(CacheConfiguration.defaults()).isNotEqualTo(changed);
	}

	@Test
	void zeroOrNullTtlMeansNoExpiry() {
		assertThat(CacheConfiguration.defaults().withTtl(Duration.ZERO).ttl()).isEmpty();
		assertThat(CacheConfiguration.defaults().withTtl(null).ttl()).isEmpty();
	}

	@Test
	void outOfRangeValuesAreRefusedNamingTheSetting() {
		CacheConfiguration defaults = CacheConfiguration.defaults();
		assertThatIllegalArgumentException().isThrownBy(() -> defaults.withTtl(Duration.ofSeconds(-1)))
			.withMessageContaining("ttl");
		assertThatIllegalArgumentException().isThrownBy(() -> defaults.withL1Ttl(Duration.ZERO))
			.withMessageContaining("l1Ttl");
		assertThatIllegalArgumentException().isThrownBy(() -> defaults.withL1MaxSize(0))
			.withMessageContaining("l1MaxSize");
		assertThatIllegalArgumentException().isThrownBy(() -> defaults.withGenerationRefresh(Duration.ofMillis(-5)))
			.withMessageContaining("generationRefresh");
	}

	@Test
	void equalConfigurationsHaveEqualHashCodes() {
		CacheConfiguration one = CacheConfiguration.defaults().withTtl(Duration.ofMinutes(1));
		CacheConfiguration two = CacheConfiguration.defaults().withTtl(Duration.ofSeconds(60));
		assertThat(one).isEqualTo(two).hasSameHashCodeAs(two);
		assertThat(one.toString()).contains("ttl=PT1M");
	}

	@Test
	void coherenceIsOnByDefaultAndKeptByTheOtherWithers() {
		assertThat(CacheConfiguration.defaults().coherence()).isTrue();
		CacheConfiguration off = CacheConfiguration.defaults().withCoherence(false);
		assertThat(off.coherence()).isFalse();
		assertThat(off.withTtl(Duration.ofMinutes(1))
			.withAllowNullValues(false)
			.withL1Enabled(false)
			.withL1Ttl(Duration.ofSeconds(3))
			.withL1MaxSize(1024)
			.withGenerationRefresh(Duration.ofMillis(200))
			.coherence()).isFalse();
		assertThat(off).isNotEqualTo(CacheConfiguration.defaults())
			.isEqualTo(CacheConfiguration.defaults().withCoherence(false));
		assertThat(off.toString()).contains("coherence=false");
	}

}
