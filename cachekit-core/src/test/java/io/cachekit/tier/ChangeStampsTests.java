package io.cachekit.tier;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ChangeStampsTests {

	private final ChangeStamps stamps = new ChangeStamps();

	@Test
	void beginMovesTheKeysStampOn() {
		long before = this.stamps.current("k");
		long change = this.stamps.begin("k");
		assertThat(change).isGreaterThan(before);
		assertThat(this.stamps.current("k")).isEqualTo(change);
	}

	@Test
	void aChangeOfOneKeyLeavesAKeyOfAnotherStripeAlone() {
		long other = this.stamps.current("b");
		this.stamps.begin("a");
		assertThat(this.stamps.current("b")).isEqualTo(other);
	}

}
