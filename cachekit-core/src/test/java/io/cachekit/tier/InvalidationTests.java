package io.cachekit.tier;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class InvalidationTests {

	@Test
	void keyRecordReadsBackAsWritten() {
		Invalidation change = Invalidation.ofKey("bööks:1", 42, -7, "key\nwith:every\u0000thing 😀");
		assertThat(Invalidation.decode(change.encode())).isEqualTo(change);
	}

	@Test
	void clearRecordCarriesTheGeneration() {
		Invalidation clear = new Invalidation("books", 3, 9, Invalidation.Kind.CLEAR, 1_767_225_600_000L, "");
		Invalidation read = Invalidation.decode(clear.encode());
		assertThat(read).isEqualTo(clear);
		assertThat(read.generation()).isEqualTo(1_767_225_600_000L);
	}

	@Test
	void keyThatIsNotWellFormedIsAnnouncedAsADropOfEverything() {
		Invalidation change = Invalidation.ofKey("books", 1, 2, "half \uD800 pair");
		assertThat(change.kind()).isEqualTo(Invalidation.Kind.DROP_ALL);
		assertThat(Invalidation.ofKey("books", 1, 2, "\uDC00").kind()).isEqualTo(Invalidation.Kind.DROP_ALL);
		assertThat(Invalidation.ofKey("books", 1, 2, "\uD83D\uDE00").kind()).isEqualTo(Invalidation.Kind.KEY);
	}

	@Test
	void keyTooLongForARecordIsAnnouncedAsADropOfEverything() {
		String longest = "k".repeat(Invalidation.MAX_KEY_CHARS);
		assertThat(Invalidation.ofKey("books", 1, 2, longest).kind()).isEqualTo(Invalidation.Kind.KEY);
		assertThat(Invalidation.ofKey("books", 1, 2, longest + "k").kind()).isEqualTo(Invalidation.Kind.DROP_ALL);
		assertThat(Invalidation.ofKey("books", 1, 2, "k".repeat(1 << 20)).encode()).hasSizeLessThan(100);
	}

	@Test
	void bytesThatAreNotARecordAreRefused() {
		byte[] good = Invalidation.ofKey("books", 1, 2, "k").encode();
		assertThat(Invalidation.decode(new byte[0])).isNull();
		assertThat(Invalidation.decode("hello".getBytes(StandardCharsets.US_ASCII))).isNull();
		byte[] truncated = Arrays.copyOf(good, 20);
		assertThat(Invalidation.decode(truncated)).isNull();
		byte[] badKind = good.clone();
		badKind[1] = 'X';
		assertThat(Invalidation.decode(badKind)).isNull();
		byte[] badLength = good.clone();
		badLength[29] = 100;
		assertThat(Invalidation.decode(badLength)).isNull();
		byte[] badUtf8 = Arrays.copyOf(good, good.length + 1);
		badUtf8[good.length] = (byte) 0xC3;
		assertThat(Invalidation.decode(badUtf8)).isNull();
	}

}
