package io.cachekit.codec;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link IsoInstantText} writes what {@link Instant#toString()} writes and reads what
 * {@link Instant#parse(CharSequence)} reads, and answers nothing outside its common form.
 */
class IsoInstantTextTests {

	private static final long FIRST_SECOND_OF_YEAR_0 = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();

	private static final long LAST_SECOND_OF_YEAR_9999 = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();

	@Test
	void writesAndReadsEveryInstantOfYears0To9999AsInstantDoes() {
		for (Instant instant : instants()) {
			String text = IsoInstantText.format(instant);
			assertThat(text).as("%s", instant).isEqualTo(instant.toString());
			assertThat(IsoInstantText.parse(instant.toString())).as("%s", instant).isEqualTo(instant);
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "2024-01-01T00:00:00.5Z", "2024-01-01T00:00:00.12Z", "2024-01-01T00:00:00.1234Z",
			"2024-01-01T00:00:00.12345678Z", "2024-01-01T00:00:00.000000001Z", "2024-01-01T00:00:00.000Z",
			"2024-02-29T12:00:00Z", "2000-02-29T12:00:00Z", "1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999Z" })
	void readsAnyFractionAndLeapDayAsInstantParseDoes(String text) {
		assertThat(IsoInstantText.parse(text)).isEqualTo(Instant.parse(text));
	}

	@ParameterizedTest
	@ValueSource(strings = { "+10000-01-01T00:00:00Z", "-0001-12-31T23:59:59Z", "2023-02-29T00:00:00Z",
			"1900-02-29T00:00:00Z", "2024-04-31T00:00:00Z", "2024-13-01T00:00:00Z", "2024-00-01T00:00:00Z",
			"2024-01-00T00:00:00Z", "2024-01-01T24:00:00Z", "2024-01-01T00:60:00Z", "2024-01-01T23:59:60Z",
			"2024-01-01t00:00:00z", "2024-01-01T00:00:00z", "2024-01-01T00:00:00+01:00", "2024-01-01T00:00:00.Z",
			"2024-01-01T00:00:00.1234567890Z", "2024-01-01T00:00:00", "2024-01-01 00:00:00Z", "2024/01/01T00:00:00Z",
			" 2024-01-01T00:00:00Z", "2024-01-01T00:00:00Z ", "2024-01-01T00:00:0xZ", "2024-01-01T00:00:00.1x3Z",
			"２０２４-01-01T00:00:00Z", "1704067200", "1704067200.5", "" })
	void answersNothingOutsideItsCommonForm(String text) {
		assertThat(IsoInstantText.parse(text)).isNull();
	}

	@Test
	void writesNothingForYearsBefore0OrAfter9999() {
		assertThat(IsoInstantText.format(Instant.ofEpochSecond(FIRST_SECOND_OF_YEAR_0 - 1, 999_999_999))).isNull();
		assertThat(IsoInstantText.format(Instant.ofEpochSecond(LAST_SECOND_OF_YEAR_9999 + 1))).isNull();
		assertThat(IsoInstantText.format(Instant.MIN)).isNull();
		assertThat(IsoInstantText.format(Instant.MAX)).isNull();
	}

	/**
	 * Returns the first and last instants of the range, the epoch, leap days, and random
	 * instants with no fraction and with fractions of milliseconds, microseconds and
	 * nanoseconds.
	 */
	private static List<Instant> instants() {
		List<Instant> instants = new ArrayList<>(List.of(Instant.ofEpochSecond(FIRST_SECOND_OF_YEAR_0),
				Instant.ofEpochSecond(LAST_SECOND_OF_YEAR_9999, 999_999_999), Instant.EPOCH,
				Instant.ofEpochSecond(-1, 1_000_000), Instant.parse("2024-02-29T23:59:59.100Z"),
				Instant.parse("2000-02-29T00:00:00.000010Z")));
		SplittableRandom random = new SplittableRandom(42);
		int[] units = { 1_000_000_000, 1_000_000, 1_000, 1 };
		for (int i = 0; i < 100_000; i++) {
			long second = random.nextLong(FIRST_SECOND_OF_YEAR_0, LAST_SECOND_OF_YEAR_9999 + 1);
			int unit = units[i % units.length];
			int nano = (unit == 1_000_000_000) ? 0 : random.nextInt(1_000_000_000 / unit) * unit;
			instants.add(Instant.ofEpochSecond(second, nano));
		}
		return instants;
	}

}
