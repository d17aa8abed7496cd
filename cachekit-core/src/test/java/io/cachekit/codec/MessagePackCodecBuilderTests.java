package io.cachekit.codec;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

class MessagePackCodecBuilderTests {

	@Test
	void defaultsTrustNoPackage() {
		assertThat(MessagePackCodec.withDefaults().trustedPackages()).isEmpty();
	}

	@Test
	void trustedPackagesAreKeptInOrder() {
		MessagePackCodec codec = MessagePackCodec.builder().trustedPackages("com.example.b", "com.example.a").build();
		assertThat(codec.trustedPackages()).containsExactly("com.example.b", "com.example.a");
		assertThat(codec).hasToString("MessagePackCodec[trustedPackages=[com.example.b, com.example.a]]");
	}

	@Test
	void settingTrustedPackagesAgainReplacesThem() {
		MessagePackCodec codec = MessagePackCodec.builder()
			.trustedPackages("com.example.a")
			.trustedPackages(List.of("com.example.b"))
			.build();
		assertThat(codec.trustedPackages()).containsExactly("com.example.b");
	}

	@Test
	void wildcardIsRefusedWithAMessageThatSaysHowToFixIt() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> MessagePackCodec.builder().trustedPackages("com.example.app", "*"))
			.withMessageStartingWith("trustedPackages[1]: '*' must be a package name, not a pattern")
			.withMessageContaining("write 'com.example.app'");
	}

	@Test
	void packageWildcardIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> MessagePackCodec.builder().trustedPackages("com.example.*"))
			.withMessageStartingWith("trustedPackages[0]: 'com.example.*' must be a package name");
	}

	@Test
	void blankPackageIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> MessagePackCodec.builder().trustedPackages(""))
			.withMessageStartingWith("trustedPackages[0]: must not be blank");
	}

	@Test
	void invalidPackageNameIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> MessagePackCodec.builder().trustedPackages("com.example.app."))
			.withMessageStartingWith("trustedPackages[0]: 'com.example.app.' is not a Java package name");
	}

	@Test
	void jdkPackageIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> MessagePackCodec.builder().trustedPackages("java.net"))
			.withMessageStartingWith("trustedPackages[0]: 'java.net' is a JDK package");
	}

	@Test
	void packageListedTwiceIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> MessagePackCodec.builder().trustedPackages("com.example", "com.example"))
			.withMessage("trustedPackages[1]: 'com.example' is listed twice");
	}

	@Test
	void nullPackageIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> MessagePackCodec.builder().trustedPackages(Arrays.asList("com.example", null)))
			.withMessage("trustedPackages[1] must not be null");
		assertThatNullPointerException()
			.isThrownBy(() -> MessagePackCodec.builder().trustedPackages((List<String>) null))
			.withMessage("trustedPackages must not be null");
	}

	@Test
	void refusedSettingLeavesTheBuilderAsItWas() {
		MessagePackCodec.Builder builder = MessagePackCodec.builder().trustedPackages("com.example.a");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.trustedPackages("com.example.b", "*"));
		assertThat(builder.build().trustedPackages()).containsExactly("com.example.a");
	}

}
