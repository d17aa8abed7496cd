package io.cachekit.backend;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RemainingTtlTests {

	@Test
	void missingNeitherExistsNorExpires() {
		RemainingTtl missing = RemainingTtl.missing();
		assertThat(missing.exists()).isFalse();
		assertThat(missing.expires()).isFalse();
		assertThat(missing.remaining()).isEmpty();
		assertThat(missing).hasToString("RemainingTtl[missing]");
	}

	@Test
	void noExpiryExistsButDoesNotExpire() {
		RemainingTtl forever = RemainingTtl.noExpiry();
		assertThat(forever.exists()).isTrue();
		assertThat(forever.expires()).isFalse();
		assertThat(forever.remaining()).isEmpty();
		assertThat(forever).isNotEqualTo(RemainingTtl.missing()).hasToString("RemainingTtl[no expiry]");
	}

	@Test
	void expiringEntryCarriesItsRemainingTime() {
		RemainingTtl expiring = RemainingTtl.expiresIn(Duration.ofMillis(1500));
		assertThat(expiring.exists()).isTrue();
		assertThat(expiring.expires()).isTrue();
		assertThat(expiring.remaining()).hasValue(Duration.ofMillis(1500));
		assertThat(expiring).isEqualTo(RemainingTtl.expiresIn(Duration.ofMillis(1500)))
			.hasSameHashCodeAs(RemainingTtl.expiresIn(Duration.ofMillis(1500)))
			.isNotEqualTo(RemainingTtl.expiresIn(Duration.ofMillis(1499)));
		assertThat(RemainingTtl.expiresIn(Duration.ZERO).expires()).isTrue();
	}

	@Test
	void negativeRemainingTimeIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> RemainingTtl.expiresIn(Duration.ofMillis(-1)))
			.withMessageContaining("remaining must not be negative");
	}

}
