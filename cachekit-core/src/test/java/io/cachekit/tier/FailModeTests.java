package io.cachekit.tier;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.zip.CRC32C;

import io.cachekit.codec.CodecException;
import io.cachekit.codec.EncryptionKey;
import io.cachekit.codec.MessagePackCodec;
import io.cachekit.codec.ValueCodec;
import io.cachekit.test.InMemoryBackend;
import io.cachekit.test.ManualTime;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What a cache does with an L2 entry that fails its check, by {@link FailMode}: here a
 * plaintext entry read by a cache that encrypts, and an entry of an unknown version.
 */
class FailModeTests {

	private static final EncryptionKey KEY = EncryptionKey.of(new byte[32]);

	private final ManualTime time = new ManualTime();

	private final InMemoryBackend backend = InMemoryBackend.create(this.time);

	private final TieredCache plainWriter = cache(MessagePackCodec.withDefaults(), FailMode.OPEN);

	@Test
	void openModeTreatsAPlaintextEntryInAnEncryptedCacheAsAMissDeletesAndCountsIt() {
		TieredCache encrypted = cache(encrypting(), FailMode.OPEN);
		this.plainWriter.put("k", "planted");
		assertThat(this.backend.keys()).anyMatch((key) -> key.endsWith(":k"));
		assertThat(encrypted.get("k")).isNull();
		assertThat(this.backend.keys()).noneMatch((key) -> key.endsWith(":k"));
		assertThat(encrypted.statistics(Tier.L2).codecErrorCount(CodecException.Kind.UNENCRYPTED)).isEqualTo(1);
	}

	@Test
	void closedModeThrowsAfterDeletingAndCountingAndTheNextLookupMisses() {
		TieredCache encrypted = cache(encrypting(), FailMode.CLOSED);
		this.plainWriter.put("k", "planted");
		assertThatExceptionOfType(CacheIntegrityException.class).isThrownBy(() -> encrypted.get("k"))
			.satisfies((ex) -> {
				assertThat(ex.getKind()).isEqualTo(CodecException.Kind.UNENCRYPTED);
				assertThat(ex.getCacheName()).isEqualTo("books");
			})
			.withMessageStartingWith("cache 'books': an L2 entry failed its check (UNENCRYPTED) and was deleted");
		assertThat(this.backend.keys()).noneMatch((key) -> key.endsWith(":k"));
		assertThat(encrypted.statistics(Tier.L2).codecErrorCount(CodecException.Kind.UNENCRYPTED)).isEqualTo(1);
		assertThat(encrypted.get("k")).isNull();
	}

	@Test
	void closedModeThrowsFromGetWithALoaderWithoutCallingIt() throws Exception {
		TieredCache encrypted = cache(encrypting(), FailMode.CLOSED);
		this.plainWriter.put("k", "planted");
		assertThatExceptionOfType(CacheIntegrityException.class).isThrownBy(() -> encrypted.get("k", () -> "loaded"));
		assertThat(encrypted.<String>get("k", () -> "loaded")).isEqualTo("loaded");
		assertThat(encrypted.get("k")).isNotNull();
	}

	@Test
	void closedModeCoversAnotherCachesEntryMovedWithRecomputedChecks() {
		TieredCache authors = cache("authors", encrypting("authors"), FailMode.OPEN);
		TieredCache encrypted = cache(encrypting(), FailMode.CLOSED);
		authors.put("k", "x");
		String authorsKey = entryKey("authors");
		encrypted.put("k", "y");
		String booksKey = entryKey("books");
		this.backend.set(booksKey, withChecksFor(this.backend.get(authorsKey), booksKey), null);
		assertThatExceptionOfType(CacheIntegrityException.class).isThrownBy(() -> encrypted.get("k"))
			.satisfies((ex) -> assertThat(ex.getKind()).isEqualTo(CodecException.Kind.UNDECRYPTABLE));
	}

