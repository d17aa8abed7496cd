package io.cachekit.codec;

import java.io.IOException;
import java.math.BigDecimal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.NumberDeserializers;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;

/**
 * Reads a {@link BigDecimal} from the text the codec writes it as
 * ({@link BigDecimal#toString()}: {@code 10.00}, {@code -1.5E+3}) with
 * {@link BigDecimal#BigDecimal(String)}, which checks it; Jackson's deserializer reads
 * every other token and text (and so gives every error it gives), including any text
 * longer than the parser's limit on a number's length.
 */
final class DecimalTextDeserializer extends StdScalarDeserializer<BigDecimal> {

	private static final long serialVersionUID = 1L;

	private final NumberDeserializers.BigDecimalDeserializer standard = NumberDeserializers.BigDecimalDeserializer.instance;

	DecimalTextDeserializer() {
		super(BigDecimal.class);
	}

	@Override
	public BigDecimal deserialize(JsonParser parser, DeserializationContext context) throws IOException {
		if (parser.hasToken(JsonToken.VALUE_STRING)) {
			String text = parser.getText();
			if (text.length() <= parser.streamReadConstraints().getMaxNumberLength() && isDecimalText(text)) {
				try {
					return new BigDecimal(text);
				}
				catch (NumberFormatException ex) {
					// An exponent beyond an int's range: Jackson's deserializer reports
					// it.
				}
			}
		}
		return this.standard.deserialize(parser, context);
	}

	/**
	 * Returns whether the text has the form {@link BigDecimal#toString()} writes: an
	 * optional minus, digits, optionally a point and digits, optionally {@code E}, a sign
	 * and digits.
	 * @param text the text
	 * @return whether it has that form
	 */
	static boolean isDecimalText(String text) {
		int length = text.length();
		int i = (length > 0 && text.charAt(0) == '-') ? 1 : 0;
		int start = i;
		i = skipDigits(text, i);
		if (i == start) {
			return false;
		}
		if (i < length && text.charAt(i) == '.') {
			int fraction = i + 1;
			i = skipDigits(text, fraction);
			if (i == fraction) {
				return false;
			}
		}
		if (i < length && text.charAt(i) == 'E') {
			if (i + 1 >= length || (text.charAt(i + 1) != '+' && text.charAt(i + 1) != '-')) {
				return false;
			}
			int exponent = i + 2;
			i = skipDigits(text, exponent);
			if (i == exponent) {
				return false;
			}
		}
		return i == length;
	}

	private static int skipDigits(String text, int from) {
		int i = from;
		while (i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
			i++;
		}
		return i;
	}

}
