package io.cachekit.codec;

import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Secret key material for encrypting cache entries at rest: at least 32 bytes, from which
 * {@link MessagePackCodec} derives one AES-256 key per cache.
 *
 * <p>
 * Text is read by {@link #parse(CharSequence)}: {@code hex:} followed by hex digits, or
 * {@code base64:} followed by base64 (standard or URL-safe alphabet, padding optional);
 * without a prefix, text of hex digits only is hex and anything else base64. A value that
 * cannot be read or is shorter than {@value #MIN_LENGTH} bytes is refused with a message
 * that says why and never repeats the text.
 *
 * <p>
 * The material never leaves the instance: {@link #toString()} shows its length only, and
 * there is no accessor. Instances are immutable and thread-safe; two keys are never
 * compared by content ({@code equals} is identity), so holding one is no oracle.
 */
public final class EncryptionKey {

	/** The shortest key material accepted, in bytes. */
	public static final int MIN_LENGTH = 32;

	private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]+");

	private final byte[] material;

	private EncryptionKey(byte[] material) {
		this.material = material;
	}

	/**
	 * Creates a key from raw bytes, which are copied.
	 * @param material the key material, at least {@value #MIN_LENGTH} bytes
	 * @return the key
	 * @throws IllegalArgumentException when the material is shorter than
	 * {@value #MIN_LENGTH} bytes
	 */
	public static EncryptionKey of(byte[] material) {
		Objects.requireNonNull(material, "material must not be null");
		if (material.length < MIN_LENGTH) {
			throw new IllegalArgumentException(
					"must be at least " + MIN_LENGTH + " bytes, was " + material.length + " bytes");
		}
		return new EncryptionKey(material.clone());
	}

	/**
	 * Reads a key written as text: {@code hex:<digits>}, {@code base64:<text>}, or
	 * without a prefix hex when the text is hex digits only, else base64. Surrounding
	 * whitespace is ignored.
	 * @param text the key as text
	 * @return the key
	 * @throws IllegalArgumentException when the text is empty, not valid hex or base64,
	 * or shorter than {@value #MIN_LENGTH} bytes; the message never contains the text
	 */
	public static EncryptionKey parse(CharSequence text) {
		Objects.requireNonNull(text, "text must not be null");
		String value = text.toString().strip();
		byte[] material;
		if (value.regionMatches(true, 0, "hex:", 0, 4)) {
			material = hex(value.substring(4));
		}
		else if (value.regionMatches(true, 0, "base64:", 0, 7)) {
			material = base64(value.substring(7));
		}
		else if (value.isEmpty()) {
			throw new IllegalArgumentException(
					"must not be empty: give at least " + MIN_LENGTH + " bytes as hex:<hex digits> or base64:<base64>");
		}
		else {
			material = HEX.matcher(value).matches() ? hex(value) : base64(value);
		}
		try {
			return of(material);
		}
		finally {
			Arrays.fill(material, (byte) 0);
		}
	}

	/**
	 * Returns the key material, for the codec's key derivation only.
	 * @return the material, not a copy: never to be changed or handed out
	 */
	byte[] material() {
		return this.material;
	}

	/**
	 * Shows the key's length, never its material.
	 * @return {@code EncryptionKey[32 bytes]}
	 */
	@Override
	public String toString() {
		return "EncryptionKey[" + this.material.length + " bytes]";
	}

	private static byte[] hex(String digits) {
		if (digits.length() % 2 != 0 || !HEX.matcher(digits).matches()) {
			throw new IllegalArgumentException(
					"is not valid hex: expected an even number of the digits 0-9 and a-f after 'hex:'");
		}
		return HexFormat.of().parseHex(digits);
	}

	private static byte[] base64(String text) {
		try {
			String standard = text.replace('-', '+').replace('_', '/');
			return Base64.getDecoder().decode(standard);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException(
					"is not valid base64 (standard or URL-safe alphabet); prefix hex values with 'hex:'", null);
		}
	}

}
