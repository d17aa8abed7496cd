package io.cachekit.autoconfigure;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.cachekit.codec.CodecException;
import io.cachekit.codec.EncryptionKey;
import io.cachekit.codec.MessagePackCodec;
import io.cachekit.codec.ValueCodec;
import io.cachekit.spring.CachekitCache;
import io.cachekit.spring.CachekitCacheManager;
import io.cachekit.spring.CachekitCacheResolver;
import io.cachekit.test.InMemoryBackend;
import io.cachekit.tier.CacheIntegrityException;
import io.cachekit.tier.Tier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cache.Cache;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.CachingConfigurer;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.interceptor.CacheErrorHandler;
import org.springframework.cache.interceptor.CacheResolver;
import org.springframework.cache.interceptor.SimpleCacheErrorHandler;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * {@code cachekit.encryption.*}, {@code cachekit.caches.<name>.encryption.enabled} and
 * {@code cachekit.fail-mode} over an in-memory backend.
 */
@ExtendWith(OutputCaptureExtension.class)
class CachekitEncryptionAutoConfigurationTests {

	static final String KEY = HexFormat.of().formatHex(bytes(32, 11));

	static final String OTHER_KEY = "base64:" + java.util.Base64.getEncoder().encodeToString(bytes(32, 99));

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CachekitAutoConfiguration.class, CacheAutoConfiguration.class))
		.withUserConfiguration(ServiceConfiguration.class)
		.withPropertyValues("cachekit.l1.enabled=false");

	@Test
	void keyAloneEncryptsEveryCacheEachUnderItsOwnKey() {
		this.contextRunner.withPropertyValues("cachekit.encryption.key=" + KEY).run((context) -> {
			BookService service = context.getBean(BookService.class);
			service.title("1");
			service.author("1");
			byte[] title = stored(context, "books:");
			byte[] author = stored(context, "authors:");
			assertThat(title[4] & 2).as("encrypted flag").isEqualTo(2);
			assertThat(author[4] & 2).as("encrypted flag").isEqualTo(2);
			assertThat(keyId(title)).isNotEqualTo(keyId(author));
			assertThat(service.title("1")).isEqualTo("title 1");
			assertThat(service.calls()).isEqualTo(2);
		});
	}

	@Test
	void aCacheCanBeLeftUnencrypted() {
		this.contextRunner
			.withPropertyValues("cachekit.encryption.key=" + KEY, "cachekit.caches.authors.encryption.enabled=false")
			.run((context) -> {
				BookService service = context.getBean(BookService.class);
				service.title("1");
				service.author("1");
				assertThat(stored(context, "books:")[4] & 2).isEqualTo(2);
				assertThat(stored(context, "authors:")[4] & 2).isZero();
			});
	}

	@Test
	void encryptionCanBeChosenPerCacheWhenOffGlobally() {
		this.contextRunner
			.withPropertyValues("cachekit.encryption.key=" + KEY, "cachekit.encryption.enabled=false",
					"cachekit.caches.books.encryption.enabled=true")
			.run((context) -> {
				BookService service = context.getBean(BookService.class);
				service.title("1");
				service.author("1");
				assertThat(stored(context, "books:")[4] & 2).isEqualTo(2);
				assertThat(stored(context, "authors:")[4] & 2).isZero();
			});
	}

	@Test
	void withoutAKeyNothingIsEncrypted() {
		this.contextRunner.run((context) -> {
			context.getBean(BookService.class).title("1");
			assertThat(stored(context, "books:")[4] & 2).isZero();
		});
	}

	@Test
	void enabledWithoutAKeyFailsStartupNamingTheKeyProperty() {
		this.contextRunner.withPropertyValues("cachekit.encryption.enabled=true").run((context) -> {
			InvalidConfigurationPropertyValueException failure = rootCause(context.getStartupFailure());
			assertThat(failure.getName()).isEqualTo("cachekit.encryption.key");
			assertThat(failure).hasMessageContaining("cachekit.encryption.enabled is true");
		});
		this.contextRunner.withPropertyValues("cachekit.caches.books.encryption.enabled=true").run((context) -> {
			InvalidConfigurationPropertyValueException failure = rootCause(context.getStartupFailure());
			assertThat(failure.getName()).isEqualTo("cachekit.encryption.key");
			assertThat(failure).hasMessageContaining("cachekit.caches.books.encryption.enabled is true");
		});
	}

	@Test
	void shortKeyFailsStartupNamingThePropertyWithoutTheValue() {
		String shortKey = HexFormat.of().formatHex(bytes(16, 5));
		this.contextRunner.withPropertyValues("cachekit.encryption.key=" + shortKey).run((context) -> {
			InvalidConfigurationPropertyValueException failure = rootCause(context.getStartupFailure());
			assertThat(failure.getName()).isEqualTo("cachekit.encryption.key");
			assertThat(failure).hasMessageContaining("must be at least 32 bytes, was 16 bytes");
			assertThat(messages(context.getStartupFailure())).doesNotContain(shortKey);
		});
	}

	@Test
	void malformedKeyFailsStartupNamingThePropertyWithoutTheValue() {
		String malformed = "hex:" + KEY.substring(2) + "zz";
		this.contextRunner.withPropertyValues("cachekit.encryption.key=" + malformed).run((context) -> {
			InvalidConfigurationPropertyValueException failure = rootCause(context.getStartupFailure());
			assertThat(failure.getName()).isEqualTo("cachekit.encryption.key");
			assertThat(failure).hasMessageContaining("is not valid hex");
			assertThat(messages(context.getStartupFailure())).doesNotContain(KEY.substring(2, 20));
		});
	}

	@Test
	void badPreviousKeyFailsStartupNamingItsIndex() {
		String bad = "base64:not*base64*at*all*but*quite*long*enough";
		this.contextRunner
			.withPropertyValues("cachekit.encryption.key=" + KEY,
					"cachekit.encryption.previous-keys=" + OTHER_KEY + "," + bad)
			.run((context) -> {
				InvalidConfigurationPropertyValueException failure = rootCause(context.getStartupFailure());
				assertThat(failure.getName()).isEqualTo("cachekit.encryption.previous-keys[1]");
				assertThat(failure).hasMessageContaining("is not valid base64");
				assertThat(messages(context.getStartupFailure())).doesNotContain("quite").doesNotContain(KEY);
			});
	}

	@Test
	void previousKeysWithoutAKeyFailStartup() {
		this.contextRunner.withPropertyValues("cachekit.encryption.previous-keys=" + OTHER_KEY).run((context) -> {
			InvalidConfigurationPropertyValueException failure = rootCause(context.getStartupFailure());
			assertThat(failure.getName()).isEqualTo("cachekit.encryption.previous-keys");
			assertThat(failure).hasMessageContaining("set cachekit.encryption.key too");
			assertThat(messages(context.getStartupFailure())).doesNotContain(OTHER_KEY.substring(7));
		});
	}

	@Test
	void ownValueCodecWithEncryptionFailsStartupNamingTheKeyProperty() {
		this.contextRunner.withUserConfiguration(OwnCodecConfiguration.class)
			.withPropertyValues("cachekit.encryption.key=" + KEY)
			.run((context) -> {
				InvalidConfigurationPropertyValueException failure = rootCause(context.getStartupFailure());
				assertThat(failure.getName()).isEqualTo("cachekit.encryption.key");
				assertThat(failure).hasMessageContaining("defines a ValueCodec bean of its own");
				assertThat(messages(context.getStartupFailure())).doesNotContain(KEY);
			});
	}

	@Test
	void ownValueCodecWithoutEncryptionIsUsed() {
		this.contextRunner.withUserConfiguration(OwnCodecConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			context.getBean(BookService.class).title("1");
			assertThat(stored(context, "books:")[4] & 2).isZero();
		});
	}

	@Test
	void cacheNamedLikeAnEnvironmentVariablesLowerCasedKeyIsRefusedNotLeftPlain() {
		this.contextRunner.withPropertyValues("cachekit.encryption.enabled=false", "cachekit.encryption.key=" + KEY)
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new SystemEnvironmentPropertySource("test-systemEnvironment",
						Map.of("CACHEKIT_CACHES_USERPROFILES_ENCRYPTION_ENABLED", "true"))))
			.run((context) -> {
				CachekitCacheManager manager = context.getBean(CachekitCacheManager.class);
				assertThat(manager.getCacheNames()).contains("userprofiles");
				assertThatIllegalStateException().isThrownBy(() -> manager.getCache("userProfiles"))
					.withMessageContaining("cache 'userProfiles' has no settings")
					.withMessageContaining("cachekit.caches.userprofiles");
			});
		this.contextRunner
			.withPropertyValues("cachekit.caches.userprofiles.ttl=1m", "spring.cache.cache-names=userProfiles")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("cache 'userProfiles' has no settings"));
	}

	@Test
	void encryptedCachesDoNotCompressUnlessAskedTo() {
		String compressible = "a".repeat(10_000);
		this.contextRunner.withPropertyValues("cachekit.encryption.key=" + KEY).run((context) -> {
			context.getBean(CachekitCacheManager.class).getCache("books").put("1", compressible);
			assertThat(stored(context, "books:")[4] & 3).as("encrypted, not compressed").isEqualTo(2);
		});
		this.contextRunner.withPropertyValues("cachekit.encryption.key=" + KEY, "cachekit.encryption.compress=true")
			.run((context) -> {
				context.getBean(CachekitCacheManager.class).getCache("books").put("1", compressible);
				assertThat(stored(context, "books:")[4] & 3).as("encrypted and compressed").isEqualTo(3);
				assertThat(context.getBean(CachekitCacheManager.class).getCache("books").get("1").get())
					.isEqualTo(compressible);
			});
		this.contextRunner
			.withPropertyValues("cachekit.encryption.key=" + KEY, "cachekit.encryption.compress=true",
					"cachekit.compression.enabled=false")
			.run((context) -> {
				context.getBean(CachekitCacheManager.class).getCache("books").put("1", compressible);
				assertThat(stored(context, "books:")[4] & 3).as("encrypted, not compressed").isEqualTo(2);
			});
	}

	@Test
	void encryptedCachesRefuseAnEntryLargerThanTheConfiguredMaxDecompressedSize() {
		this.contextRunner
			.withPropertyValues("cachekit.encryption.key=" + KEY, "cachekit.compression.max-decompressed-size=4KB")
			.run((context) -> {
				BookService service = context.getBean(BookService.class);
				InMemoryBackend backend = context.getBean(InMemoryBackend.class);
				context.getBean(CachekitCacheManager.class).getCache("books").get("warm-up");
				String entryKey = "books:" + generation(backend, "books") + ":1";
				// Written with the books cache's key and the default max of 16MB.
				MessagePackCodec writer = MessagePackCodec.builder()
					.compression(0)
					.encryption("books", EncryptionKey.parse(KEY), List.of())
					.build();
				backend.set(entryKey, writer.encode("a".repeat(8 * 1024), null, entryKey), null);
				assertThat(service.title("1")).isEqualTo("title 1");
				CachekitCache books = (CachekitCache) context.getBean(CachekitCacheManager.class).getCache("books");
				assertThat(books.getNativeCache().statistics(Tier.L2).codecErrorCount(CodecException.Kind.CORRUPT))
					.isEqualTo(1);
			});
	}

	@Test
	void plaintextEntryInAnEncryptedCacheIsAMissDeletedCountedAndLoggedOnceWithoutTheKey(CapturedOutput output) {
		this.contextRunner.withPropertyValues("cachekit.encryption.key=" + KEY).run((context) -> {
			BookService service = context.getBean(BookService.class);
			plant(context, "1");
			assertThat(service.title("1")).isEqualTo("title 1");
			plant(context, "1");
			assertThat(service.title("1")).isEqualTo("title 1");
			assertThat(service.calls()).isEqualTo(2);
			assertThat(stored(context, "books:")[4] & 2).isEqualTo(2);
			CachekitCache books = (CachekitCache) context.getBean(CachekitCacheManager.class).getCache("books");
			assertThat(books.getNativeCache().statistics(Tier.L2).codecErrorCount(CodecException.Kind.UNENCRYPTED))
				.isEqualTo(2);
		});
		assertThat(output).containsOnlyOnce("(UNENCRYPTED)").doesNotContain(KEY);
	}

	@Test
	void closedFailModeHandsTheFailureToSpringsErrorHandlerWhichRethrowsByDefault() {
		this.contextRunner.withPropertyValues("cachekit.encryption.key=" + KEY, "cachekit.fail-mode=closed")
			.run((context) -> {
				BookService service = context.getBean(BookService.class);
				plant(context, "1");
				assertThatExceptionOfType(CacheIntegrityException.class).isThrownBy(() -> service.title("1"))
					.satisfies((ex) -> assertThat(ex.getKind()).isEqualTo(CodecException.Kind.UNENCRYPTED))
					.withMessageNotContaining(KEY);
				assertThat(service.calls()).isZero();
				assertThat(service.title("1")).isEqualTo("title 1");
				assertThat(service.calls()).isOne();
			});
	}

	@Test
	void closedFailModeGoesThroughAnApplicationsErrorHandler() {
		this.contextRunner.withUserConfiguration(RecordingErrorHandlerConfiguration.class)
			.withPropertyValues("cachekit.encryption.key=" + KEY, "cachekit.fail-mode=closed")
			.run((context) -> {
				BookService service = context.getBean(BookService.class);
				plant(context, "1");
				assertThat(service.title("1")).isEqualTo("title 1");
				assertThat(context.getBean(RecordingErrorHandlerConfiguration.class).errors).singleElement()
					.isInstanceOf(CacheIntegrityException.class);
			});
	}

	@Test
	void openFailModeIsTheDefault() {
		this.contextRunner.withPropertyValues("cachekit.encryption.key=" + KEY).run((context) -> {
			plant(context, "1");
			assertThat(context.getBean(BookService.class).title("1")).isEqualTo("title 1");
		});
	}

	/**
	 * Writes a plaintext entry under the books cache's L2 key, as someone who can write
	 * L2.
	 */
	private static void plant(AssertableApplicationContext context, String id) {
		InMemoryBackend backend = context.getBean(InMemoryBackend.class);
		// A lookup makes the cache read (and create) its generation.
		context.getBean(CachekitCacheManager.class).getCache("books").get("warm-up");
		String entryKey = "books:" + generation(backend, "books") + ":" + id;
		backend.set(entryKey, MessagePackCodec.withDefaults().encode("planted", null, entryKey), null);
	}

	private static String generation(InMemoryBackend backend, String cacheName) {
		byte[] generation = backend.get(cacheName + ":generation");
		return (generation != null) ? new String(generation, java.nio.charset.StandardCharsets.US_ASCII).strip() : "0";
	}

	static byte[] stored(AssertableApplicationContext context, String prefix) {
		InMemoryBackend backend = context.getBean(InMemoryBackend.class);
		String key = backend.keys()
			.stream()
			.filter((candidate) -> candidate.startsWith(prefix) && candidate.endsWith(":1"))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no entry under " + prefix + " in " + backend.keys()));
		return backend.get(key);
	}

	private static int keyId(byte[] envelope) {
		return java.nio.ByteBuffer.wrap(envelope, 13, 4).getInt();
	}

	static InvalidConfigurationPropertyValueException rootCause(Throwable failure) {
		Throwable cause = failure;
		while (cause.getCause() != null) {
			cause = cause.getCause();
		}
		assertThat(cause).isInstanceOf(InvalidConfigurationPropertyValueException.class);
		return (InvalidConfigurationPropertyValueException) cause;
	}

	static String messages(Throwable failure) {
		StringBuilder text = new StringBuilder();
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			text.append(cause).append('\n');
		}
		return text.toString();
	}

	static byte[] bytes(int length, int seed) {
		byte[] bytes = new byte[length];
		for (int i = 0; i < length; i++) {
			bytes[i] = (byte) (seed + 17 * i);
		}
		return bytes;
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class ServiceConfiguration {

		@Bean
		InMemoryBackend backend() {
			return InMemoryBackend.create();
		}

		@Bean
		BookService bookService() {
			return new BookService();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnCodecConfiguration {

		@Bean
		ValueCodec ownCodec() {
			return MessagePackCodec.withDefaults();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class RecordingErrorHandlerConfiguration implements CachingConfigurer {

		final List<RuntimeException> errors = new ArrayList<>();

		private final org.springframework.beans.factory.ObjectProvider<CachekitCacheManager> cacheManager;

		RecordingErrorHandlerConfiguration(
				org.springframework.beans.factory.ObjectProvider<CachekitCacheManager> cacheManager) {
			this.cacheManager = cacheManager;
		}

		@Override
		public CacheResolver cacheResolver() {
			return CachekitCacheResolver.of(this.cacheManager.getObject());
		}

		@Override
		public CacheErrorHandler errorHandler() {
			return new SimpleCacheErrorHandler() {

				@Override
				public void handleCacheGetError(RuntimeException exception, Cache cache, Object key) {
					RecordingErrorHandlerConfiguration.this.errors.add(exception);
				}

			};
		}

	}

	static class BookService {

		final AtomicInteger calls = new AtomicInteger();

		@Cacheable("books")
		public String title(String id) {
			this.calls.incrementAndGet();
			return "title " + id;
		}

		@Cacheable("authors")
		public String author(String id) {
			this.calls.incrementAndGet();
			return "author " + id;
		}

		public int calls() {
			return this.calls.get();
		}

	}

}
