package io.cachekit.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Function;

import io.cachekit.codec.EncryptionKey;
import io.cachekit.codec.MessagePackCodec;
import io.cachekit.codec.ValueCodec;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns {@code cachekit.encryption.*} and {@code cachekit.caches.<name>.encryption.*}
 * into a codec per cache: an encrypting {@link MessagePackCodec} for each cache that
 * encrypts, the shared codec for the others.
 *
 * <p>
 * A cache encrypts when its own {@code encryption.enabled} says so, else when
 * {@code cachekit.encryption.enabled} does, else when {@code cachekit.encryption.key} is
 * set. Fails startup, naming the property and never showing a key, when a key is not
 * valid, when a cache encrypts without a key, when previous keys are given without a
 * current key, and when the application has a {@link ValueCodec} bean of its own while a
 * cache encrypts (encryption is a setting of cachekit's codec, which that bean replaces).
 *
 * <p>
 * An encrypting codec has the shared codec's trusted packages and max decompressed size,
 * and compresses only when {@code cachekit.encryption.compress} is true: compressed, the
 * length of an encrypted entry depends on its content.
 */
final class CacheEncryptionSettings {

	static final String KEY = "cachekit.encryption.key";

	static final String PREVIOUS_KEYS = "cachekit.encryption.previous-keys";

	static final String ENABLED = "cachekit.encryption.enabled";

	static final String COMPRESS = "cachekit.encryption.compress";

	/** What a failure shows instead of a key. */
	private static final String HIDDEN = "******";

	private static final Logger logger = LoggerFactory.getLogger(CachekitAutoConfiguration.class);

	private CacheEncryptionSettings() {
	}

	/**
	 * Answers the codec of every cache.
	 * @param properties the properties
	 * @param codec the shared codec
	 * @param ownCodec whether the shared codec is the application's own bean
	 * @return the codec of a cache, by name
	 */
	static Function<String, ValueCodec> codecs(CachekitProperties properties, ValueCodec codec, boolean ownCodec,
			BiConsumer<MessagePackCodec.Builder, Boolean> compression) {
		CachekitProperties.Encryption encryption = properties.getEncryption();
		String keyText = encryption.getKey();
		EncryptionKey key = (keyText != null) ? parse(KEY, keyText) : null;
		List<EncryptionKey> previous = new ArrayList<>();
		List<String> previousTexts = encryption.getPreviousKeys();
		for (int i = 0; i < previousTexts.size(); i++) {
			previous.add(parse(PREVIOUS_KEYS + "[" + i + "]", previousTexts.get(i)));
		}
		boolean byDefault = (encryption.getEnabled() != null) ? encryption.getEnabled() : key != null;
		TreeSet<String> chosen = new TreeSet<>();
		for (Map.Entry<String, CachekitProperties.CacheSpec> cache : properties.getCaches().entrySet()) {
			Boolean enabled = cache.getValue().getEncryption().getEnabled();
			if (Boolean.TRUE.equals(enabled)) {
				chosen.add(cache.getKey());
			}
		}
		if (!byDefault && chosen.isEmpty()) {
			if (key == null && !previous.isEmpty()) {
				throw PropertyMessages.invalid(PREVIOUS_KEYS, HIDDEN,
						"previous keys are read only together with a current key: set " + KEY + " too");
			}
			return (name) -> codec;
		}
		if (key == null) {
			String where = byDefault ? ENABLED : "cachekit.caches." + chosen.first() + ".encryption.enabled";
			throw PropertyMessages.invalid(KEY, null, "must be set, since " + where
					+ " is true: give a key of at least 32 bytes as hex:<hex digits> or base64:<base64>");
		}
		if (ownCodec || !(codec instanceof MessagePackCodec messagePack)) {
			throw PropertyMessages.invalid(KEY, HIDDEN,
					"encryption is a setting of cachekit's own codec, and the application defines a ValueCodec bean "
							+ "of its own (" + codec.getClass().getName()
							+ "); remove cachekit.encryption.* and encrypt "
							+ "in that codec (MessagePackCodec.builder().encryption(...), one codec per cache through a "
							+ "CachekitCacheManagerBuilderCustomizer and codecs(...)), or remove the bean");
		}
		List<String> trusted = messagePack.trustedPackages();
		boolean compress = encryption.isCompress();
		Function<String, ValueCodec> codecs = (name) -> {
			if (!encrypts(properties, name, byDefault)) {
				return codec;
			}
			MessagePackCodec.Builder builder = MessagePackCodec.builder().trustedPackages(trusted);
			compression.accept(builder, compress);
			return builder.encryption(name, key, previous).build();
		};
		logger.info("cachekit: L2 entries are encrypted with AES-256-GCM, a key per cache, in {}{}{}",
				byDefault ? "every cache" + exempt(properties) : "caches " + String.join(", ", chosen),
				previous.isEmpty() ? "" : "; " + previous.size() + " previous key(s) still read",
				compress ? "; compressed before encryption (" + COMPRESS + "=true): an entry's length depends on "
						+ "its content" : "");
		return codecs;
	}

	private static boolean encrypts(CachekitProperties properties, String name, boolean byDefault) {
		CachekitProperties.CacheSpec spec = properties.getCaches().get(name);
		Boolean enabled = (spec != null) ? spec.getEncryption().getEnabled() : null;
		return (enabled != null) ? enabled : byDefault;
	}

	private static String exempt(CachekitProperties properties) {
		TreeSet<String> exempt = new TreeSet<>();
		properties.getCaches().forEach((name, spec) -> {
			if (Boolean.FALSE.equals(spec.getEncryption().getEnabled())) {
				exempt.add(name);
			}
		});
		return exempt.isEmpty() ? "" : " but " + String.join(", ", exempt);
	}

	private static EncryptionKey parse(String property, @Nullable String text) {
		if (text == null) {
			throw PropertyMessages.invalid(property, null, "must not be empty");
		}
		try {
			return EncryptionKey.parse(text);
		}
		catch (IllegalArgumentException ex) {
			throw PropertyMessages.invalid(property, HIDDEN, String.valueOf(ex.getMessage()));
		}
	}

}
