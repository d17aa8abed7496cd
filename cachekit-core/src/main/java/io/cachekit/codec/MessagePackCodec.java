package io.cachekit.codec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.msgpack.jackson.dataformat.MessagePackFactory;

import org.jspecify.annotations.Nullable;

/**
 * A {@link ValueCodec} that writes values as MessagePack through Jackson, naming the
 * class of every value whose declared type does not fix it, and reading back only classes
 * on an allowlist.
 *
 * <h2>Envelope</h2>
 *
 * <pre>
 * bytes 0-1   magic 'C' 'K' (0x43 0x4B)
 * byte  2     format version: 2
 * byte  3     codec id: 1 = MessagePack through Jackson
 * byte  4     flags: bit 0 compressed, bit 1 encrypted, bit 2 null value (no payload
 *             follows), bit 3 tagged; bits 4-7 reserved, zero
 * bytes 5-12  expiry time, epoch milliseconds, big-endian signed long; 0 = never
 * if tagged:  the tag block: the version of each tag the entry was written with
 *             (see EnvelopeTags); part of the header from here on
 * if encrypted:
 *   4 bytes   key id of the cache's key the entry is encrypted under
 *   12 bytes  nonce, random per entry
 *   rest      AES-256-GCM ciphertext of the body, then the 16-byte tag
 * else:
 *   rest      the body
 * body:       one MessagePack value (absent for a null value); if compressed, the
 *             value's length (4 bytes, big-endian) then one LZ4 block of it
 * last 8      entry check: CRC32C of every byte before it, big-endian;
 *             key check: that CRC32C continued over the L2 key's UTF-16 code units
 * </pre>
 *
 * <p>
 * A reader checks the magic and the version, then both checks, before it looks at
 * anything else: a damaged entry is {@link CodecException.Kind#CORRUPT}, and an intact
 * entry read under another key than the one it was written for (copied to another key,
 * cache or generation) is {@link CodecException.Kind#MISPLACED}. The checks detect damage
 * and misplacement, not forgery: anyone who can write L2 can compute them. The key is the
 * one the cache hands the backend; a prefix the backend adds (a memcached key prefix, a
 * Redis key prefix) is not covered, so two applications that share a store and differ
 * only in their prefix do not tell their entries apart by the checks.
 * <p>
 * A reader refuses, as {@link CodecException.Kind#UNKNOWN_FORMAT}, an envelope of another
 * version (version 1, written without checks, included: such an entry is a miss and is
 * replaced by the next write) or codec id, or with a reserved flag set; it never guesses
 * at a layout it does not know.
 *
 * <h2>Compression</h2>
 *
 * <p>
 * With {@link Builder#compression(int)}, a payload longer than the threshold is
 * compressed with LZ4 when that makes it shorter and it is no longer than the max
 * decompressed size. Every codec reads compressed entries, whatever its own threshold. A
 * compressed body that states a length beyond {@link Builder#maxDecompressedSize(int)} or
 * beyond 255 times its block (more than LZ4 can produce), or whose block does not inflate
 * into exactly that length, is {@link CodecException.Kind#CORRUPT}; the stated length is
 * checked before anything is allocated.
 *
 * <h2>Encryption</h2>
 *
 * <p>
 * A codec built with {@link Builder#encryption(String, EncryptionKey, List)} is one
 * cache's codec: it encrypts every entry (a null value too) with AES-256-GCM under that
 * cache's own key, derived with HKDF-SHA256 from the configured key and the cache name.
 * The tag's associated data is the header, key id and nonce followed by the L2 key, so an
 * entry changed by someone who recomputed the checks, or moved to another key, cache or
 * generation, does not decrypt. It reads entries under its current or a previous key; an
 * unknown key id or a tag that does not match is
 * {@link CodecException.Kind#UNDECRYPTABLE}, and a plaintext entry is
 * {@link CodecException.Kind#UNENCRYPTED} (no downgrade). A codec without encryption
 * refuses an encrypted entry as {@code UNKNOWN_FORMAT}.
 *
 * <h2>Payload</h2>
 *
 * <p>
 * Values are written with Jackson's default typing: wherever the declared type does not
 * fix the class (the root value, elements of collections, values of maps, fields of type
 * {@code Object} or of an interface or non-final class), the value is written as
 * {@code [class name, value]}. Values read back equal to what was written and of the same
 * class, for:
 * <ul>
 * <li>{@code String}, boxed primitives, {@code BigDecimal} (scale kept),
 * {@code BigInteger}, {@code UUID}, {@code Optional}, the {@code java.time} value types,
 * enums, and arrays of these and of primitives;
 * <li>lists, sets, queues and maps; general-purpose JDK implementations
 * ({@code ArrayList}, {@code HashMap}, {@code TreeSet}, ...) keep their class, others
 * ({@code List.of}, {@code Collections.unmodifiableList}, {@code Arrays.asList},
 * third-party or untrusted collections) come back as the general-purpose class of their
 * kind ({@code ArrayList}, {@code LinkedHashSet}, {@code TreeSet}, {@code ArrayDeque},
 * {@code LinkedHashMap}, {@code TreeMap}), equal by the collection contracts;
 * <li>maps with keys of any allowed type, the keys keeping their class (a map whose
 * declared key type is {@code Object} or abstract is written as alternating keys and
 * values, each with its class);
 * <li>records and JavaBeans (a default constructor and setters) of trusted packages, and
 * any nesting of all of these.
 * </ul>
 * A sorted collection or map keeps its natural order but not its comparator: one sorted
 * by a comparator is read back in natural order, and one whose elements are not
 * {@code Comparable} cannot be written.
 *
 * <h2>Allowlist</h2>
 *
 * <p>
 * Bytes in a shared cache may have been written by someone else, so a class name read
 * from them is checked before the class is loaded: a class that is not allowed is never
 * loaded, initialized or instantiated. Allowed are String and the boxed primitives,
 * {@code java.math} numbers, {@code UUID}, {@code Optional}, the general-purpose
 * {@code java.util} and {@code java.util.concurrent} collections, the {@code java.time}
 * value types, arrays of allowed types, and every class in or below a package given to
 * {@link Builder#trustedPackages(Collection)} ({@code com.example} covers
 * {@code com.example.orders} but not {@code com.examplex}). No other JDK class is
 * allowed. The same check applies to type ids, to the enum class of an {@code EnumSet} or
 * {@code EnumMap}, and to values of type {@code Class}; it also runs when writing, so the
 * codec never writes what it would refuse to read.
 * <p>
 * A property whose declared type is final (a {@code String}, a record, an enum) is
 * written without a type id and read as that type, as Jackson always does: trusting a
 * package trusts the types its classes declare.
 *
 * <h2>Errors</h2>
 *
 * <p>
 * {@link #encode} throws {@link CodecException} of kind
 * {@link CodecException.Kind#UNSERIALIZABLE}, naming the value's class, when the value
 * holds a class off the allowlist, a class Jackson cannot write (no properties, a failing
 * getter, a cycle), an anonymous, local or non-static inner class or a lambda, or nests
 * deeper than 500 levels; and {@link IllegalArgumentException} for an expiry time not
 * after the epoch. {@link #decode} throws only {@link CodecException}: {@code CORRUPT}
 * for bytes that are not an envelope of this codec, truncated, damaged, or whose payload
 * is not well-formed MessagePack; {@code MISPLACED} for an entry written for another key;
 * {@code UNKNOWN_FORMAT} as above; {@code UNTRUSTED_TYPE} naming a class off the
 * allowlist; {@code UNDECRYPTABLE} and {@code UNENCRYPTED} as above; {@code INCOMPATIBLE}
 * for an intact, well-formed payload that does not fit the classes it is read into (a
 * field removed or retyped, a class renamed since it was written). No message holds key
 * material.
 *
 * <p>
 * Instances are immutable and thread-safe. Create one with {@link #withDefaults()} or
 * {@link #builder()}:
 *
 * <pre>{@code
 * ValueCodec codec = MessagePackCodec.builder()
 *     .trustedPackages(List.of("com.example.orders"))
 *     .build();
 * }</pre>
 */
