package io.cachekit.test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

import com.github.benmanes.caffeine.cache.Ticker;

/**
 * A clock and a Caffeine ticker that move together, only when told to, so that expiry is
 * tested without sleeping. Starts at 2026-01-01T00:00:00Z. The clock may be moved
 * centuries ahead; the ticker then stays at {@code Long.MAX_VALUE} nanoseconds.
 * Thread-safe.
 */
public final class ManualTime extends Clock implements Ticker {

	private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

	private final AtomicReference<Duration> elapsed = new AtomicReference<>(Duration.ZERO);

	/**
	 * Moves time forward.
	 * @param duration how far
	 */
	public void advance(Duration duration) {
		this.elapsed.accumulateAndGet(duration, Duration::plus);
	}

	@Override
	public long read() {
		try {
			return this.elapsed.get().toNanos();
		}
		catch (ArithmeticException ex) {
			return Long.MAX_VALUE;
		}
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
		return START.plus(this.elapsed.get());
	}

}
