package io.cachekit.autoconfigure;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.CRC32C;

import io.cachekit.backend.Backend;
import io.cachekit.codec.CodecException;
import io.cachekit.codec.MessagePackCodec;
import io.cachekit.codec.ValueCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code cachekit.compression.*}: what the codec compresses, the decompression limit it
 * takes from the chosen backend, and refusal of bad values.
 */
class CachekitCompressionPropertiesTests {

	private static final String KEY = "books:0:1";

	/** Bit 0 of the envelope's flags byte (byte 4) marks a compressed body. */
	private static final int COMPRESSED = 1;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CachekitAutoConfiguration.class, CacheAutoConfiguration.class))
		.withUserConfiguration(CachingConfiguration.class);

	@TempDir
	Path directory;

	@Test
	void byDefaultValuesOverOneKilobyteAreCompressedAndSmallerOnesAreNot() {
		fileBackend().run((context) -> {
			assertThat(isCompressed(context, text(1020))).isFalse();
			assertThat(isCompressed(context, text(1030))).isTrue();
		});
	}

	@Test
	void withoutABackendNothingIsCompressed() {
		this.contextRunner.run((context) -> {
			assertThat(context).doesNotHaveBean(Backend.class);
			assertThat(isCompressed(context, text(100_000))).isFalse();
		});
	}

	@Test
	void withTheApplicationsOwnBackendValuesAreCompressedUpToSixteenMegabytes() {
		this.contextRunner.withUserConfiguration(OwnBackendConfiguration.class)
			.withPropertyValues("cachekit.file.max-value-size=64KB")
			.run((context) -> {
				assertThat(isCompressed(context, text(100_000))).isTrue();
				assertRefusedBeyond(context, 16 * 1024 * 1024);
			});
	}

	@Test
	void disabledCompressesNothingAndStillReadsCompressedEntries() {
		byte[] compressed = compressing().encode(text(100_000), null, KEY);
		fileBackend().withPropertyValues("cachekit.compression.enabled=false").run((context) -> {
			assertThat(isCompressed(context, text(100_000))).isFalse();
			assertThat(codec(context).decode(compressed, KEY).value()).isEqualTo(text(100_000));
		});
	}

	@Test
	void thresholdSetsTheSizeAboveWhichValuesAreCompressed() {
		fileBackend().withPropertyValues("cachekit.compression.threshold=100B").run((context) -> {
			assertThat(isCompressed(context, text(90))).isFalse();
			assertThat(isCompressed(context, text(200))).isTrue();
		});
	}

	@Test
	void maxDecompressedSizeIsTheFileBackendsMaxValueSize() {
		fileBackend().withPropertyValues("cachekit.file.max-value-size=64KB").run((context) -> {
			assertThat(isCompressed(context, text(60_000))).isTrue();
			assertThat(isCompressed(context, text(70_000))).isFalse();
			assertRefusedBeyond(context, 64 * 1024);
		});
	}

	@Test
	void maxDecompressedSizeIsTheRedisMaxValueSize() {
		this.contextRunner
			.withPropertyValues("cachekit.backend=redis", "cachekit.redis.url=redis://127.0.0.1:1",
					"cachekit.redis.max-value-size=32KB")
			.run((context) -> assertRefusedBeyond(context, 32 * 1024));
	}

	@Test
	void maxDecompressedSizeIsTheMemcachedMaxItemSize() {
		this.contextRunner
			.withPropertyValues("cachekit.memcached.servers=127.0.0.1:1", "cachekit.memcached.connect-timeout=50ms",
					"cachekit.memcached.max-item-size=48KB")
			.run((context) -> assertRefusedBeyond(context, 48 * 1024));
	}

	@Test
	void maxDecompressedSizePropertyWinsOverTheBackends() {
		fileBackend()
			.withPropertyValues("cachekit.file.max-value-size=64KB", "cachekit.compression.max-decompressed-size=8KB")
			.run((context) -> assertRefusedBeyond(context, 8 * 1024));
	}

	@Test
	void negativeThresholdFailsStartupNamingTheProperty() {
		assertFailure("cachekit.compression.threshold", "must be at least 0 bytes",
				"cachekit.compression.threshold=-1B");
	}

	@Test
	void maxDecompressedSizeBelowOneByteFailsStartupNamingTheProperty() {
		assertFailure("cachekit.compression.max-decompressed-size", "must be at least 1 byte",
				"cachekit.compression.max-decompressed-size=0B");
	}

	@Test
	void thresholdNotBelowTheBackendsMaxValueFailsStartupNamingBothProperties() {
		assertFailure("cachekit.compression.threshold", "must be less than cachekit.memcached.max-item-size (1048267B)",
				"cachekit.memcached.servers=127.0.0.1:1", "cachekit.memcached.connect-timeout=50ms",
				"cachekit.compression.threshold=1MB");
	}

	private void assertRefusedBeyond(AssertableApplicationContext context, int max) {
		ValueCodec codec = codec(context);
		byte[] entry = compressing().encode(text(5000), null, KEY);
		assertThat(entry[4] & COMPRESSED).isNotZero();
		assertThatExceptionOfType(CodecException.class).isThrownBy(() -> codec.decode(restated(entry, max + 1), KEY))
			.satisfies((ex) -> assertThat(ex.getKind()).isEqualTo(CodecException.Kind.CORRUPT))
			.withMessageContaining((max + 1) + " uncompressed bytes, more than the max decompressed size " + max);
		assertThatExceptionOfType(CodecException.class).isThrownBy(() -> codec.decode(restated(entry, max), KEY))
			.withMessageNotContaining("max decompressed size");
	}

	/**
	 * Writes another stated uncompressed length into a compressed entry and recomputes
	 * its two CRC32C checks, as anyone who can write L2 can.
	 */
	private static byte[] restated(byte[] entry, int stated) {
		byte[] forged = entry.clone();
		ByteBuffer.wrap(forged, 13, 4).putInt(stated);
		int end = forged.length - 8;
		CRC32C crc = new CRC32C();
		crc.update(forged, 0, end);
		ByteBuffer.wrap(forged, end, 4).putInt((int) crc.getValue());
		crc.update(KEY.getBytes(StandardCharsets.UTF_16BE));
		ByteBuffer.wrap(forged, end + 4, 4).putInt((int) crc.getValue());
		return forged;
	}

	private ApplicationContextRunner fileBackend() {
		return this.contextRunner.withPropertyValues("cachekit.backend=file",
				"cachekit.file.directory=" + this.directory);
	}

	private static MessagePackCodec compressing() {
		return MessagePackCodec.builder().compression(1024).build();
	}

	private static boolean isCompressed(AssertableApplicationContext context, String value) {
		ValueCodec codec = codec(context);
		byte[] bytes = codec.encode(value, null, KEY);
		assertThat(codec.decode(bytes, KEY).value()).isEqualTo(value);
		return (bytes[4] & COMPRESSED) != 0;
	}

	private static ValueCodec codec(AssertableApplicationContext context) {
		assertThat(context).hasNotFailed();
		return context.getBean(ValueCodec.class);
	}

	/**
	 * A string whose MessagePack payload is about {@code length} bytes and compresses
	 * well.
	 */
	private static String text(int length) {
		return "cachekit ".repeat(length / 9 + 1).substring(0, length - 3);
	}

	private void assertFailure(String property, String reason, String... properties) {
		this.contextRunner.withPropertyValues(properties).run((context) -> {
			assertThat(context).hasFailed();
			Throwable cause = context.getStartupFailure();
			while (cause.getCause() != null) {
				cause = cause.getCause();
			}
			assertThat(cause).isInstanceOf(InvalidConfigurationPropertyValueException.class);
			assertThat(((InvalidConfigurationPropertyValueException) cause).getName()).isEqualTo(property);
			assertThat(cause).hasMessageContaining(reason);
		});
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class CachingConfiguration {

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnBackendConfiguration {

		@Bean
		MapBackend ownBackend() {
			return new MapBackend();
		}

	}

}
