package io.cachekit.autoconfigure;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.cachekit.backend.Durations;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.util.unit.DataSize;
import org.springframework.util.unit.DataUnit;

/**
 * Startup messages in the words of a Spring Boot user: the failure names the property
 * ({@code cachekit.memcached.timeout}), never the engine's builder setting
 * ({@code operationTimeout}), and durations read as they are written in
 * {@code application.yml} ({@code 2s}, {@code 500ms}, {@code 1h}), not as {@code PT2S}.
 */
final class PropertyMessages {

	private static final Pattern ISO_DURATION = Pattern.compile("-?PT[-0-9.HMS]+");

	/**
	 * An engine message that starts with the setting it is about, optionally indexed:
	 * {@code maxPoolSize must be ...}, {@code servers[1]: ...}.
	 */
	private static final Pattern LEADING_SETTING = Pattern.compile("([a-zA-Z]+)(?:\\[(\\d+)])?(:\\s*|\\s+)(.*)",
			Pattern.DOTALL);

	private PropertyMessages() {
	}

	/**
	 * Rewrites every ISO-8601 duration in a text ({@code PT0.5S}) the way
	 * {@link Durations#format(Duration)} does ({@code 500ms}).
	 * @param text the text
	 * @return the text with readable durations
	 */
	static String formatDurations(String text) {
		Matcher matcher = ISO_DURATION.matcher(text);
		StringBuilder result = new StringBuilder();
		while (matcher.find()) {
			String replacement;
			try {
				replacement = Durations.format(Duration.parse(matcher.group()));
			}
			catch (DateTimeParseException ex) {
				replacement = matcher.group();
			}
			matcher.appendReplacement(result, Matcher.quoteReplacement(replacement));
		}
		matcher.appendTail(result);
		return result.toString();
	}

	/**
	 * Shows a bound value as a user would have written it.
	 * @param value the value
	 * @return the value, durations and data sizes formatted
	 */
	static @Nullable Object describe(@Nullable Object value) {
		if (value instanceof Duration duration) {
			return Durations.format(duration);
		}
		if (value instanceof DataSize size) {
			return format(size);
		}
		return value;
	}

	/**
	 * Formats a data size in the largest unit that holds it whole ({@code 2MB},
	 * {@code 1500B}).
	 * @param size the size
	 * @return the text
	 */
	static String format(DataSize size) {
		long bytes = size.toBytes();
		DataUnit[] units = { DataUnit.TERABYTES, DataUnit.GIGABYTES, DataUnit.MEGABYTES, DataUnit.KILOBYTES };
		String[] suffixes = { "TB", "GB", "MB", "KB" };
		for (int i = 0; i < units.length; i++) {
			long unit = DataSize.of(1, units[i]).toBytes();
			if (bytes != 0 && bytes % unit == 0) {
				return (bytes / unit) + suffixes[i];
			}
		}
		return bytes + "B";
	}

	/**
	 * Returns the failure for an invalid property value.
	 * @param property the property
	 * @param value its value
	 * @param reason what is wrong, in terms of properties
	 * @return the exception to throw
	 */
	static InvalidConfigurationPropertyValueException invalid(String property, @Nullable Object value, String reason) {
		return new InvalidConfigurationPropertyValueException(property, describe(value), formatDurations(reason));
	}

	/**
	 * Turns an engine configuration's refusal into the failure of the property it came
	 * from. A message that starts with an engine setting ({@code maxPoolSize must be
	 * ...}, {@code servers[1]: ...}) is about that setting's property (with the index,
	 * whose element of a list value is then shown); every other setting named in the
	 * message is replaced by its property too. The leading setting is dropped where the
	 * rest reads on its own ({@code must be ...}), since the failure names the property.
	 * @param property the property that was being applied
	 * @param value its value; a list for indexed settings
	 * @param ex the engine's refusal
	 * @param properties engine setting names to property names
	 * @return the exception to throw
	 */
	static InvalidConfigurationPropertyValueException translate(String property, @Nullable Object value,
			IllegalArgumentException ex, Map<String, String> properties) {
		String reason = String.valueOf(ex.getMessage());
		String name = property;
		Object shown = value;
		Matcher leading = LEADING_SETTING.matcher(reason);
		if (leading.matches() && properties.containsKey(leading.group(1))) {
			name = properties.get(leading.group(1));
			String index = leading.group(2);
			if (index != null) {
				name = name + "[" + index + "]";
				int position = Integer.parseInt(index);
				if (value instanceof List<?> list && position < list.size()) {
					shown = list.get(position);
				}
			}
			String rest = leading.group(4);
			if (leading.group(3).startsWith(":") || rest.startsWith("must ") || rest.startsWith("'")) {
				reason = rest;
			}
		}
		for (Map.Entry<String, String> setting : properties.entrySet()) {
			reason = reason.replaceAll("\\b" + Pattern.quote(setting.getKey()) + "\\b",
					Matcher.quoteReplacement(setting.getValue()));
		}
		return invalid(name, shown, reason);
	}

}
