package io.cachekit.codec;

import java.util.Arrays;

import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

import org.jspecify.annotations.Nullable;

/**
 * LZ4 block compression of envelope payloads, and the limits that keep crafted bytes from
 * making a reader allocate or inflate more than a real entry could hold.
 *
 * <p>
 * A compressed body is the payload's length (4 bytes, big-endian) followed by one LZ4
 * block. A payload is compressed only when it is longer than the threshold, no longer
 * than the max decompressed size, and the compressed body is shorter than the payload. A
 * reader checks, before it allocates anything, that the stated length is positive, no
 * more than the max decompressed size, and at most {@link #MAX_RATIO} times the block's
 * length: one LZ4 sequence of 255 bytes of match length costs at least one byte, so a
 * block of {@code n} bytes never holds much more than {@code 255 n} bytes and a larger
 * claim is forged. The block is then inflated into exactly the stated length by the
 * bounds-checked decompressor, and a block that is malformed, ends early or fills less or
 * more than that length is refused.
 *
 * <p>
 * The safe Java instance of {@code at.yawk.lz4:lz4-java} is used, never its JNI binding
 * nor {@code sun.misc.Unsafe}: crafted bytes meet bounds-checked Java code, not native
 * code that could crash the process, and every payload is inflated into a new array, so
 * nothing of an earlier value can leak into it. Instances are immutable and thread-safe.
 */
final class PayloadCompression {

	/**
	 * The largest ratio of stated length to block length a reader accepts.
	 */
	static final int MAX_RATIO = 255;

	/**
	 * The length of the stated uncompressed length that starts a compressed body.
	 */
	static final int LENGTH_PREFIX = 4;

	private static final LZ4Factory LZ4 = LZ4Factory.safeInstance();

	private final LZ4Compressor compressor = LZ4.fastCompressor();

	private final LZ4SafeDecompressor decompressor = LZ4.safeDecompressor();

	private final int threshold;

	private final int maxDecompressedSize;

	/**
	 * Creates the compression of a codec.
	 * @param threshold payloads longer than this many bytes are compressed, or {@code -1}
	 * to compress none (compressed entries are still read)
	 * @param maxDecompressedSize the largest payload a compressed entry may hold
	 */
	PayloadCompression(int threshold, int maxDecompressedSize) {
		this.threshold = threshold;
		this.maxDecompressedSize = maxDecompressedSize;
	}

	boolean writes() {
		return this.threshold >= 0;
	}

	/**
	 * Compresses the payload of an envelope whose checks are not yet written, when that
	 * is worth it.
	 * @param envelope header, payload and {@link EnvelopeChecks#LENGTH} bytes for the
	 * checks
	 * @param headerLength the length of the header, where the payload starts
	 * @param flagOffset the offset of the flags byte
	 * @param flag the flag that marks a compressed body
	 * @return a new envelope with a compressed body and the flag set, or {@code envelope}
	 * itself when the payload stays as it is
	 */
	byte[] compress(byte[] envelope, int headerLength, int flagOffset, int flag) {
		int length = envelope.length - headerLength - EnvelopeChecks.LENGTH;
		if (!writes() || length <= this.threshold || length > this.maxDecompressedSize) {
			return envelope;
		}
		int bodyStart = headerLength + LENGTH_PREFIX;
		byte[] compressed = new byte[bodyStart + this.compressor.maxCompressedLength(length) + EnvelopeChecks.LENGTH];
		int blockLength = this.compressor.compress(envelope, headerLength, length, compressed, bodyStart,
				compressed.length - bodyStart - EnvelopeChecks.LENGTH);
		if (LENGTH_PREFIX + blockLength >= length) {
			return envelope;
		}
		System.arraycopy(envelope, 0, compressed, 0, headerLength);
		compressed[flagOffset] |= (byte) flag;
		writeInt(compressed, headerLength, length);
		return Arrays.copyOf(compressed, bodyStart + blockLength + EnvelopeChecks.LENGTH);
	}

	/**
	 * Inflates a compressed body.
	 * @param envelope the envelope
	 * @param from where the body starts
	 * @param to where it ends (exclusive)
	 * @return the payload
	 * @throws CodecException of kind {@link CodecException.Kind#CORRUPT} when the body is
	 * truncated, states a length out of bounds, or does not inflate into exactly that
	 * length
	 */
	byte[] decompress(byte[] envelope, int from, int to) {
		int blockLength = to - from - LENGTH_PREFIX;
		if (blockLength <= 0) {
			throw corrupt("compressed body is truncated: " + (to - from) + " bytes", null);
		}
		long stated = readInt(envelope, from) & 0xFFFFFFFFL;
		if (stated == 0) {
			throw corrupt("compressed body states an uncompressed length of 0", null);
		}
		if (stated > this.maxDecompressedSize) {
			throw corrupt("compressed body states " + stated
					+ " uncompressed bytes, more than the max decompressed size " + this.maxDecompressedSize, null);
		}
		if (stated > (long) MAX_RATIO * blockLength) {
			throw corrupt("compressed body states " + stated + " uncompressed bytes from a " + blockLength
					+ "-byte block, a ratio beyond " + MAX_RATIO + ":1 that LZ4 cannot produce", null);
		}
		byte[] payload = new byte[(int) stated];
		int inflated;
		try {
			inflated = this.decompressor.decompress(envelope, from + LENGTH_PREFIX, blockLength, payload, 0,
					payload.length);
		}
		catch (LZ4Exception ex) {
			throw corrupt("compressed block is malformed: " + ex.getMessage(), ex);
		}
		if (inflated != payload.length) {
			throw corrupt("compressed block inflates to " + inflated + " bytes, not the stated " + stated, null);
		}
		return payload;
	}

	@Override
	public String toString() {
		return "LZ4[threshold=" + this.threshold + ", maxDecompressedSize=" + this.maxDecompressedSize + "]";
	}

	private static CodecException corrupt(String reason, @Nullable Throwable cause) {
		return new CodecException(CodecException.Kind.CORRUPT, "Cannot decode: " + reason, cause);
	}

	private static void writeInt(byte[] bytes, int offset, int value) {
		bytes[offset] = (byte) (value >>> 24);
		bytes[offset + 1] = (byte) (value >>> 16);
		bytes[offset + 2] = (byte) (value >>> 8);
		bytes[offset + 3] = (byte) value;
	}

	private static int readInt(byte[] bytes, int offset) {
		return ((bytes[offset] & 0xFF) << 24) | ((bytes[offset + 1] & 0xFF) << 16) | ((bytes[offset + 2] & 0xFF) << 8)
				| (bytes[offset + 3] & 0xFF);
	}

}
