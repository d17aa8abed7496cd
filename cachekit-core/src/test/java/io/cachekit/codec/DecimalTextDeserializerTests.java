package io.cachekit.codec;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.SplittableRandom;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.msgpack.jackson.dataformat.MessagePackFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link DecimalTextDeserializer} takes the text {@link BigDecimal#toString()} writes for
 * itself, and leaves any other text to Jackson.
 */
class DecimalTextDeserializerTests {

	@Test
	void takesWhatBigDecimalToStringWrites() {
		SplittableRandom random = new SplittableRandom(7);
		for (int i = 0; i < 100_000; i++) {
			BigInteger unscaled = new BigInteger(random.nextInt(1, 200), new java.util.Random(random.nextLong()));
			BigDecimal decimal = new BigDecimal(random.nextBoolean() ? unscaled : unscaled.negate(),
					random.nextInt(-40, 40));
			assertThat(DecimalTextDeserializer.isDecimalText(decimal.toString())).as("%s", decimal).isTrue();
		}
	}

	@Test
	void readsItsFormAndLeavesAnExponentBeyondAnIntToJacksonsError() throws Exception {
		ObjectMapper mapper = new ObjectMapper(new MessagePackFactory())
			.registerModule(new SimpleModule().addDeserializer(BigDecimal.class, new DecimalTextDeserializer()));

		BigDecimal read = mapper.readValue(mapper.writeValueAsBytes("-1.50E-7"), BigDecimal.class);
		assertThat(read).isEqualTo(new BigDecimal("-1.50E-7"));
		assertThat(read.scale()).isEqualTo(9);
		byte[] huge = mapper.writeValueAsBytes("1E+9999999999");
		assertThat(DecimalTextDeserializer.isDecimalText("1E+9999999999")).isTrue();
		assertThatExceptionOfType(JacksonException.class).isThrownBy(() -> mapper.readValue(huge, BigDecimal.class));
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "-", "+1", "1.", ".5", "-.5", "1e3", "1E3", "1E+", "1E-", "1E+3.5", "NaN", "Infinity",
			"0x10", " 1", "1 ", "1,5", "١٢" })
	void leavesAnyOtherTextToJackson(String text) {
		assertThat(DecimalTextDeserializer.isDecimalText(text)).isFalse();
	}

}
