package io.cachekit.tier;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PendingInvalidationsTests {

	private final PendingInvalidations pending = new PendingInvalidations();

	@Test
	void markStaysUntilAChangeAsNewReachedL2() {
		this.pending.mark("k", 5);
		this.pending.unmark("k", 4);
		assertThat(this.pending.isMarked("k")).as("an older change does not clear a newer mark").isTrue();
		this.pending.unmark("k", 5);
		assertThat(this.pending.isMarked("k")).isFalse();
	}

	@Test
	void laterMarkWins() {
		this.pending.mark("k", 7);
		this.pending.mark("k", 3);
		this.pending.unmark("k", 5);
		assertThat(this.pending.isMarked("k")).isTrue();
	}

	@Test
	void tooManyMarkedKeysRequestAClearInstead() {
		for (int i = 0; i < PendingInvalidations.MAX_KEYS; i++) {
			this.pending.mark("k" + i, 1);
		}
		assertThat(this.pending.isClearPending()).isFalse();
		this.pending.mark("one-more", 1);
		assertThat(this.pending.isClearPending()).isTrue();
		assertThat(this.pending.markedKeys()).isEqualTo(PendingInvalidations.MAX_KEYS);
	}

	@Test
	void clearStartingDropsMarksAndClearDoneEndsThePendingClear() {
		this.pending.mark("k", 1);
		this.pending.requestClear();
		long requested = this.pending.clearStarting();
		assertThat(this.pending.isMarked("k")).isFalse();
		this.pending.clearDone(requested);
		assertThat(this.pending.isClearPending()).isFalse();
	}

	@Test
	void clearRequestedWhileABumpIsUnderWayStaysPending() {
		this.pending.requestClear();
		long requested = this.pending.clearStarting();
		this.pending.requestClear();
		this.pending.clearDone(requested);
		assertThat(this.pending.isClearPending()).isTrue();
	}

}
