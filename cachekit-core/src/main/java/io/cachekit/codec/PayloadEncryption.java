package io.cachekit.codec;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;

/**
 * AES-256-GCM encryption of one cache's envelope bodies, with the keys of that cache.
 *
 * <p>
 * Each configured {@link EncryptionKey} (the current one and any previous ones) is turned
 * into this cache's own AES-256 key with HKDF-SHA256: the key material as input, the
 * cache name in the info, so every cache has its own key and an entry copied to another
 * cache cannot be decrypted there. The key id written before the nonce is four bytes
 * derived the same way from the configured key with an info of its own (never from the
 * AES key, which is used for nothing but AES-GCM): it tells the keys of one cache apart
 * and reveals nothing of them. Entries are always written under the current key; those
 * under a previous key are read, and replaced by the next write.
 *
 * <p>
 * An encrypted envelope is the plain envelope's header with the encrypted flag set, the
 * key id, a random 96-bit nonce (one {@link SecureRandom} per instance), the body's
 * ciphertext and its 128-bit tag, then room for the checks. The associated data is every
 * byte before the ciphertext followed by the L2 key's UTF-16 code units, so the tag binds
 * header, expiry, key id, nonce and the entry's key, cache and generation. Thread-safe.
 */
final class PayloadEncryption {

	/** The length of the key id. */
	static final int KEY_ID_LENGTH = 4;

	/** The length of a nonce: 96 bits, as GCM recommends. */
	static final int NONCE_LENGTH = 12;

	/** The length of the authentication tag: 128 bits. */
	static final int TAG_LENGTH = 16;

	private static final String TRANSFORMATION = "AES/GCM/NoPadding";