public final class MessagePackCodec implements ValueCodec {

	static final byte MAGIC_0 = 'C';

	static final byte MAGIC_1 = 'K';

	static final byte FORMAT_VERSION = 2;

	static final byte CODEC_ID = 1;

	static final int FLAG_COMPRESSED = 1;

	static final int FLAG_ENCRYPTED = 1 << 1;

	static final int FLAG_NULL = 1 << 2;

	static final int FLAG_TAGGED = 1 << 3;

	static final int HEADER_LENGTH = 13;

	/**
	 * The largest payload a compressed entry may hold unless the builder says otherwise:
	 * 16 MiB.
	 */
	public static final int DEFAULT_MAX_DECOMPRESSED_SIZE = 16 * 1024 * 1024;

	/** The longest reason a failure's message quotes from the serializer. */
	private static final int MAX_REASON_LENGTH = 300;

	private final List<String> trustedPackages;

	private final PayloadCompression compression;

	private final TypeAllowlist allowlist;

	private final ObjectWriter writer;

	private final ObjectReader reader;

	private final @Nullable PayloadEncryption encryption;

	private MessagePackCodec(Builder builder) {
		this.encryption = builder.encryption;
		this.trustedPackages = List.copyOf(builder.trustedPackages);
		this.allowlist = TypeAllowlist.of(this.trustedPackages);
		this.compression = new PayloadCompression(builder.compressionThreshold, builder.maxDecompressedSize);
		AllowlistTypeValidator validator = new AllowlistTypeValidator(this.allowlist);
		ObjectMapper mapper = new ObjectMapper(new MessagePackFactory());
		mapper.setTypeFactory(new AllowlistTypeFactory(this.allowlist));
		mapper.registerModule(new Jdk8Module());
		mapper.registerModule(new JavaTimeModule());
		mapper.registerModule(new CodecModule(this.allowlist));
		mapper.setPolymorphicTypeValidator(validator);
		mapper.setDefaultTyping(new AllowlistTypeResolverBuilder(this.allowlist, validator));
		mapper.disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS,
				SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS);
		mapper.enable(SerializationFeature.WRITE_DATES_WITH_ZONE_ID);
		mapper.disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE);
		this.writer = mapper.writerFor(Object.class);
		this.reader = mapper.readerFor(Object.class);
	}

	/**
	 * Creates a codec that trusts no package of its own: it reads and writes the JDK
	 * value types only.
	 * @return the codec
	 */
	public static MessagePackCodec withDefaults() {
		return builder().build();
	}

	/**
	 * Starts a codec that trusts no package.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Returns the packages whose classes, and those of packages below them, may be
	 * written and read besides the JDK value types.
	 * @return the trusted packages, possibly empty
	 */
	public List<String> trustedPackages() {
		return this.trustedPackages;
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * The expiry time is kept to the millisecond, rounded down.
	 * @throws IllegalArgumentException when {@code expiresAt} is not after
	 * 1970-01-01T00:00:00Z (epoch millisecond 0 means "never")
	 */
	@Override
	public byte[] encode(@Nullable Object value, @Nullable Instant expiresAt, String key) {
		return encode(value, expiresAt, Map.of(), key);
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * The tags are written in the envelope's header (at most 255, each 1 to 255 UTF-8
	 * bytes, versions zero or more), covered by both checks and, when the entry is
	 * encrypted, by the cipher's associated data. An entry without tags is written
	 * exactly as {@link #encode(Object, Instant, String)} writes it.
	 * @throws IllegalArgumentException as {@link #encode(Object, Instant, String)}, and
	 * when the tags are more or longer than the envelope holds, or a version is negative
	 */
	@Override
	public byte[] encode(@Nullable Object value, @Nullable Instant expiresAt, Map<String, Long> tags, String key) {
		Objects.requireNonNull(key, "key must not be null");
		Objects.requireNonNull(tags, "tags must not be null");
		long expiry = expiryMillis(expiresAt);
		ByteArrayOutputStream out = header(((value != null) ? 0 : FLAG_NULL) | (tags.isEmpty() ? 0 : FLAG_TAGGED),
				expiry);
		if (!tags.isEmpty()) {
			EnvelopeTags.write(out, tags);
		}
		int bodyStart = out.size();
		if (value != null) {
			try {
				this.writer.writeValue(out, value);
			}
			catch (StackOverflowError ex) {
				throw unserializable(value, "it nests too deeply or refers to itself", null);
			}
			catch (IOException | RuntimeException ex) {
				throw unserializable(value, reason(ex), ex);
			}
		}
		out.writeBytes(new byte[EnvelopeChecks.LENGTH]);
		byte[] bytes = out.toByteArray();
		if (value != null) {
			String malformed = MessagePackStructure.check(bytes, bodyStart, bytes.length - EnvelopeChecks.LENGTH);
			if (malformed != null) {
				throw unserializable(value, malformed, null);
			}
			bytes = this.compression.compress(bytes, bodyStart, 4, FLAG_COMPRESSED);
		}
		if (this.encryption != null) {
			bytes = this.encryption.seal(bytes, bodyStart, FLAG_ENCRYPTED, key);
		}
		EnvelopeChecks.seal(bytes, key);
		return bytes;
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * Classes named in the bytes are checked against the allowlist before they are
	 * loaded. A payload is checked to be one well-formed MessagePack value, nested at
	 * most 500 levels, before it is parsed.
	 */
	@Override
	public CachedValue decode(byte[] bytes, String key) {
		Objects.requireNonNull(bytes, "bytes must not be null");
		Objects.requireNonNull(key, "key must not be null");
		if (bytes.length < 2 || bytes[0] != MAGIC_0 || bytes[1] != MAGIC_1) {
			throw corrupt("bytes do not start with the envelope magic 'CK'", null);
		}
		if (bytes.length < 3) {
			throw corrupt("envelope is truncated: " + bytes.length + " bytes", null);
		}
		if (bytes[2] != FORMAT_VERSION) {
			throw unknownFormat("envelope format version " + (bytes[2] & 0xFF) + " is not supported; this reader "
					+ "supports version " + FORMAT_VERSION);
		}
		if (bytes.length < HEADER_LENGTH + EnvelopeChecks.LENGTH) {
			throw corrupt("envelope is truncated: " + bytes.length + " bytes, the header and checks alone have "
					+ (HEADER_LENGTH + EnvelopeChecks.LENGTH), null);
		}
		CodecException.Kind failed = EnvelopeChecks.verify(bytes, key);
		if (failed == CodecException.Kind.CORRUPT) {
			throw corrupt("the entry check does not match: the entry is damaged or truncated", null);
		}
		if (failed != null) {
			throw new CodecException(CodecException.Kind.MISPLACED,
					"Cannot decode: the entry was written for another key than the one it was read from", null);
		}
		if (bytes[3] != CODEC_ID) {
			throw unknownFormat("envelope codec id " + (bytes[3] & 0xFF) + " is not supported; this reader supports "
					+ CODEC_ID + " (MessagePack)");
		}
		Map<String, Long> tags = Map.of();
		int bodyStart = HEADER_LENGTH;
		if ((bytes[4] & FLAG_TAGGED) != 0) {
			EnvelopeTags.Read read = EnvelopeTags.read(bytes, HEADER_LENGTH, bytes.length - EnvelopeChecks.LENGTH);
			tags = read.tags();
			bodyStart = read.bodyStart();
		}
		if (this.encryption != null) {
			bytes = this.encryption.open(bytes, bodyStart, FLAG_ENCRYPTED, key);
		}
		int end = bytes.length - EnvelopeChecks.LENGTH;
		int flags = bytes[4] & 0xFF;
		if ((flags & FLAG_ENCRYPTED) != 0) {
			throw unknownFormat("envelope is encrypted, which this reader does not support");
		}
		int known = FLAG_NULL | FLAG_COMPRESSED | FLAG_TAGGED;
		if ((flags & ~known) != 0) {
			throw unknownFormat(String.format("envelope has unknown flags 0x%02x", flags & ~known));
		}
		if ((flags & FLAG_NULL) != 0 && (flags & FLAG_COMPRESSED) != 0) {
			throw corrupt("envelope of a null value is flagged compressed", null);
		}
		long expiry = ByteBuffer.wrap(bytes, 5, 8).getLong();
		Instant expiresAt = (expiry != 0) ? Instant.ofEpochMilli(expiry) : null;
		if ((flags & FLAG_NULL) != 0) {
			if (end != bodyStart) {
				throw corrupt("envelope of a null value has " + (end - bodyStart) + " payload bytes", null);
			}
			return new CachedValue(null, expiresAt, tags);
		}
		byte[] payload = bytes;
		int from = bodyStart;
		if ((flags & FLAG_COMPRESSED) != 0) {
			payload = this.compression.decompress(bytes, bodyStart, end);
			from = 0;
			end = payload.length;
		}
		String malformed = MessagePackStructure.check(payload, from, end);
		if (malformed != null) {
			throw corrupt(malformed, null);
		}
		try {
			Object value = this.reader.readValue(payload, from, end - from);
			return new CachedValue(value, expiresAt, tags);
		}
		catch (IOException | RuntimeException | StackOverflowError ex) {
			String refused = refusedClass(ex);
			if (refused != null) {
				throw new CodecException(CodecException.Kind.UNTRUSTED_TYPE,
						"Refused to read class " + refused + ": it is not on the codec's allowlist and was not loaded",
						null);
			}
			// The checks (and the tag) held and the payload is well-formed: the entry is
			// intact, and what fails is the class it is read into (schema drift).
			throw new CodecException(CodecException.Kind.INCOMPATIBLE,
					"Cannot decode: the payload does not fit the classes it is read into: " + parseFailure(ex), null);
		}
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * Accepts primitives, the classes of the allowlist (arrays of them included) that can
	 * be created when reading, enum constants of such enums, every {@link Collection} and
	 * {@link Map} (written as the general-purpose class of their kind; their elements are
	 * classes of their own), every {@link java.time.ZoneId}, and {@link Class} (whose
	 * value names a class that must be accepted in turn).
	 */
	@Override
	public boolean accepts(Class<?> type) {
		Objects.requireNonNull(type, "type must not be null");
		if (type.isPrimitive() || type == Class.class || Collection.class.isAssignableFrom(type)
				|| Map.class.isAssignableFrom(type) || java.time.ZoneId.class.isAssignableFrom(type)) {
			return true;
		}
		Class<?> checked = type;
		Class<?> parent = type.getSuperclass();
		if (parent != null && parent.isEnum()) {
			// An enum constant with a body is an instance of an anonymous subclass.
			checked = parent;
		}
		return this.allowlist.allows(checked.getName()) && AllowlistTypeIdResolver.unreadableReason(checked) == null;
	}

	@Override
	public String toString() {
		return "MessagePackCodec[trustedPackages=" + this.trustedPackages
				+ ((this.encryption != null) ? ", encryption=" + this.encryption : "") + "]";
	}

	private static long expiryMillis(@Nullable Instant expiresAt) {
		if (expiresAt == null) {
			return 0;
		}
		if (!expiresAt.isAfter(Instant.EPOCH)) {
			throw new IllegalArgumentException(
					"expiresAt must be after 1970-01-01T00:00:00Z or null for never, was " + expiresAt);
		}
		try {
			return Math.max(1, expiresAt.toEpochMilli());
		}
		catch (ArithmeticException ex) {
			return Long.MAX_VALUE;
		}
	}

	private static ByteArrayOutputStream header(int flags, long expiry) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(64);
		out.write(MAGIC_0);
		out.write(MAGIC_1);
		out.write(FORMAT_VERSION);
		out.write(CODEC_ID);
		out.write(flags);
		out.writeBytes(ByteBuffer.allocate(8).putLong(expiry).array());
		return out;
	}

	private @Nullable String refusedClass(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof AllowlistTypeFactory.RefusedClassException refused) {
				return refused.getClassName();
			}
			if (cause instanceof InvalidTypeIdException invalid && invalid.getTypeId() != null
					&& AllowlistTypeIdResolver.isRefused(this.allowlist, invalid.getTypeId())) {
				return invalid.getTypeId();
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return null;
	}

	private static String reason(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof AllowlistTypeIdResolver.UnwritableTypeException unwritable
					&& unwritable.getMessage() != null) {
				return unwritable.getMessage();
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		if (ex instanceof StackOverflowError) {
			return "it nests too deeply";
		}
		String message = ex.getMessage();
		if (message == null) {
			return ex.getClass().getName();
		}
		// Jackson appends the reference chain, which for a cycle runs as deep as the
		// stack
		// did (60 KB in one log line).
		return (message.length() <= MAX_REASON_LENGTH) ? message : message.substring(0, MAX_REASON_LENGTH) + "...";
	}

	/**
	 * Describes a failure to read a payload by the exception's class and where in the
	 * value it happened, never by the message: Jackson's messages quote the values read
	 * ({@code from String "..."}), which may be personal data and would reach logs. A map
	 * key is a value too, and is left out of the path.
	 */
	private static String parseFailure(Throwable ex) {
		StringBuilder description = new StringBuilder(ex.getClass().getSimpleName());
		if (ex instanceof InvalidTypeIdException invalid && invalid.getTypeId() != null) {
			description.append(" for type id '").append(invalid.getTypeId()).append('\'');
		}
		if (ex instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
			description.append(" at ");
			for (JsonMappingException.Reference reference : mapping.getPath()) {
				Object from = reference.getFrom();
				if (reference.getIndex() >= 0) {
					description.append('[').append(reference.getIndex()).append(']');
				}
				else if (from instanceof Map || (from instanceof Class<?> type && Map.class.isAssignableFrom(type))) {
					description.append("[<key>]");
				}
				else {
					String type = (from instanceof Class<?> declared) ? declared.getName()
							: (from != null) ? from.getClass().getName() : "?";
					description.append(type).append('.').append(reference.getFieldName());
				}
			}
		}
		return description.toString();
	}

	private static CodecException unserializable(Object value, String reason, @Nullable Throwable cause) {
		return new CodecException(CodecException.Kind.UNSERIALIZABLE,
				"Cannot encode a value of type " + value.getClass().getName() + ": " + reason, cause);
	}

	private static CodecException corrupt(String reason, @Nullable Throwable cause) {
		return new CodecException(CodecException.Kind.CORRUPT, "Cannot decode: " + reason, cause);
	}

	private static CodecException unknownFormat(String reason) {
		return new CodecException(CodecException.Kind.UNKNOWN_FORMAT, "Cannot decode: " + reason, null);
	}

	/**
	 * Builds a {@link MessagePackCodec}. Not thread-safe.
	 */
	public static final class Builder {

		private final List<String> trustedPackages = new ArrayList<>();

		private int compressionThreshold = -1;

		private int maxDecompressedSize = DEFAULT_MAX_DECOMPRESSED_SIZE;

		private @Nullable PayloadEncryption encryption;

		private Builder() {
		}

		/**
		 * Compresses, with LZ4, every payload longer than {@code threshold} bytes (and no
		 * longer than the max decompressed size) whose compressed form is shorter.
		 * Without it nothing is compressed; compressed entries are read either way.
		 * @param threshold the length in bytes of the longest payload left uncompressed,
		 * at least 0
		 * @return this builder
		 * @throws IllegalArgumentException when {@code threshold} is negative
		 */
		public Builder compression(int threshold) {
			if (threshold < 0) {
				throw new IllegalArgumentException("threshold must be at least 0 bytes, was " + threshold);
			}
			this.compressionThreshold = threshold;
			return this;
		}

		/**
		 * Sets the largest payload a compressed entry may hold,
		 * {@link #DEFAULT_MAX_DECOMPRESSED_SIZE} unless set: a compressed entry that
		 * states a longer one is refused before anything is allocated, and no longer
		 * payload is compressed. Give it the largest value the backend stores, so a real
		 * entry is never refused and a forged one inflates to no more than a real one
		 * could.
		 * @param maxDecompressedSize the limit in bytes, at least 1
		 * @return this builder
		 * @throws IllegalArgumentException when {@code maxDecompressedSize} is below 1
		 */
		public Builder maxDecompressedSize(int maxDecompressedSize) {
			if (maxDecompressedSize < 1) {
				throw new IllegalArgumentException(
						"maxDecompressedSize must be at least 1 byte, was " + maxDecompressedSize);
			}
			this.maxDecompressedSize = maxDecompressedSize;
			return this;
		}

		/**
		 * Makes the codec one cache's encrypting codec: every entry is encrypted with
		 * AES-256-GCM under the cache's own key, derived from {@code key} and the cache
		 * name; entries under a key derived from one of {@code previousKeys} are still
		 * read (and replaced under the current key by the next write); plaintext entries
		 * are refused. See the class description.
		 * @param cacheName the name of the cache the codec is for, which every cache of
		 * the same keys must be given exactly
		 * @param key the key new entries are encrypted under
		 * @param previousKeys keys of entries still to be read, possibly empty
		 * @return this builder
		 * @throws IllegalArgumentException when the cache name is blank, or a previous
		 * key is null
		 */
		public Builder encryption(String cacheName, EncryptionKey key, List<EncryptionKey> previousKeys) {
			Objects.requireNonNull(cacheName, "cacheName must not be null");
			Objects.requireNonNull(key, "key must not be null");
			Objects.requireNonNull(previousKeys, "previousKeys must not be null");
			if (cacheName.isBlank()) {
				throw new IllegalArgumentException("cacheName must not be blank");
			}
			for (int i = 0; i < previousKeys.size(); i++) {
				if (previousKeys.get(i) == null) {
					throw new IllegalArgumentException("previousKeys[" + i + "] must not be null");
				}
			}
			this.encryption = new PayloadEncryption(cacheName, key, List.copyOf(previousKeys));
			return this;
		}

		/**
		 * Sets the packages whose classes may be written and read, replacing any set
		 * before. A package trusts the packages below it: {@code com.example} trusts
		 * {@code com.example.orders.Order} but not {@code com.examplex.Order}.
		 * @param trustedPackages package names such as {@code com.example.orders}
		 * @return this builder
		 * @throws IllegalArgumentException when a name is blank, not a Java package name,
		 * a pattern such as {@code com.example.*} or {@code *}, a JDK package, or listed
		 * twice; the message names the index
		 */
		public Builder trustedPackages(Collection<String> trustedPackages) {
			Objects.requireNonNull(trustedPackages, "trustedPackages must not be null");
			List<String> checked = new ArrayList<>(trustedPackages.size());
			int index = 0;
			for (String trustedPackage : trustedPackages) {
				if (trustedPackage == null) {
					throw new IllegalArgumentException("trustedPackages[" + index + "] must not be null");
				}
				String problem = TypeAllowlist.checkPackage(trustedPackage);
				if (problem != null) {
					throw new IllegalArgumentException("trustedPackages[" + index + "]: " + problem);
				}
				if (checked.contains(trustedPackage)) {
					throw new IllegalArgumentException(
							"trustedPackages[" + index + "]: '" + trustedPackage + "' is listed twice");
				}
				checked.add(trustedPackage);
				index++;
			}
			this.trustedPackages.clear();
			this.trustedPackages.addAll(checked);
			return this;
		}

		/**
		 * Sets the packages whose classes may be written and read, replacing any set
		 * before. See {@link #trustedPackages(Collection)}.
		 * @param trustedPackages package names such as {@code com.example.orders}
		 * @return this builder
		 * @throws IllegalArgumentException as {@link #trustedPackages(Collection)} does
		 */
		public Builder trustedPackages(String... trustedPackages) {
			Objects.requireNonNull(trustedPackages, "trustedPackages must not be null");
			return trustedPackages(Arrays.asList(trustedPackages));
		}

		/**
		 * Creates the codec.
		 * @return the codec
		 * @throws IllegalArgumentException when the compression threshold is not below
		 * the max decompressed size, so that nothing could be compressed
		 */
		public MessagePackCodec build() {
			if (this.compressionThreshold >= this.maxDecompressedSize) {
				throw new IllegalArgumentException(
						"threshold (" + this.compressionThreshold + " bytes) must be less than maxDecompressedSize ("
								+ this.maxDecompressedSize + " bytes), else no payload would be compressed");
			}
			return new MessagePackCodec(this);
		}

	}

}
