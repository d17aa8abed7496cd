package io.cachekit.autoconfigure;

import java.util.Map;

import io.cachekit.autoconfigure.CachekitProperties.BackendType;
import io.cachekit.codec.MessagePackCodec;
import org.jspecify.annotations.Nullable;

import org.springframework.util.unit.DataSize;

/**
 * Applies {@code cachekit.compression.*} to the codec's builder. The max decompressed
 * size defaults to the largest value the chosen backend stores, so a real entry is never
 * refused and a forged one inflates to no more than a real one could; bad values fail
 * startup naming the property.
 */
final class CompressionSettings {

	static final String THRESHOLD = "cachekit.compression.threshold";

	static final String MAX_DECOMPRESSED_SIZE = "cachekit.compression.max-decompressed-size";

	private CompressionSettings() {
	}

	/**
	 * Applies the settings to a codec builder.
	 * @param builder the builder
	 * @param properties the properties
	 * @param backend the chosen backend
	 * @return the builder
	 * @throws org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException
	 * naming the property of a bad value
	 */
	static MessagePackCodec.Builder apply(MessagePackCodec.Builder builder, CachekitProperties properties,
			BackendType backend) {
		CachekitProperties.Compression compression = properties.getCompression();
		String maxProperty = MAX_DECOMPRESSED_SIZE;
		DataSize max = compression.getMaxDecompressedSize();
		if (max == null) {
			String backendProperty = backendMaxProperty(backend);
			DataSize backendMax = backendMax(properties, backend);
			if (backendProperty != null && backendMax != null) {
				maxProperty = backendProperty;
				max = backendMax;
			}
			else {
				max = DataSize.ofBytes(MessagePackCodec.DEFAULT_MAX_DECOMPRESSED_SIZE);
			}
		}
		int maxBytes = BackendConfigFactory.toInt(max.toBytes());
		apply(maxProperty, max, () -> builder.maxDecompressedSize(maxBytes), "maxDecompressedSize");
		if (!compression.isEnabled()) {
			return builder;
		}
		DataSize threshold = compression.getThreshold();
		if (threshold == null) {
			throw PropertyMessages.invalid(THRESHOLD, null, "a value is required");
		}
		int thresholdBytes = BackendConfigFactory.toInt(threshold.toBytes());
		apply(THRESHOLD, threshold, () -> builder.compression(thresholdBytes), "threshold");
		if (thresholdBytes >= maxBytes) {
			throw PropertyMessages.invalid(THRESHOLD, threshold, "must be less than " + maxProperty + " ("
					+ PropertyMessages.format(max) + "), else no value would be compressed");
		}
		return builder;
	}

	private static @Nullable String backendMaxProperty(BackendType backend) {
		return switch (backend) {
			case MEMCACHED -> "cachekit.memcached.max-item-size";
			case REDIS -> "cachekit.redis.max-value-size";
			case FILE -> "cachekit.file.max-value-size";
			default -> null;
		};
	}

	private static @Nullable DataSize backendMax(CachekitProperties properties, BackendType backend) {
		return switch (backend) {
			case MEMCACHED -> properties.getMemcached().getMaxItemSize();
			case REDIS -> properties.getRedis().getMaxValueSize();
			case FILE -> properties.getFile().getMaxValueSize();
			default -> null;
		};
	}

	private static void apply(String property, DataSize value, Runnable setter, String setting) {
		try {
			setter.run();
		}
		catch (IllegalArgumentException ex) {
			throw PropertyMessages.translate(property, value, ex, Map.of(setting, property));
		}
	}

}
