package io.cachekit.codec;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tag block of an envelope flagged tagged: the version of each tag the entry was
 * written with, between the fixed header and the body, so that the checks and, when the
 * entry is encrypted, the cipher's associated data cover it.
 *
 * <pre>
 * 1 byte      number of tags, 1 to {@value #MAX_TAGS}
 * per tag:
 *   1 byte    length of the tag's UTF-8 bytes, 1 to {@value #MAX_TAG_BYTES}
 *   n bytes   the tag, UTF-8
 *   8 bytes   its version, big-endian, zero or more
 * </pre>
 *
 * A block that does not follow this layout (a count or length of zero, a tag that is not
 * well-formed UTF-8 or appears twice, a negative version, bytes missing) is
 * {@link CodecException.Kind#CORRUPT}.
 */
final class EnvelopeTags {

	/** The most tags an entry records. */
	static final int MAX_TAGS = 255;

	/** The longest tag, in UTF-8 bytes. */
	static final int MAX_TAG_BYTES = 255;

	private EnvelopeTags() {
	}

	/**
	 * Writes the block.
	 * @param out the envelope so far, ending with the fixed header
	 * @param tags the tags and their versions, at least one
	 * @throws IllegalArgumentException when there are more tags than {@value #MAX_TAGS},
	 * a tag is empty or longer than {@value #MAX_TAG_BYTES} UTF-8 bytes, or a version is
	 * negative
	 */
	static void write(ByteArrayOutputStream out, Map<String, Long> tags) {
		if (tags.isEmpty() || tags.size() > MAX_TAGS) {
			throw new IllegalArgumentException("an entry records 1 to " + MAX_TAGS + " tags, not " + tags.size());
		}
		out.write(tags.size());
		for (Map.Entry<String, Long> tag : tags.entrySet()) {
			byte[] name = tag.getKey().getBytes(StandardCharsets.UTF_8);
			if (name.length == 0 || name.length > MAX_TAG_BYTES) {
				throw new IllegalArgumentException(
						"a tag is 1 to " + MAX_TAG_BYTES + " UTF-8 bytes long, not " + name.length);
			}
			long version = tag.getValue();
			if (version < 0) {
				throw new IllegalArgumentException("a tag's version is zero or more, not " + version);
			}
			out.write(name.length);
			out.writeBytes(name);
			out.writeBytes(ByteBuffer.allocate(8).putLong(version).array());
		}
	}

	/**
	 * Reads the block.
	 * @param bytes the envelope
	 * @param from where the block starts
	 * @param end where the bytes the block may use end
	 * @return the tags in the order written, and where the body starts
	 * @throws CodecException {@code CORRUPT} when the block does not follow the layout
	 */
	static Read read(byte[] bytes, int from, int end) {
		int at = from;
		if (at >= end) {
			throw corrupt("the tag block is missing");
		}
		int count = bytes[at++] & 0xFF;
		if (count == 0) {
			throw corrupt("the tag block holds no tag");
		}
		CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
			.onMalformedInput(CodingErrorAction.REPORT)
			.onUnmappableCharacter(CodingErrorAction.REPORT);
		Map<String, Long> tags = new LinkedHashMap<>();
		for (int i = 0; i < count; i++) {
			if (at >= end) {
				throw corrupt("the tag block is truncated");
			}
			int length = bytes[at++] & 0xFF;
			if (length == 0) {
				throw corrupt("the tag block holds an empty tag");
			}
			if (end - at < length + 8) {
				throw corrupt("the tag block is truncated");
			}
			String name;
			try {
				name = utf8.decode(ByteBuffer.wrap(bytes, at, length)).toString();
			}
			catch (CharacterCodingException ex) {
				throw corrupt("the tag block holds a tag that is not UTF-8");
			}
			at += length;
			long version = ByteBuffer.wrap(bytes, at, 8).getLong();
			at += 8;
			if (version < 0) {
				throw corrupt("the tag block holds a negative version");
			}
			if (tags.put(name, version) != null) {
				throw corrupt("the tag block holds a tag twice");
			}
		}
		return new Read(tags, at);
	}

	private static CodecException corrupt(String reason) {
		return new CodecException(CodecException.Kind.CORRUPT, "Cannot decode: " + reason, null);
	}

	/**
	 * A block read.
	 *
	 * @param tags the tags and their versions
	 * @param bodyStart where the bytes after the block start
	 */
	record Read(Map<String, Long> tags, int bodyStart) {

	}

}
