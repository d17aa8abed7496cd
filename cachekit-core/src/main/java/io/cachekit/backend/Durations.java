package io.cachekit.backend;

import java.math.BigInteger;
import java.time.Duration;
import java.util.Objects;

/**
 * Writes durations for people: {@code 2s}, {@code 500ms}, {@code 5m}, {@code 1d}, rather
 * than the ISO-8601 form {@link Duration#toString()} gives ({@code PT2S}).
 *
 * <p>
 * The largest unit of {@code d}, {@code h}, {@code m}, {@code s}, {@code ms}, {@code us}
 * and {@code ns} that holds the duration exactly is used, so nothing is rounded away
 * ({@code 90s}, {@code 1500ms}); these are the forms Spring Boot and most configuration
 * formats read back. Public because the backends in the sub-packages write their messages
 * with it; it has no state and never throws for a non-null duration.
 */
public final class Durations {

	private static final Unit[] UNITS = { new Unit(Duration.ofDays(1), "d"), new Unit(Duration.ofHours(1), "h"),
			new Unit(Duration.ofMinutes(1), "m"), new Unit(Duration.ofSeconds(1), "s"),
			new Unit(Duration.ofMillis(1), "ms"), new Unit(Duration.ofNanos(1000), "us") };

	private Durations() {
	}

	/**
	 * Formats a duration in its largest exact unit.
	 * @param duration the duration
	 * @return for example {@code 2s}, {@code 1500ms}, {@code -3m} or {@code 0s}
	 */
	public static String format(Duration duration) {
		Objects.requireNonNull(duration, "duration must not be null");
		if (duration.isZero()) {
			return "0s";
		}
		if (duration.isNegative()) {
			return "-" + format(duration.negated());
		}
		for (Unit unit : UNITS) {
			if (unit.divides(duration)) {
				return duration.dividedBy(unit.length()) + unit.symbol();
			}
		}
		return totalNanos(duration) + "ns";
	}

	private static String totalNanos(Duration duration) {
		return BigInteger.valueOf(duration.getSeconds())
			.multiply(BigInteger.valueOf(1_000_000_000L))
			.add(BigInteger.valueOf(duration.getNano()))
			.toString();
	}

	private record Unit(Duration length, String symbol) {

		boolean divides(Duration duration) {
			long nanos = this.length.toNanos();
			long secondsPart = duration.getSeconds();
			int nanoPart = duration.getNano();
			if (nanos >= 1_000_000_000L) {
				return nanoPart == 0 && secondsPart % this.length.toSeconds() == 0;
			}
			return nanoPart % nanos == 0;
		}

	}

}