	@Test
	void closedModeKeepsTheLoadersFailureWhenTheStaleLookupAfterItFindsABadEntry() {
		TieredCache encrypted = TieredCache.builder("books")
			.backend(this.backend)
			.codec(encrypting())
			.failMode(FailMode.CLOSED)
			.configure((c) -> c.withL1Enabled(false).withServeStaleGrace(Duration.ofMinutes(1)))
			.clock(this.time)
			.ticker(this.time)
			.executor(Runnable::run)
			.build();
		IOException loaderFailure = new IOException("database down");
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> encrypted.get("k", () -> {
			this.plainWriter.put("k", "planted");
			throw loaderFailure;
		}))
			.isSameAs(loaderFailure)
			.satisfies((ex) -> assertThat(ex.getSuppressed()).singleElement()
				.isInstanceOfSatisfying(CacheIntegrityException.class,
						(integrity) -> assertThat(integrity.getKind()).isEqualTo(CodecException.Kind.UNENCRYPTED)));
	}

	@Test
	void closedModeLeavesAnEntryOfAnotherVersionAMiss() {
		TieredCache closed = cache(MessagePackCodec.withDefaults(), FailMode.CLOSED);
		this.plainWriter.put("k", "x");
		String entryKey = entryKey("books");
		this.backend.set(entryKey, new byte[] { 'C', 'K', 1, 1, 0 }, null);
		assertThat(closed.get("k")).isNull();
		assertThat(closed.statistics(Tier.L2).codecErrorCount(CodecException.Kind.UNKNOWN_FORMAT)).isEqualTo(1);
	}

	@Test
	void closedModeThrowsForADamagedPlainEntry() {
		TieredCache closed = cache(MessagePackCodec.withDefaults(), FailMode.CLOSED);
		this.plainWriter.put("k", "x");
		String entryKey = entryKey("books");
		byte[] bytes = this.backend.get(entryKey);
		bytes[bytes.length - 12] ^= 1;
		this.backend.set(entryKey, bytes, null);
		assertThatExceptionOfType(CacheIntegrityException.class).isThrownBy(() -> closed.get("k"))
			.satisfies((ex) -> assertThat(ex.getKind()).isEqualTo(CodecException.Kind.CORRUPT));
	}

	@Test
	void closedModeLeavesAnIntactEntryOfAChangedClassAMiss() {
		TieredCache writer = cache(MessagePackCodec.builder().trustedPackages("io.cachekit.tier").build(),
				FailMode.OPEN);
		TieredCache closed = cache(MessagePackCodec.builder().trustedPackages("io.cachekit.tier").build(),
				FailMode.CLOSED);
		writer.put("k", new Shelf("fiction", 3));
		// The same class after a deploy that removed a field: the entry as written then,
		// read into the class as it is now.
		String entryKey = entryKey("books");
		this.backend.set(entryKey, withChecksFor(renamed(this.backend.get(entryKey), "$Shelf", "$Shelv"), entryKey),
				null);
		assertThat(closed.get("k")).isNull();
		assertThat(closed.statistics(Tier.L2).codecErrorCount(CodecException.Kind.INCOMPATIBLE)).isEqualTo(1);
		assertThat(this.backend.keys()).noneMatch((key) -> key.endsWith(":k"));
	}

	record Shelf(String genre, int size) {
	}

	record Shelv(String genre) {
	}

	private static byte[] renamed(byte[] bytes, String from, String to) {
		String text = new String(bytes, StandardCharsets.ISO_8859_1);
		assertThat(text).contains(from);
		return text.replace(from, to).getBytes(StandardCharsets.ISO_8859_1);
	}

	/**
	 * The bytes as they are, with the checks recomputed for the key they are moved to:
	 * what someone who can write L2 can do.
	 */
	private static byte[] withChecksFor(byte[] bytes, String key) {
		byte[] moved = bytes.clone();
		CRC32C crc = new CRC32C();
		int end = moved.length - 8;
		crc.update(moved, 0, end);
		ByteBuffer.wrap(moved, end, 4).putInt((int) crc.getValue());
		for (int i = 0; i < key.length(); i++) {
			char unit = key.charAt(i);
			crc.update(unit >>> 8);
			crc.update(unit);
		}
		ByteBuffer.wrap(moved, end + 4, 4).putInt((int) crc.getValue());
		return moved;
	}

	private String entryKey(String cacheName) {
		return this.backend.keys()
			.stream()
			.filter((key) -> key.startsWith(cacheName + ":") && key.endsWith(":k"))
			.findFirst()
			.orElseThrow();
	}

	private static ValueCodec encrypting() {
		return encrypting("books");
	}

	private static ValueCodec encrypting(String cacheName) {
		return MessagePackCodec.builder().encryption(cacheName, KEY, List.of()).build();
	}

	private TieredCache cache(ValueCodec codec, FailMode failMode) {
		return cache("books", codec, failMode);
	}

	private TieredCache cache(String name, ValueCodec codec, FailMode failMode) {
		return TieredCache.builder(name)
			.backend(this.backend)
			.codec(codec)
			.failMode(failMode)
			.configure((c) -> c.withL1Enabled(false))
			.clock(this.time)
			.ticker(this.time)
			.executor(Runnable::run)
			.build();
	}

}
