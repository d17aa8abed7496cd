package io.cachekit.codec;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class TypeAllowlistTests {

	private final TypeAllowlist allowlist = TypeAllowlist.of(List.of("com.example.app"));

	@ParameterizedTest
	@ValueSource(strings = { "java.lang.String", "java.lang.Long", "java.math.BigDecimal", "java.util.UUID",
			"java.util.Optional", "java.util.ArrayList", "java.util.LinkedHashMap", "java.time.ZonedDateTime",
			"java.util.concurrent.ConcurrentHashMap", "[B", "[[I", "[Ljava.lang.String;", "[[Ljava.lang.Long;",
			"[Ljava.lang.Object;", "com.example.app.Order", "com.example.app.orders.Line", "com.example.app.Order$Line",
			"[Lcom.example.app.Order;" })
	void allows(String className) {
		assertThat(this.allowlist.allows(className)).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "java.lang.Object", "java.lang.Class", "java.lang.ProcessBuilder", "java.lang.Runtime",
			"java.lang.Thread", "java.lang.StringBuilder", "java.net.URL", "java.io.File", "java.util.Date",
			"java.util.logging.Logger", "java.util.ImmutableCollections$ListN",
			"java.util.Collections$UnmodifiableList", "javax.naming.InitialContext", "sun.misc.Unsafe",
			"com.sun.rowset.JdbcRowSetImpl", "com.example.appx.Order", "com.example.App", "com.example.app", "Order",
			"[Ljava.net.URL;", "[X", "[", "[L;", "[Ljava.lang.String", "[java.lang.String", "", " java.lang.String",
			"java.lang.String ", "java..lang.String", "java.util.ArrayList<java.net.URL>", "java/lang/String" })
	void refuses(String className) {
		assertThat(this.allowlist.allows(className)).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "com.example.app", "demo", "com.example.app_2", "org.acme.ÿmlaut" })
	void acceptsPackageNames(String name) {
		assertThat(TypeAllowlist.checkPackage(name)).isNull();
	}

	@Test
	void refusesBlankPackageName() {
		assertThat(TypeAllowlist.checkPackage(" ")).contains("blank");
	}

	@ParameterizedTest
	@ValueSource(strings = { "*", "com.example.*", "com.*.app" })
	void refusesPatternsAndSaysHowToTrustAPackageTree(String name) {
		assertThat(TypeAllowlist.checkPackage(name)).contains("not a pattern").contains("every package below it");
	}

	@ParameterizedTest
	@ValueSource(strings = { "com.example.", ".com.example", "com..example", "com example", "1com.example",
			"com.example.Order;", "com-example" })
	void refusesNamesThatAreNotPackageNames(String name) {
		assertThat(TypeAllowlist.checkPackage(name)).contains("is not a Java package name");
	}

	@ParameterizedTest
	@ValueSource(strings = { "java", "java.util", "java.net", "javax.naming", "jdk.internal", "sun.misc", "com.sun" })
	void refusesJdkPackages(String name) {
		assertThat(TypeAllowlist.checkPackage(name)).contains("JDK package");
	}

	@Test
	void packageThatOnlySharesAPrefixWithAJdkPackageIsAccepted() {
		assertThat(TypeAllowlist.checkPackage("javafx.app")).isNull();
		assertThat(TypeAllowlist.checkPackage("com.sunrise")).isNull();
	}

}