	private static final byte[] KEY_INFO = "cachekit aes-256-gcm cache key v1\0".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] SALT = "cachekit encryption at rest".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] KEY_ID_INFO = "cachekit key id v2\0".getBytes(StandardCharsets.US_ASCII);

	private final SecureRandom random = new SecureRandom();

	/**
	 * {@code Cipher.getInstance} looks the provider up each time: one per thread instead.
	 */
	private static final ThreadLocal<Cipher> ciphers = ThreadLocal.withInitial(PayloadEncryption::newCipher);

	private final CacheKey current;

	private final Map<Integer, CacheKey> keys;

	/**
	 * Derives a cache's keys.
	 * @param cacheName the cache the keys are for
	 * @param current the key new entries are written under
	 * @param previous keys whose entries are still read
	 */
	PayloadEncryption(String cacheName, EncryptionKey current, List<EncryptionKey> previous) {
		this.current = derive(cacheName, current);
		Map<Integer, CacheKey> keys = new LinkedHashMap<>();
		keys.put(this.current.id, this.current);
		for (EncryptionKey key : previous) {
			CacheKey derived = derive(cacheName, key);
			keys.putIfAbsent(derived.id, derived);
		}
		this.keys = Map.copyOf(keys);
	}

	/**
	 * Returns the id of the key new entries are written under.
	 * @return the key id, as a big-endian int
	 */
	int currentKeyId() {
		return this.current.id;
	}

	/**
	 * Encrypts the body of a plain envelope.
	 * @param plain a plain envelope: header, body, then {@link EnvelopeChecks#LENGTH}
	 * bytes of room for the checks
	 * @param headerLength the header's length
	 * @param encryptedFlag the flag to set in the header's flags byte
	 * @param key the L2 key the entry is written under
	 * @return the encrypted envelope, with room for the checks at its end
	 */
	byte[] seal(byte[] plain, int headerLength, int encryptedFlag, String key) {
		int bodyLength = plain.length - headerLength - EnvelopeChecks.LENGTH;
		int prefix = headerLength + KEY_ID_LENGTH + NONCE_LENGTH;
		byte[] sealed = new byte[prefix + bodyLength + TAG_LENGTH + EnvelopeChecks.LENGTH];
		System.arraycopy(plain, 0, sealed, 0, headerLength);
		sealed[4] |= (byte) encryptedFlag;
		writeInt(sealed, headerLength, this.current.id);
		byte[] nonce = new byte[NONCE_LENGTH];
		this.random.nextBytes(nonce);
		System.arraycopy(nonce, 0, sealed, headerLength + KEY_ID_LENGTH, NONCE_LENGTH);
		try {
			Cipher cipher = ciphers.get();
			cipher.init(Cipher.ENCRYPT_MODE, this.current.secret, new GCMParameterSpec(TAG_LENGTH * 8, nonce));
			cipher.updateAAD(sealed, 0, prefix);
			cipher.updateAAD(units(key));
			cipher.doFinal(plain, headerLength, bodyLength, sealed, prefix);
		}
		catch (GeneralSecurityException ex) {
			throw new CodecException(CodecException.Kind.UNSERIALIZABLE,
					"Cannot encode: AES/GCM encryption failed (" + ex.getClass().getSimpleName() + ")", null);
		}
		return sealed;
	}

	/**
	 * Decrypts an encrypted envelope whose checks hold.
	 * @param sealed the envelope
	 * @param headerLength the header's length
	 * @param encryptedFlag the flag that marks an encrypted envelope
	 * @param key the L2 key it was read from
	 * @return the plain envelope: the header without the encrypted flag, the body, then
	 * {@link EnvelopeChecks#LENGTH} bytes of room
	 * @throws CodecException {@code UNENCRYPTED} for a plain envelope, {@code CORRUPT}
	 * for one too short to hold a tag, {@code UNDECRYPTABLE} for an unknown key id or a
	 * tag that does not match
	 */
	byte[] open(byte[] sealed, int headerLength, int encryptedFlag, String key) {
		if ((sealed[4] & encryptedFlag) == 0) {
			throw new CodecException(CodecException.Kind.UNENCRYPTED,
					"Cannot decode: the entry is not encrypted, and this cache reads encrypted entries only", null);
		}
		int prefix = headerLength + KEY_ID_LENGTH + NONCE_LENGTH;
		int cipherLength = sealed.length - prefix - EnvelopeChecks.LENGTH;
		if (cipherLength < TAG_LENGTH) {
			throw new CodecException(CodecException.Kind.CORRUPT,
					"Cannot decode: the encrypted envelope is truncated: " + sealed.length + " bytes", null);
		}
		int id = readInt(sealed, headerLength);
		CacheKey cacheKey = this.keys.get(id);
		if (cacheKey == null) {
			throw new CodecException(CodecException.Kind.UNDECRYPTABLE, String
				.format("Cannot decode: the entry is encrypted under key id %08x, which is neither the current key nor "
						+ "a previous key of this cache", id),
					null);
		}
		byte[] plain = new byte[headerLength + cipherLength - TAG_LENGTH + EnvelopeChecks.LENGTH];
		System.arraycopy(sealed, 0, plain, 0, headerLength);
		plain[4] &= (byte) ~encryptedFlag;
		try {
			Cipher cipher = ciphers.get();
			cipher.init(Cipher.DECRYPT_MODE, cacheKey.secret,
					new GCMParameterSpec(TAG_LENGTH * 8, sealed, headerLength + KEY_ID_LENGTH, NONCE_LENGTH));
			cipher.updateAAD(sealed, 0, prefix);
			cipher.updateAAD(units(key));
			cipher.doFinal(sealed, prefix, cipherLength, plain, headerLength);
		}
		catch (AEADBadTagException ex) {
			throw new CodecException(CodecException.Kind.UNDECRYPTABLE,
					"Cannot decode: the entry's authentication tag does not match: it was changed, forged, or "
							+ "moved from another key, cache or generation",
					null);
		}
		catch (GeneralSecurityException ex) {
			throw new CodecException(CodecException.Kind.UNDECRYPTABLE,
					"Cannot decode: AES/GCM decryption failed (" + ex.getClass().getSimpleName() + ")", null);
		}
		return plain;
	}

	@Override
	public String toString() {
		return "AES-256-GCM, " + this.keys.size() + " key" + ((this.keys.size() != 1) ? "s" : "");
	}

	/**
	 * Returns the ids, in this cache, of some keys, for tests and diagnostics.
	 * @param cacheName the cache
	 * @param keys the keys
	 * @return their ids, in order
	 */
	static List<Integer> keyIds(String cacheName, List<EncryptionKey> keys) {
		List<Integer> ids = new ArrayList<>();
		for (EncryptionKey key : keys) {
			ids.add(derive(cacheName, key).id);
		}
		return ids;
	}

	private static Cipher newCipher() {
		try {
			return Cipher.getInstance(TRANSFORMATION);
		}
		catch (GeneralSecurityException ex) {
			// Every JDK has AES/GCM/NoPadding.
			throw new IllegalStateException(TRANSFORMATION + " is not available", ex);
		}
	}

	private static CacheKey derive(String cacheName, EncryptionKey key) {
		byte[] material = Hkdf.derive(SALT, key.material(), info(KEY_INFO, cacheName), 32);
		try {
			// Its own derivation from the configured key, never a function of the AES
			// key: key separation.
			byte[] id = Hkdf.derive(SALT, key.material(), info(KEY_ID_INFO, cacheName), KEY_ID_LENGTH);
			return new CacheKey(readInt(id, 0), new SecretKeySpec(material, "AES"));
		}
		finally {
			Arrays.fill(material, (byte) 0);
		}
	}

	private static byte[] info(byte[] label, String cacheName) {
		byte[] name = cacheName.getBytes(StandardCharsets.UTF_8);
		byte[] info = Arrays.copyOf(label, label.length + name.length);
		System.arraycopy(name, 0, info, label.length, name.length);
		return info;
	}

	/**
	 * The L2 key as its UTF-16 code units, as {@link EnvelopeChecks} feeds it, so every
	 * distinct string is a distinct input.
	 */
	private static byte[] units(String key) {
		byte[] units = new byte[key.length() * 2];
		for (int i = 0; i < key.length(); i++) {
			char unit = key.charAt(i);
			units[2 * i] = (byte) (unit >>> 8);
			units[2 * i + 1] = (byte) unit;
		}
		return units;
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

	private static final class CacheKey {

		final int id;

		final SecretKey secret;

		CacheKey(int id, SecretKey secret) {
			this.id = id;
			this.secret = secret;
		}

	}

}
