package io.cachekit.codec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import io.cachekit.codec.fixture.Holder;
import io.cachekit.codec.fixture.Point;
import io.cachekit.codec.fixture.TypeRef;
import io.cachekit.codec.untrusted.TripwireOne;
import io.cachekit.codec.untrusted.Tripwires;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link MessagePackCodec} reads back only classes on its allowlist, and never loads one
 * that is not.
 */
class MessagePackCodecAllowlistTests {

	private static final String KEY = MessagePackCodecEnvelopeTests.KEY;

	private static final String TRIPWIRE_ONE = "io.cachekit.codec.untrusted.TripwireOne";

	private static final String TRIPWIRE_TWO = "io.cachekit.codec.untrusted.TripwireTwo";

	private final MessagePackCodec trustingCodec = MessagePackCodec.builder()
		.trustedPackages("io.cachekit.codec.fixture", "io.cachekit.codec.untrusted")
		.build();

	private final MessagePackCodec codec = MessagePackCodec.builder()
		.trustedPackages("io.cachekit.codec.fixture")
		.build();

	@Test
	void untrustedClassIsNeverInstantiated() {
		byte[] bytes = this.trustingCodec.encode(new TripwireOne(), null, KEY);
		int constructed = Tripwires.ONE_CONSTRUCTED.get();
		assertUntrusted(bytes, TRIPWIRE_ONE);
		assertThat(Tripwires.ONE_CONSTRUCTED).hasValue(constructed);
	}

	@Test
	void untrustedClassIsNeverInitialized() {
		// TripwireTwo is never used by name, so nothing else in this JVM initializes it.
		byte[] bytes = replace(this.trustingCodec.encode(List.of(new TripwireOne()), null, KEY), TRIPWIRE_ONE,
				TRIPWIRE_TWO);
		assertUntrusted(bytes, TRIPWIRE_TWO);
		assertThat(Tripwires.TWO_INITIALIZED).hasValue(0);
		assertThat(Tripwires.TWO_CONSTRUCTED).hasValue(0);
	}

	@Test
	void trustedClassOfTheSameBytesIsInstantiated() {
		byte[] bytes = this.trustingCodec.encode(new TripwireOne(), null, KEY);
		int constructed = Tripwires.ONE_CONSTRUCTED.get();
		assertThat(this.trustingCodec.decode(bytes, KEY).value()).isInstanceOf(TripwireOne.class);
		assertThat(Tripwires.ONE_CONSTRUCTED).hasValue(constructed + 1);
	}

	@Test
	void untrustedClassNestedInATrustedValueIsRefused() {
		byte[] bytes = this.trustingCodec.encode(new Holder(List.of(new Point(1, 2), new TripwireOne())), null, KEY);
		assertUntrusted(bytes, TRIPWIRE_ONE);
	}

	@Test
	void classOfATrustedPackageIsRefusedByACodecThatDoesNotTrustIt() {
		byte[] bytes = this.codec.encode(new Point(1, 2), null, KEY);
		assertThatExceptionOfType(CodecException.class)
			.isThrownBy(() -> MessagePackCodec.withDefaults().decode(bytes, KEY))
			.satisfies((ex) -> assertThat(ex.getKind()).isEqualTo(CodecException.Kind.UNTRUSTED_TYPE))
			.withMessageContaining(Point.class.getName());
	}

	@Test
	void trustedPackageTrustsThePackagesBelowIt() {
		MessagePackCodec parentTrusting = MessagePackCodec.builder().trustedPackages("io.cachekit.codec").build();
		assertThat(parentTrusting.decode(this.codec.encode(new Point(1, 2), null, KEY), KEY).value())
			.isEqualTo(new Point(1, 2));
	}

	@Test
	void trustedPackageDoesNotTrustAPackageThatOnlyStartsWithTheSameText() {
		MessagePackCodec prefixTrusting = MessagePackCodec.builder().trustedPackages("io.cachekit.codec.fix").build();
		byte[] bytes = this.codec.encode(new Point(1, 2), null, KEY);
		assertUntrusted(prefixTrusting, bytes, Point.class.getName());
		assertThatExceptionOfType(CodecException.class)
			.isThrownBy(() -> prefixTrusting.encode(new Point(1, 2), null, KEY))
			.satisfies((ex) -> assertThat(ex.getKind()).isEqualTo(CodecException.Kind.UNSERIALIZABLE));
	}

