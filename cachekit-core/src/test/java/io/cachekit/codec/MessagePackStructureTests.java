package io.cachekit.codec;

import java.io.IOException;
import java.util.Arrays;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

import static org.assertj.core.api.Assertions.assertThat;

class MessagePackStructureTests {

	@Test
	void acceptsEveryFormatTheCodecWrites() throws IOException {
		MessageBufferPacker packer = MessagePack.newDefaultBufferPacker();
		packer.packArrayHeader(12);
		packer.packNil().packBoolean(true).packInt(-5).packInt(300).packLong(1L << 40).packLong(-(1L << 40));
		packer.packFloat(1.5f).packDouble(2.5).packString("x".repeat(40_000)).packBinaryHeader(3);
		packer.writePayload(new byte[] { 1, 2, 3 });
		packer.packMapHeader(1).packString("k").packArrayHeader(0);
		packer.packArrayHeader(20);
		for (int i = 0; i < 20; i++) {
			packer.packInt(i);
		}
		assertThat(check(packer.toByteArray(), 0)).isNull();
	}

	@Test
	void startsAtTheOffset() {
		assertThat(check(new byte[] { 'x', 'y', (byte) 0xc0 }, 2)).isNull();
	}

	@Test
	void refusesNothingAtAll() {
		assertThat(check(new byte[0], 0)).contains("truncated");
	}

	@Test
	void refusesMissingContainerElements() {
		assertThat(check(new byte[] { (byte) 0x92, 1 }, 0)).contains("truncated");
		assertThat(check(new byte[] { (byte) 0x81, 1 }, 0)).contains("truncated");
	}

	@Test
	void refusesTruncatedLengthAndPayload() {
		assertThat(check(new byte[] { (byte) 0xda, 0 }, 0)).contains("truncated");
		assertThat(check(new byte[] { (byte) 0xa3, 'a', 'b' }, 0)).contains("truncated");
		assertThat(check(new byte[] { (byte) 0xcb, 0, 0, 0 }, 0)).contains("truncated");
	}

	@Test
	void refusesLengthsBeyondTheInputWithoutReadingOn() {
		byte[] hugeMap = { (byte) 0xdf, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1, 1 };
		assertThat(check(hugeMap, 0)).contains("truncated");
		byte[] hugeString = { (byte) 0xdb, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 'a' };
		assertThat(check(hugeString, 0)).contains("truncated");
	}

	@Test
	void refusesBytesAfterTheValue() {
		assertThat(check(new byte[] { 1, 2 }, 0)).isEqualTo("payload has 1 bytes after its value");
	}

	@Test
	void refusesExtensionTypesAndTheUnusedFormat() {
		assertThat(check(new byte[] { (byte) 0xc7, 1, 5, 0 }, 0)).contains("0xc7");
		assertThat(check(new byte[] { (byte) 0xc1 }, 0)).contains("0xc1");
	}

	@Test
	void acceptsNestingUpToTheLimitAndRefusesDeeper() {
		assertThat(check(nested(MessagePackStructure.MAX_DEPTH), 0)).isNull();
		assertThat(check(nested(MessagePackStructure.MAX_DEPTH + 1), 0)).contains("deeper");
	}

	private static byte[] nested(int depth) {
		byte[] bytes = new byte[depth + 1];
		Arrays.fill(bytes, 0, depth, (byte) 0x91);
		bytes[depth] = (byte) 0xc0;
		return bytes;
	}

	private static @Nullable String check(byte[] bytes, int offset) {
		return MessagePackStructure.check(bytes, offset, bytes.length);
	}

}
