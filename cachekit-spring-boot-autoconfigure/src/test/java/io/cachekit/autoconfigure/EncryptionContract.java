package io.cachekit.autoconfigure;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32C;

import io.cachekit.backend.Backend;
import io.cachekit.codec.CodecException;
import io.cachekit.tier.CacheIntegrityException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Encryption at rest against a real server, with application contexts that stand for
 * instances of one application: key rotation across instances, a tampered ciphertext
 * whose checks were recomputed (fail-open and fail-closed through Spring's
 * {@code CacheErrorHandler}), and a plaintext entry refused by an encrypting instance.
 * Subclasses name the server.
 */
abstract class EncryptionContract {

	private static final String OLD_KEY = "hex:"
			+ HexFormat.of().formatHex(CachekitEncryptionAutoConfigurationTests.bytes(32, 41));

	private static final String NEW_KEY = "base64:"
			+ Base64.getEncoder().encodeToString(CachekitEncryptionAutoConfigurationTests.bytes(32, 42));

	private final String prefix = "crypt-" + UUID.randomUUID().toString().substring(0, 8) + ":";

	/**
	 * Returns the properties that point cachekit at the server, with a key prefix.
	 * @param keyPrefix the key prefix of this test
	 * @return the properties
	 */
	abstract List<String> serverProperties(String keyPrefix);

	private ApplicationContextRunner instance(String... properties) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(CachekitAutoConfiguration.class, CacheAutoConfiguration.class))
			.withUserConfiguration(ServiceConfiguration.class)
			.withPropertyValues(serverProperties(this.prefix).toArray(String[]::new))
			.withPropertyValues("cachekit.l1.enabled=false")
			.withPropertyValues(properties);
	}

	@Test
	void rotationAnInstanceWithTheNewKeyReadsTheOldKeysEntryAndRewritesItUnderTheNewKey() {
		instance("cachekit.encryption.key=" + OLD_KEY).run((a) -> {
			assertThat(a.getBean(BookService.class).title("1")).isEqualTo("title 1 #1");
		});
		int[] oldKeyId = new int[1];
		instance("cachekit.encryption.key=" + NEW_KEY, "cachekit.encryption.previous-keys=" + OLD_KEY).run((b) -> {
			oldKeyId[0] = keyId(b);
			BookService service = b.getBean(BookService.class);
			assertThat(service.title("1")).as("read under the previous key").isEqualTo("title 1 #1");
			assertThat(service.calls()).isZero();
			assertThat(keyId(b)).as("an entry is not re-encrypted by a read").isEqualTo(oldKeyId[0]);
			service.update("1");
			assertThat(keyId(b)).as("rewritten under the new key").isNotEqualTo(oldKeyId[0]);
		});
		instance("cachekit.encryption.key=" + NEW_KEY).run((c) -> {
			BookService service = c.getBean(BookService.class);
			assertThat(service.title("1")).isEqualTo("updated 1 #1");
			assertThat(service.calls()).isZero();
		});
	}

	@Test
	void tamperedCiphertextWithRecomputedChecksIsAMissDeletedAndCountedByDefault() {
		instance("cachekit.encryption.key=" + NEW_KEY).run((context) -> {
			BookService service = context.getBean(BookService.class);
			service.title("1");
			tamper(context);
			assertThat(service.title("1")).isEqualTo("title 1 #2");
			assertThat(undecryptable(context)).isEqualTo(1);
			assertThat(service.title("1")).isEqualTo("title 1 #2");
		});
	}

	@Test
	void tamperedCiphertextFailsClosedThroughSpringsErrorHandlerWhenAsked() {
		instance("cachekit.encryption.key=" + NEW_KEY, "cachekit.fail-mode=closed").run((context) -> {
			BookService service = context.getBean(BookService.class);
			service.title("1");
			String entryKey = tamper(context);
			assertThatExceptionOfType(CacheIntegrityException.class).isThrownBy(() -> service.title("1"))
				.satisfies((ex) -> assertThat(ex.getKind()).isEqualTo(CodecException.Kind.UNDECRYPTABLE));
			assertThat(service.calls()).isOne();
			assertThat(context.getBean(Backend.class).get(entryKey)).as("deleted").isNull();
			assertThat(undecryptable(context)).isEqualTo(1);
			assertThat(service.title("1")).isEqualTo("title 1 #2");
		});
	}

	@Test
	void plaintextEntryOfAnInstanceWithoutEncryptionIsRefusedAndReplaced() {
		instance().run((plain) -> assertThat(plain.getBean(BookService.class).title("1")).isEqualTo("title 1 #1"));
		instance("cachekit.encryption.key=" + NEW_KEY).run((context) -> {
			BookService service = context.getBean(BookService.class);
			assertThat(service.title("1")).isEqualTo("title 1 #1");
			assertThat(service.calls()).as("the plaintext entry was a miss").isOne();
			assertThat(context.getBean(MeterRegistry.class)
				.get("cachekit.cache.codec.errors")
				.tags("cache", "books", "kind", "UNENCRYPTED")
				.functionCounter()
				.count()).isEqualTo(1);
			assertThat(context.getBean(Backend.class).get(entryKey(context))[4] & 2).as("encrypted now").isEqualTo(2);
		});
	}

	/**
	 * Changes one byte of the ciphertext of the books entry of id 1 and recomputes both
	 * checks, as someone who can write to the server can.
	 */
	private static String tamper(AssertableApplicationContext context) {
		Backend backend = context.getBean(Backend.class);
		String entryKey = entryKey(context);
		byte[] bytes = backend.get(entryKey);
		assertThat(bytes).isNotNull();
		bytes[13 + 4 + 12 + 1] ^= 0x20;
		CRC32C crc = new CRC32C();
		int end = bytes.length - 8;
		crc.update(bytes, 0, end);
		ByteBuffer.wrap(bytes, end, 4).putInt((int) crc.getValue());
		for (int i = 0; i < entryKey.length(); i++) {
			crc.update(entryKey.charAt(i) >>> 8);
			crc.update(entryKey.charAt(i));
		}
		ByteBuffer.wrap(bytes, end + 4, 4).putInt((int) crc.getValue());
		backend.set(entryKey, bytes, null);
		return entryKey;
	}

	private static int keyId(AssertableApplicationContext context) {
		byte[] bytes = context.getBean(Backend.class).get(entryKey(context));
		assertThat(bytes).isNotNull();
		return ByteBuffer.wrap(bytes, 13, 4).getInt();
	}

	private static String entryKey(AssertableApplicationContext context) {
		byte[] generation = context.getBean(Backend.class).get("books:generation");
		assertThat(generation).isNotNull();
		return "books:" + new String(generation, StandardCharsets.US_ASCII).strip() + ":1";
	}

	private static double undecryptable(AssertableApplicationContext context) {
		return context.getBean(MeterRegistry.class)
			.get("cachekit.cache.codec.errors")
			.tags("cache", "books", "kind", "UNDECRYPTABLE")
			.functionCounter()
			.count();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class ServiceConfiguration {

		@Bean
		MeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

		@Bean
		BookService bookService() {
			return new BookService();
		}

	}

	static class BookService {

		private final AtomicInteger calls = new AtomicInteger();

		@Cacheable(cacheNames = "books", key = "#id")
		public String title(String id) {
			return "title " + id + " #" + this.calls.incrementAndGet();
		}

		@CachePut(cacheNames = "books", key = "#id")
		public String update(String id) {
			return "updated " + id + " #1";
		}

		public int calls() {
			return this.calls.get();
		}

	}

}