	@ParameterizedTest
	@ValueSource(strings = { "java.lang.ProcessBuilder", "java.lang.Runtime", "java.net.URL", "java.net.URI",
			"java.io.File", "java.lang.Thread", "java.lang.Class", "java.lang.Object", "java.lang.StringBuilder",
			"java.util.logging.FileHandler", "java.util.Date", "java.util.Locale", "javax.management.ObjectName",
			"javax.naming.InitialContext", "com.sun.rowset.JdbcRowSetImpl", "sun.misc.Unsafe",
			"org.springframework.context.support.ClassPathXmlApplicationContext",
			"io.cachekit.codec.untrusted.TripwireTwo" })
	void craftedTypeIdOffTheAllowlistIsRefused(String className) throws IOException {
		MessageBufferPacker packer = MessagePack.newDefaultBufferPacker();
		packer.packArrayHeader(2).packString(className).packString("http://localhost/");
		assertUntrusted(MessagePackCodecEnvelopeTests.withPayload(packer.toByteArray()), className);
	}

	@Test
	void craftedTypeIdNestedInACollectionIsRefused() throws IOException {
		MessageBufferPacker packer = MessagePack.newDefaultBufferPacker();
		packer.packArrayHeader(2).packString("java.util.ArrayList").packArrayHeader(2);
		packer.packString("harmless");
		packer.packArrayHeader(2).packString("java.lang.ProcessBuilder").packArrayHeader(1).packString("sh");
		assertUntrusted(MessagePackCodecEnvelopeTests.withPayload(packer.toByteArray()), "java.lang.ProcessBuilder");
	}

	@Test
	void craftedTypeIdAsAMapKeyIsRefused() throws IOException {
		MessageBufferPacker packer = MessagePack.newDefaultBufferPacker();
		packer.packArrayHeader(2).packString("java.util.LinkedHashMap").packArrayHeader(2);
		packer.packArrayHeader(2).packString("java.net.URL").packString("http://localhost/");
		packer.packString("value");
		assertUntrusted(MessagePackCodecEnvelopeTests.withPayload(packer.toByteArray()), "java.net.URL");
	}

	@Test
	void craftedTypeIdInARecordComponentDeclaredAsObjectIsRefused() throws IOException {
		MessageBufferPacker packer = MessagePack.newDefaultBufferPacker();
		packer.packArrayHeader(2).packString(Holder.class.getName()).packMapHeader(1).packString("value");
		packer.packArrayHeader(2).packString("java.io.File").packString("/etc/passwd");
		assertUntrusted(MessagePackCodecEnvelopeTests.withPayload(packer.toByteArray()), "java.io.File");
	}

	@ParameterizedTest
	@ValueSource(strings = { "java.util.ArrayList<java.net.URL>", "java.util.EnumSet<java.lang.ProcessBuilder>",
			"[Ljava.net.URL;", "[[Ljava.lang.ProcessBuilder;", "[Lio.cachekit.codec.untrusted.TripwireTwo;",
			"java.lang.String ", " java.lang.String", "java/lang/String", "" })
	void craftedTypeIdThatIsNotAnAllowedClassNameIsRefused(String typeId) throws IOException {
		MessageBufferPacker packer = MessagePack.newDefaultBufferPacker();
		packer.packArrayHeader(2).packString(typeId).packArrayHeader(0);
		assertThatExceptionOfType(CodecException.class)
			.isThrownBy(() -> this.codec.decode(MessagePackCodecEnvelopeTests.withPayload(packer.toByteArray()), KEY))
			.satisfies((ex) -> assertThat(ex.getKind()).isEqualTo(CodecException.Kind.UNTRUSTED_TYPE));
		assertThat(Tripwires.TWO_INITIALIZED).hasValue(0);
	}

	@Test
	void enumClassInsideAnEnumSetTypeIdIsCheckedBeforeItIsLoaded() throws IOException {
		MessageBufferPacker packer = MessagePack.newDefaultBufferPacker();
		packer.packArrayHeader(2).packString("java.util.EnumSet<io.cachekit.codec.untrusted.TripwireEnum>");
		packer.packArrayHeader(1).packString("ARMED");
		assertUntrusted(MessagePackCodecEnvelopeTests.withPayload(packer.toByteArray()),
				"io.cachekit.codec.untrusted.TripwireEnum");
		assertThat(Tripwires.THREE_INITIALIZED).hasValue(0);
	}

	@Test
	void classValueOffTheAllowlistIsNeverLoaded() throws IOException {
		MessageBufferPacker packer = MessagePack.newDefaultBufferPacker();
		packer.packArrayHeader(2).packString(TypeRef.class.getName()).packMapHeader(1);
		packer.packString("type").packString(TRIPWIRE_TWO);
		assertUntrusted(MessagePackCodecEnvelopeTests.withPayload(packer.toByteArray()), TRIPWIRE_TWO);
		assertThat(Tripwires.TWO_INITIALIZED).hasValue(0);
	}

