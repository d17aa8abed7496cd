package io.cachekit.codec;

import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;

import org.jspecify.annotations.Nullable;

/**
 * Reads and writes the text the codec stores an {@link Instant} as, in its common form,
 * without {@link DateTimeFormatter}'s general machinery: a four-digit year, UTC and
 * {@code Z}, as {@link DateTimeFormatter#ISO_INSTANT} and {@link Instant#toString()}
 * write it ({@code 2026-11-01T08:00:00Z}, {@code 2026-11-01T08:00:00.250Z}).
 *
 * <p>
 * Both methods answer {@code null} for anything outside that form (a year before 0 or
 * after 9999, an offset other than {@code Z}, a lower-case letter, a leap second, hour
 * 24, an impossible date), and the caller then uses the general formatter: what this
 * class writes is exactly what {@link Instant#toString()} writes, and what it reads is
 * exactly what {@link Instant#parse(CharSequence)} reads from the same text.
 */
final class IsoInstantText {

	/** The length of {@code uuuu-MM-ddTHH:mm:ssZ}. */
	private static final int WHOLE_SECONDS_LENGTH = 20;

	/** The most digits of a second's fraction. */
	private static final int MAX_FRACTION_DIGITS = 9;

	private static final int SECONDS_PER_DAY = 86_400;

	/** The first second of year 0. */
	private static final long MIN_SECOND = LocalDate.of(0, 1, 1).toEpochDay() * SECONDS_PER_DAY;

	/** The first second after year 9999. */
	private static final long END_SECOND = LocalDate.of(10_000, 1, 1).toEpochDay() * SECONDS_PER_DAY;

	private IsoInstantText() {
	}

	/**
	 * Reads an instant written in the common form.
	 * @param text the text
	 * @return the instant, or {@code null} when the text is not in the common form
	 */
	static @Nullable Instant parse(String text) {
		int length = text.length();
		boolean whole = length == WHOLE_SECONDS_LENGTH;
		if (!whole && (length < WHOLE_SECONDS_LENGTH + 2 || length > WHOLE_SECONDS_LENGTH + 1 + MAX_FRACTION_DIGITS
				|| text.charAt(19) != '.')) {
			return null;
		}
		if (text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T' || text.charAt(13) != ':'
				|| text.charAt(16) != ':' || text.charAt(length - 1) != 'Z') {
			return null;
		}
		int year = digits(text, 0, 4);
		int month = digits(text, 5, 2);
		int day = digits(text, 8, 2);
		int hour = digits(text, 11, 2);
		int minute = digits(text, 14, 2);
		int second = digits(text, 17, 2);
		int fraction = whole ? 0 : digits(text, 20, length - 21);
		if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
				|| second < 0 || second > 59 || fraction < 0 || day > lengthOfMonth(year, month)) {
			return null;
		}
		for (int digit = length - 21; digit < MAX_FRACTION_DIGITS && !whole; digit++) {
			fraction *= 10;
		}
		long epochSecond = LocalDate.of(year, month, day).toEpochDay() * SECONDS_PER_DAY + hour * 3600L + minute * 60L
				+ second;
		return Instant.ofEpochSecond(epochSecond, fraction);
	}

	/**
	 * Writes an instant in the common form, as {@link Instant#toString()} does.
	 * @param instant the instant
	 * @return the text, or {@code null} when the instant's year is before 0 or after 9999
	 */
	static @Nullable String format(Instant instant) {
		long epochSecond = instant.getEpochSecond();
		if (epochSecond < MIN_SECOND || epochSecond >= END_SECOND) {
			return null;
		}
		LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(epochSecond, SECONDS_PER_DAY));
		int secondOfDay = (int) Math.floorMod(epochSecond, SECONDS_PER_DAY);
		int nano = instant.getNano();
		int fractionDigits = (nano == 0) ? 0 : (nano % 1_000_000 == 0) ? 3 : (nano % 1_000 == 0) ? 6 : 9;
		char[] text = new char[WHOLE_SECONDS_LENGTH + ((fractionDigits > 0) ? fractionDigits + 1 : 0)];
		write(text, 0, date.getYear(), 4);
		text[4] = '-';
		write(text, 5, date.getMonthValue(), 2);
		text[7] = '-';
		write(text, 8, date.getDayOfMonth(), 2);
		text[10] = 'T';
		write(text, 11, secondOfDay / 3600, 2);
		text[13] = ':';
		write(text, 14, secondOfDay / 60 % 60, 2);
		text[16] = ':';
		write(text, 17, secondOfDay % 60, 2);
		if (fractionDigits > 0) {
			text[19] = '.';
			int scaled = nano;
			for (int digit = fractionDigits; digit < MAX_FRACTION_DIGITS; digit++) {
				scaled /= 10;
			}
			write(text, 20, scaled, fractionDigits);
		}
		text[text.length - 1] = 'Z';
		return new String(text);
	}

	/**
	 * Reads {@code count} decimal digits.
	 * @return their value, or {@code -1} when one of them is not an ASCII digit
	 */
	private static int digits(String text, int start, int count) {
		int value = 0;
		for (int i = start; i < start + count; i++) {
			int digit = text.charAt(i) - '0';
			if (digit < 0 || digit > 9) {
				return -1;
			}
			value = value * 10 + digit;
		}
		return value;
	}

	private static void write(char[] text, int start, int value, int count) {
		int rest = value;
		for (int i = start + count - 1; i >= start; i--) {
			text[i] = (char) ('0' + rest % 10);
			rest /= 10;
		}
	}

	private static int lengthOfMonth(int year, int month) {
		return switch (month) {
			case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
			case 4, 6, 9, 11 -> 30;
			default -> 31;
		};
	}

}
