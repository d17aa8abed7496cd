package io.cachekit.tier;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

/**
 * One change announced on a cache's invalidation journal and its broadcast: which cache,
 * its sequence number, the instance that made it, and what other instances must drop from
 * their L1.
 *
 * <p>
 * Written as bytes, big-endian: format version 1, kind, sequence, instance, generation
 * (of a clear, else 0), the cache name's UTF-8 length and bytes, then the key's UTF-8
 * bytes to the end. A key that is not well-formed UTF-16 (an unpaired surrogate) cannot
 * be written as UTF-8 without becoming another key, and a key of more than
 * {@link #MAX_KEY_CHARS} characters may make a record larger than a backend takes (1 MiB
 * in memcached, where the record would be refused on every try), so the change of either
 * is announced as {@link Kind#DROP_ALL} instead.
 *
 * @param cacheName the cache's name
 * @param sequence the change's number in the cache's journal
 * @param instance the id of the cache instance that made the change
 * @param kind what to drop
 * @param generation the cache's new generation for a {@link Kind#CLEAR}, else 0
 * @param key the key string for a {@link Kind#KEY}, else empty
 */
record Invalidation(String cacheName, long sequence, long instance, Kind kind, long generation, String key) {

	private static final byte VERSION = 1;

	private static final int HEADER = 1 + 1 + 8 + 8 + 8 + 4;

	/**
	 * The longest key announced by name: 16,384 characters, at most 48 KiB of UTF-8.
	 */
	static final int MAX_KEY_CHARS = 16_384;

	/**
	 * Creates the announcement of a change of one key.
	 * @param cacheName the cache's name
	 * @param sequence the change's number
	 * @param instance the id of the instance that made it
	 * @param keyString the key
	 * @return the announcement; {@link Kind#DROP_ALL} when the key cannot be written or
	 * is longer than {@link #MAX_KEY_CHARS}
	 */
	static Invalidation ofKey(String cacheName, long sequence, long instance, String keyString) {
		return (keyString.length() <= MAX_KEY_CHARS && isWellFormed(keyString))
				? new Invalidation(cacheName, sequence, instance, Kind.KEY, 0, keyString)
				: new Invalidation(cacheName, sequence, instance, Kind.DROP_ALL, 0, "");
	}

	/**
	 * Answers this announcement under another sequence number.
	 * @param sequence the number
	 * @return the announcement
	 */
	Invalidation withSequence(long sequence) {
		return new Invalidation(this.cacheName, sequence, this.instance, this.kind, this.generation, this.key);
	}

	byte[] encode() {
		byte[] name = this.cacheName.getBytes(StandardCharsets.UTF_8);
		byte[] key = this.key.getBytes(StandardCharsets.UTF_8);
		return ByteBuffer.allocate(HEADER + name.length + key.length)
			.put(VERSION)
			.put(this.kind.code)
			.putLong(this.sequence)
			.putLong(this.instance)
			.putLong(this.generation)
			.putInt(name.length)
			.put(name)
			.put(key)
			.array();
	}

	/**
	 * Reads an announcement.
	 * @param bytes what {@link #encode()} wrote
	 * @return the announcement, or {@code null} when the bytes are not one
	 */
	static @Nullable Invalidation decode(byte[] bytes) {
		try {
			ByteBuffer buffer = ByteBuffer.wrap(bytes);
			if (buffer.get() != VERSION) {
				return null;
			}
			Kind kind = Kind.of(buffer.get());
			long sequence = buffer.getLong();
			long instance = buffer.getLong();
			long generation = buffer.getLong();
			int nameLength = buffer.getInt();
			if (kind == null || nameLength < 0 || nameLength > buffer.remaining()) {
				return null;
			}
			String name = utf8(buffer, nameLength);
			String key = utf8(buffer, buffer.remaining());
			return new Invalidation(name, sequence, instance, kind, generation, key);
		}
		catch (BufferUnderflowException | CharacterCodingException ex) {
			return null;
		}
	}

	/**
	 * Returns the name as a cache finds its announcements: the name read back from its
	 * UTF-8 bytes.
	 * @param cacheName the cache's name
	 * @return the name as it travels
	 */
	static String travelling(String cacheName) {
		return new String(cacheName.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
	}

	private static String utf8(ByteBuffer buffer, int length) throws CharacterCodingException {
		ByteBuffer slice = buffer.slice();
		slice.limit(length);
		buffer.position(buffer.position() + length);
		CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
			.onMalformedInput(CodingErrorAction.REPORT)
			.onUnmappableCharacter(CodingErrorAction.REPORT)
			.decode(slice);
		return chars.toString();
	}

	private static boolean isWellFormed(String text) {
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (Character.isHighSurrogate(c)) {
				if (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
					return false;
				}
				i++;
			}
			else if (Character.isLowSurrogate(c)) {
				return false;
			}
		}
		return true;
	}

	/**
	 * What an announcement tells other instances to drop.
	 */
	enum Kind {

		/** One key. */
		KEY((byte) 'K'),

		/** Everything: the cache was cleared and moved to a new generation. */
		CLEAR((byte) 'C'),

		/**
		 * Everything, the generation unchanged: changes that could not be told one by
		 * one.
		 */
		DROP_ALL((byte) 'D');

		private final byte code;

		Kind(byte code) {
			this.code = code;
		}

		static @Nullable Kind of(byte code) {
			for (Kind kind : values()) {
				if (kind.code == code) {
					return kind;
				}
			}
			return null;
		}

	}

}
