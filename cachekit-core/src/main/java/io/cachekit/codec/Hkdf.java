package io.cachekit.codec;

import java.security.GeneralSecurityException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HKDF with HMAC-SHA256 (RFC 5869), from the JDK's {@link Mac}: extract a pseudorandom
 * key from input key material and a salt, then expand it with an info string to as many
 * bytes as asked.
 */
final class Hkdf {

	private static final String HMAC_SHA256 = "HmacSHA256";

	private static final int HASH_LENGTH = 32;

	private Hkdf() {
	}

	/**
	 * Derives key material.
	 * @param salt the salt; empty means a string of 32 zero bytes, as the RFC says
	 * @param ikm the input key material
	 * @param info the context the output is bound to
	 * @param length the number of bytes to derive, at most 255 x 32
	 * @return the output key material
	 */
	static byte[] derive(byte[] salt, byte[] ikm, byte[] info, int length) {
		return expand(extract(salt, ikm), info, length);
	}

	static byte[] extract(byte[] salt, byte[] ikm) {
		return mac((salt.length > 0) ? salt : new byte[HASH_LENGTH]).doFinal(ikm);
	}

	static byte[] expand(byte[] prk, byte[] info, int length) {
		if (length < 1 || length > 255 * HASH_LENGTH) {
			throw new IllegalArgumentException("length must be between 1 and " + 255 * HASH_LENGTH + ", was " + length);
		}
		Mac mac = mac(prk);
		byte[] okm = new byte[length];
		byte[] previous = new byte[0];
		int written = 0;
		for (int counter = 1; written < length; counter++) {
			mac.update(previous);
			mac.update(info);
			mac.update((byte) counter);
			previous = mac.doFinal();
			int count = Math.min(previous.length, length - written);
			System.arraycopy(previous, 0, okm, written, count);
			written += count;
		}
		return okm;
	}

	private static Mac mac(byte[] key) {
		try {
			Mac mac = Mac.getInstance(HMAC_SHA256);
			mac.init(new SecretKeySpec(key, HMAC_SHA256));
			return mac;
		}
		catch (GeneralSecurityException ex) {
			// Every JDK has HmacSHA256, and it takes keys of any length.
			throw new IllegalStateException("HmacSHA256 is not available", ex);
		}
	}

}