	@Test
	void classValueOnTheAllowlistRoundTrips() {
		for (Class<?> type : List.of(String.class, int.class, Point.class, long[].class)) {
			assertThat(this.codec.decode(this.codec.encode(new TypeRef(type), null, KEY), KEY).value())
				.isEqualTo(new TypeRef(type));
		}
	}

	@Test
	void classValueOffTheAllowlistIsUnserializable() {
		assertThatExceptionOfType(CodecException.class)
			.isThrownBy(() -> this.codec.encode(new TypeRef(java.io.File.class), null, KEY))
			.satisfies((ex) -> assertThat(ex.getKind()).isEqualTo(CodecException.Kind.UNSERIALIZABLE))
			.withMessageContaining("java.io.File");
	}

	@Test
	void allowedClassThatDoesNotExistIsIncompatible() {
		byte[] bytes = replace(this.codec.encode(new Point(1, 2), null, KEY), "fixture.Point", "fixture.Pount");
		assertThatExceptionOfType(CodecException.class).isThrownBy(() -> this.codec.decode(bytes, KEY))
			.satisfies((ex) -> assertThat(ex.getKind()).isEqualTo(CodecException.Kind.INCOMPATIBLE))
			.withMessageContaining("io.cachekit.codec.fixture.Pount");
	}

	@Test
	void allowedClassThatIsNotASubtypeOfTheDeclaredTypeIsIncompatible() throws IOException {
		MessageBufferPacker packer = MessagePack.newDefaultBufferPacker();
		packer.packArrayHeader(2).packString(Point.class.getName()).packMapHeader(2);
		packer.packString("x").packArrayHeader(2).packString("java.util.UUID").packString("x");
		packer.packString("y").packInt(1);
		assertThatExceptionOfType(CodecException.class)
			.isThrownBy(() -> this.codec.decode(MessagePackCodecEnvelopeTests.withPayload(packer.toByteArray()), KEY))
			.satisfies((ex) -> assertThat(ex.getKind()).isEqualTo(CodecException.Kind.INCOMPATIBLE));
	}

	@Test
	void incompatiblePayloadIsDescribedByPathWithoutTheValuesItHolds() throws IOException {
		MessageBufferPacker packer = MessagePack.newDefaultBufferPacker();
		packer.packArrayHeader(2).packString(Point.class.getName()).packMapHeader(2);
		packer.packString("x").packString("123-45-6789");
		packer.packString("y").packInt(1);
		assertThatExceptionOfType(CodecException.class)
			.isThrownBy(() -> this.codec.decode(MessagePackCodecEnvelopeTests.withPayload(packer.toByteArray()), KEY))
			.satisfies((ex) -> {
				assertThat(ex.getKind()).isEqualTo(CodecException.Kind.INCOMPATIBLE);
				assertThat(ex.getMessage()).contains(Point.class.getName() + ".x").doesNotContain("123-45-6789");
				for (Throwable cause = ex.getCause(); cause != null; cause = cause.getCause()) {
					assertThat(cause.getMessage()).doesNotContain("123-45-6789");
				}
			});
	}

	private void assertUntrusted(byte[] bytes, String className) {
		assertUntrusted(this.codec, bytes, className);
	}

	private static void assertUntrusted(MessagePackCodec codec, byte[] bytes, String className) {
		assertThatExceptionOfType(CodecException.class).isThrownBy(() -> codec.decode(bytes, KEY))
			.satisfies((ex) -> assertThat(ex.getKind()).isEqualTo(CodecException.Kind.UNTRUSTED_TYPE))
			.withMessageContaining(className);
	}

	private static byte[] replace(byte[] bytes, String from, String to) {
		byte[] source = from.getBytes(StandardCharsets.UTF_8);
		byte[] target = to.getBytes(StandardCharsets.UTF_8);
		assertThat(target).hasSameSizeAs(source);
		byte[] result = bytes.clone();
		int found = 0;
		for (int i = 0; i + source.length <= result.length; i++) {
			boolean match = true;
			for (int j = 0; j < source.length && match; j++) {
				match = result[i + j] == source[j];
			}
			if (match) {
				System.arraycopy(target, 0, result, i, target.length);
				found++;
			}
		}
		assertThat(found).as("occurrences of %s", from).isPositive();
		// As someone who writes L2 would, the checks are computed anew.
		EnvelopeChecks.seal(result, KEY);
		return result;
	}

}
