package io.cachekit.autoconfigure;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import io.cachekit.autoconfigure.CachekitProperties.BackendType;
import io.cachekit.backend.Backend;
import io.cachekit.codec.MessagePackCodec;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.util.unit.DataSize;

/**
 * Applies {@code cachekit.compression.*} to the codec's builder. Values are compressed
 * only when there is an L2 backend: without one the codec only weighs L1's entries. The
 * max decompressed size defaults to the largest value cachekit's chosen backend stores,
 * so a real entry is never refused and a forged one inflates to no more than a real one
 * could; with the application's own backend it is 16MB. Bad values fail startup naming
 * the property.
 */
final class CompressionSettings {

	static final String THRESHOLD = "cachekit.compression.threshold";

	static final String MAX_DECOMPRESSED_SIZE = "cachekit.compression.max-decompressed-size";

	/**
	 * The names of the backend beans this auto-configuration defines.
	 */
	private static final Set<String> OUR_BACKENDS = Set.of("cachekitMemcachedBackend", "cachekitRedisBackend",
			"cachekitFileBackend");

	private CompressionSettings() {
	}

	/**
	 * Applies the settings to a codec builder.
	 * @param builder the builder
	 * @param properties the properties
	 * @param beanFactory the bean factory, which tells whether there is an L2 backend and
	 * whether it is the application's own
	 * @param selection the backend the properties choose
	 * @throws org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException
	 * naming the property of a bad value
	 */
	static void apply(MessagePackCodec.Builder builder, CachekitProperties properties, BeanFactory beanFactory,
			Supplier<BackendType> selection) {
		apply(builder, properties, beanFactory, selection, properties.getCompression().isEnabled());
	}

	/**
	 * Applies the settings to a codec builder, compressing only when asked: the max
	 * decompressed size is set either way, since it bounds what is read.
	 * @param builder the builder
	 * @param properties the properties
	 * @param beanFactory the bean factory, which tells whether there is an L2 backend and
	 * whether it is the application's own
	 * @param selection the backend the properties choose
	 * @param compress whether values are compressed (when
	 * {@code cachekit.compression.enabled} is also true)
	 * @throws org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException
	 * naming the property of a bad value
	 */
	static void apply(MessagePackCodec.Builder builder, CachekitProperties properties, BeanFactory beanFactory,
			Supplier<BackendType> selection, boolean compress) {
		String[] backends = (beanFactory instanceof ListableBeanFactory listable)
				? listable.getBeanNamesForType(Backend.class, true, false) : new String[] { "unknown" };
		boolean ours = backends.length > 0 && Arrays.stream(backends).allMatch(OUR_BACKENDS::contains);
		apply(builder, properties, backends.length > 0, ours ? selection.get() : BackendType.NONE,
				compress && properties.getCompression().isEnabled());
	}

	/**
	 * Applies the settings to a codec builder.
	 * @param builder the builder
	 * @param properties the properties
	 * @param l2 whether there is an L2 backend; without one, nothing is compressed
	 * @param backend the cachekit backend in use, or {@code NONE} for none or the
	 * application's own
	 * @param compress whether values are compressed
	 * @throws org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException
	 * naming the property of a bad value
	 */
	private static void apply(MessagePackCodec.Builder builder, CachekitProperties properties, boolean l2,
			BackendType backend, boolean compress) {
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
		set(maxProperty, max, () -> builder.maxDecompressedSize(maxBytes), "maxDecompressedSize");
		if (!compress) {
			return;
		}
		DataSize threshold = compression.getThreshold();
		if (threshold == null) {
			throw PropertyMessages.invalid(THRESHOLD, null, "a value is required");
		}
		int thresholdBytes = BackendConfigFactory.toInt(threshold.toBytes());
		MessagePackCodec.Builder checked = l2 ? builder : MessagePackCodec.builder();
		set(THRESHOLD, threshold, () -> checked.compression(thresholdBytes), "threshold");
		if (thresholdBytes >= maxBytes) {
			throw PropertyMessages.invalid(THRESHOLD, threshold, "must be less than " + maxProperty + " ("
					+ PropertyMessages.format(max) + "), else no value would be compressed");
		}
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

	private static void set(String property, DataSize value, Runnable setter, String setting) {
		try {
			setter.run();
		}
		catch (IllegalArgumentException ex) {
			throw PropertyMessages.translate(property, value, ex, Map.of(setting, property));
		}
	}

}
