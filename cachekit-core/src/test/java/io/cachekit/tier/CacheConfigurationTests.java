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
	void ttlOverTheMaximumIsTheMaximum() {
		Duration longest = Duration.ofSeconds(Long.MAX_VALUE, 999_999_999);
		assertThat(CacheConfiguration.defaults().withTtl(longest).ttl()).hasValue(CacheConfiguration.MAX_TTL);
		assertThat(CacheConfiguration.defaults().withTtl(CacheConfiguration.MAX_TTL).ttl())
			.hasValue(CacheConfiguration.MAX_TTL);
		assertThat(CacheConfiguration.defaults().withTtl(Duration.ofDays(30).plusSeconds(1)).ttl())
			.hasValue(Duration.ofDays(30).plusSeconds(1));
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

	@Test
	void loadingDefaultsAreLeaseOffRefreshAheadOffAndNoStaleServing() {
		CacheConfiguration defaults = CacheConfiguration.defaults();
		assertThat(defaults.leaseEnabled()).isFalse();
		assertThat(defaults.leaseTtl()).isEqualTo(Duration.ofSeconds(5));
		assertThat(defaults.leaseMaxWait()).isEqualTo(Duration.ofSeconds(5));
		assertThat(defaults.leasePollInitial()).isEqualTo(Duration.ofMillis(10));
		assertThat(defaults.leasePollMax()).isEqualTo(Duration.ofMillis(100));
		assertThat(defaults.refreshAheadEnabled()).isFalse();
		assertThat(defaults.refreshAheadAt()).isEqualTo(0.8);
		assertThat(defaults.refreshAheadJitter()).isEqualTo(0.05);
		assertThat(defaults.serveStaleGrace()).isZero();
	}

	@Test
	void loadingWithersKeepTheOtherSettings() {
		CacheConfiguration changed = CacheConfiguration.defaults()
			.withTtl(Duration.ofMinutes(5))
			.withLease(true)
			.withLeaseTtl(Duration.ofSeconds(2))
			.withLeaseMaxWait(Duration.ofSeconds(3))
			.withLeasePoll(Duration.ofMillis(5), Duration.ofMillis(50))
			.withRefreshAhead(true)
			.withRefreshAheadAt(0.5)
			.withRefreshAheadJitter(0.1)
			.withServeStaleGrace(Duration.ofMinutes(1))
			.withL1Ttl(Duration.ofSeconds(3));
		assertThat(changed.ttl()).hasValue(Duration.ofMinutes(5));
		assertThat(changed.leaseEnabled()).isTrue();
		assertThat(changed.leaseTtl()).isEqualTo(Duration.ofSeconds(2));
		assertThat(changed.leaseMaxWait()).isEqualTo(Duration.ofSeconds(3));
		assertThat(changed.leasePollInitial()).isEqualTo(Duration.ofMillis(5));
		assertThat(changed.leasePollMax()).isEqualTo(Duration.ofMillis(50));
		assertThat(changed.refreshAheadEnabled()).isTrue();
		assertThat(changed.refreshAheadAt()).isEqualTo(0.5);
		assertThat(changed.refreshAheadJitter()).isEqualTo(0.1);
		assertThat(changed.serveStaleGrace()).isEqualTo(Duration.ofMinutes(1));
		assertThat(changed.l1Ttl()).isEqualTo(Duration.ofSeconds(3));
		assertThat(changed).isNotEqualTo(changed.withLease(false));
		assertThat(changed.toString()).contains("lease=[ttl=PT2S", "refreshAhead=[at=0.5", "serveStaleGrace=PT1M");
	}

	@Test
	void loadingSettingsOutOfRangeAreRefusedAtOnce() {
		CacheConfiguration defaults = CacheConfiguration.defaults();
		assertThatIllegalArgumentException().isThrownBy(() -> defaults.withLeaseTtl(Duration.ZERO))
			.withMessageContaining("leaseTtl must be positive");
		assertThatIllegalArgumentException().isThrownBy(() -> defaults.withLeaseMaxWait(Duration.ofSeconds(-1)))
			.withMessageContaining("leaseMaxWait must be positive");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> defaults.withLeasePoll(Duration.ofMillis(50), Duration.ofMillis(10)))
			.withMessageContaining("must not be shorter than leasePollInitial");
		assertThatIllegalArgumentException().isThrownBy(() -> defaults.withRefreshAheadAt(1.0))
			.withMessageContaining("refreshAheadAt must be above 0 and below 1");
		assertThatIllegalArgumentException().isThrownBy(() -> defaults.withRefreshAheadJitter(-0.1))
			.withMessageContaining("refreshAheadJitter must be at least 0");
		assertThatIllegalArgumentException().isThrownBy(() -> defaults.withServeStaleGrace(Duration.ofSeconds(-1)))
			.withMessageContaining("serveStaleGrace must not be negative");
		assertThatIllegalArgumentException().isThrownBy(() -> defaults.withServeStaleGrace(Duration.ofDays(366)))
			.withMessageContaining("serveStaleGrace must be at most 365 days");
		assertThatIllegalArgumentException().isThrownBy(() -> defaults.withLeaseTtl(Duration.ofDays(2)))
			.withMessageContaining("leaseTtl must be at most a day");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> defaults.withLeasePoll(Duration.ofMillis(1), Duration.ofDays(1000)))
			.withMessageContaining("leasePollMax must be at most a day");
	}

}
