package io.cachekit.codec;

import org.jspecify.annotations.Nullable;

/**
 * Checks that bytes hold exactly one well-formed MessagePack value before Jackson reads
 * them.
 *
 * <p>
 * The check walks the headers without allocating for them, so that a header claiming a
 * huge string, binary or container in a short input, nesting deeper than
 * {@link #MAX_DEPTH}, an extension type (never written by the codec), or bytes left over
 * after the value are refused up front, instead of making the parser allocate gigabytes,
 * overflow the stack, or silently ignore the rest.
 */
final class MessagePackStructure {

	/** The deepest nesting of arrays and maps accepted, written or read. */
	static final int MAX_DEPTH = 500;

	private MessagePackStructure() {
	}

	/**
	 * Checks a MessagePack value.
	 * @param bytes the bytes
	 * @param offset where the value starts
	 * @param end where the value ends (exclusive)
	 * @return {@code null} when the bytes from {@code offset} to {@code end} hold exactly
	 * one value, else what is wrong
	 */
	static @Nullable String check(byte[] bytes, int offset, int end) {
		long[] pending = new long[MAX_DEPTH + 1];
		int depth = 0;
		pending[0] = 1;
		int pos = offset;
		while (depth >= 0) {
			if (pending[depth] == 0) {
				depth--;
				continue;
			}
			pending[depth]--;
			if (pos >= end) {
				return "payload is truncated at byte " + pos;
			}
			int format = bytes[pos++] & 0xFF;
			long lengthBytes = 0;
			long skip = 0;
			long children = 0;
			if (format <= 0x7f || format >= 0xe0 || format == 0xc0 || format == 0xc2 || format == 0xc3) {
				// fixint, nil, false, true
			}
			else if (format <= 0x8f) {
				children = 2L * (format & 0x0f);
			}
			else if (format <= 0x9f) {
				children = format & 0x0f;
			}
			else if (format <= 0xbf) {
				skip = format & 0x1f;
			}
			else {
				switch (format) {
					case 0xc4, 0xd9 -> lengthBytes = 1;
					case 0xc5, 0xda -> lengthBytes = 2;
					case 0xc6, 0xdb -> lengthBytes = 4;
					case 0xcc, 0xd0 -> skip = 1;
					case 0xcd, 0xd1 -> skip = 2;
					case 0xca, 0xce, 0xd2 -> skip = 4;
					case 0xcb, 0xcf, 0xd3 -> skip = 8;
					case 0xdc -> lengthBytes = 2;
					case 0xdd -> lengthBytes = 4;
					case 0xde -> lengthBytes = 2;
					case 0xdf -> lengthBytes = 4;
					default -> {
						return String.format("payload has unsupported MessagePack format 0x%02x at byte %d", format,
								pos - 1);
					}
				}
			}
			if (lengthBytes > 0) {
				if (lengthBytes > end - pos) {
					return "payload is truncated at byte " + pos;
				}
				long length = 0;
				for (int i = 0; i < lengthBytes; i++) {
					length = (length << 8) | (bytes[pos++] & 0xFF);
				}
				switch (format) {
					case 0xdc, 0xdd -> children = length;
					case 0xde, 0xdf -> children = 2 * length;
					default -> skip = length;
				}
			}
			if (skip > end - pos) {
				return "payload is truncated at byte " + pos;
			}
			pos += (int) skip;
			if (children > 0) {
				if (children > end - pos) {
					return "payload is truncated at byte " + pos;
				}
				if (depth + 1 > MAX_DEPTH) {
					return "payload nests deeper than " + MAX_DEPTH + " levels";
				}
				pending[++depth] = children;
			}
		}
		if (pos != end) {
			return "payload has " + (end - pos) + " bytes after its value";
		}
		return null;
	}

}
