package io.cachekit.tier;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

import com.github.benmanes.caffeine.cache.Ticker;

/**
 * A clock and a ticker that move together, only when told to.
 */
final class FakeTime extends Clock implements Ticker {

	private final AtomicLong nanos = new AtomicLong();

	private final Instant start = Instant.parse("2026-01-01T00:00:00Z");

	void advance(Duration duration) {
		this.nanos.addAndGet(duration.toNanos());
	}

	@Override
	public long read() {
		return this.nanos.get();
	}

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		return this;
	}

	@Override
	public Instant instant() {
		return this.start.plusNanos(this.nanos.get());
	}

}
