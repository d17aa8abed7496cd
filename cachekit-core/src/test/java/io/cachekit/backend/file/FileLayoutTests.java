package io.cachekit.backend.file;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class FileLayoutTests {

	private final FileLayout layout = new FileLayout(Path.of("/var/cache/app"));

	@Test
	void hashIsTheHexSha256OfTheKeysUtf8Bytes() {
		assertThat(FileLayout.hash(FileLayout.keyBytes("")))
			.isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
		assertThat(FileLayout.hash(FileLayout.keyBytes("abc")))
			.isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "plain", "new\nline", "../../etc/passwd", "/etc/passwd", "..", "a/b\\c",
			"nul\u0000byte", "ключ-日本語-🔑", "C:\\Windows" })
	void everyKeyMapsToAFixedLengthHexNameInsideTheDirectory(String key) {
		String hash = FileLayout.hash(FileLayout.keyBytes(key));
		Path entry = this.layout.entry(hash);
		assertThat(entry.normalize()).isEqualTo(entry);
		assertThat(entry.getParent().getParent()).isEqualTo(Path.of("/var/cache/app"));
		assertThat(entry.getParent().getFileName()).hasToString(hash.substring(0, 2));
		assertThat(entry.getFileName().toString()).matches("[0-9a-f]{64}\\.entry");
	}

	@Test
	void longKeyGivesAShortName() {
		String hash = FileLayout.hash(FileLayout.keyBytes("x".repeat(100_000)));
		assertThat(this.layout.entry(hash).getFileName().toString()).hasSize(70);
	}

	@Test
	void wellFormedKeysAreEncodedAsUtf8() {
		for (String key : List.of("", "ascii", "é", "日本語", "🔑", "nul\u0000")) {
			assertThat(FileLayout.keyBytes(key)).as(key).isEqualTo(key.getBytes(StandardCharsets.UTF_8));
		}
	}

	@Test
	void unpairedSurrogatesStayDistinctFromQuestionMarksAndFromEachOther() {
		List<String> keys = List.of("?", "\uD800", "\uDC00", "\uDC00\uD800", "\uD800\uDC00", "??");
		Set<String> hashes = new HashSet<>();
		for (String key : keys) {
			hashes.add(FileLayout.hash(FileLayout.keyBytes(key)));
		}
		assertThat(hashes).hasSize(keys.size());
		assertThat(FileLayout.keyBytes("\uD800")).containsExactly(0xED, 0xA0, 0x80);
	}

	@Test
	void tempFilesAreNextToTheEntryAndUnique() {
		String hash = FileLayout.hash(FileLayout.keyBytes("k"));
		Path first = this.layout.newTemp(hash);
		Path second = this.layout.newTemp(hash);
		assertThat(first).isNotEqualTo(second);
		assertThat(first.getParent()).isEqualTo(this.layout.entry(hash).getParent());
		assertThat(FileLayout.isTempName(first.getFileName().toString())).isTrue();
	}

	@Test
	void namesThatDoNotFollowTheLayoutAreNotEntriesOrTemps() {
		String hash = FileLayout.hash(FileLayout.keyBytes("k"));
		String shard = hash.substring(0, 2);
		assertThat(FileLayout.entryHash(shard, hash + ".entry")).isEqualTo(hash);
		assertThat(FileLayout.entryHash("00".equals(shard) ? "01" : "00", hash + ".entry")).isNull();
		assertThat(FileLayout.entryHash(shard, hash.toUpperCase(Locale.ROOT) + ".entry")).isNull();
		assertThat(FileLayout.entryHash(shard, hash + ".txt")).isNull();
		assertThat(FileLayout.entryHash(shard, "notes.entry")).isNull();
		assertThat(FileLayout.isTempName(hash + ".tmp")).isFalse();
		assertThat(FileLayout.isTempName("report.0123456789abcdef.tmp")).isFalse();
		assertThat(FileLayout.isShardName("ab")).isTrue();
		assertThat(FileLayout.isShardName("AB")).isFalse();
		assertThat(FileLayout.isShardName("abc")).isFalse();
	}

}
