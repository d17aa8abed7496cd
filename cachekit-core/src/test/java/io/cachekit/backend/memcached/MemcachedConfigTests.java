package io.cachekit.backend.memcached;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class MemcachedConfigTests {

	@Test
	void defaultsMatchTheDocumentedValues() {
		MemcachedConfig config = MemcachedConfig.builder().servers("localhost:11211").build();
		assertThat(config.servers()).containsExactly(new ServerAddress("localhost", 11211));
		assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
		assertThat(config.operationTimeout()).isEqualTo(Duration.ofSeconds(1));
		assertThat(config.retryAttempts()).isEqualTo(2);
		assertThat(config.keyPrefix()).isEmpty();
		assertThat(config.maxItemSize()).isEqualTo(1024 * 1024 - 59 - 250);
		assertThat(config.maxPoolSize()).isEqualTo(MemcachedConfig.DEFAULT_MAX_POOL_SIZE);
		assertThat(config.failureMode()).isEqualTo(MemcachedConfig.FailureMode.REDISTRIBUTE);
	}

	@Test
	void serversKeepTheirOrderAndAcceptIpv6InBrackets() {
		MemcachedConfig config = MemcachedConfig.builder().servers("mc1:11211", "[::1]:11212", " mc3:1 ").build();
		assertThat(config.servers()).containsExactly(new ServerAddress("mc1", 11211), new ServerAddress("::1", 11212),
				new ServerAddress("mc3", 1));
		assertThat(config.servers().get(1)).hasToString("[::1]:11212");
	}

	@Test
	void emptyServerListIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> MemcachedConfig.builder().servers(List.of()))
			.withMessageContaining("servers must not be empty");
	}

	@Test
	void buildWithoutServersIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> MemcachedConfig.builder().build())
			.withMessageContaining("servers must not be empty");
	}

	@Test
	void serverWithoutPortIsRefusedNamingItsIndex() {
		assertThatIllegalArgumentException().isThrownBy(() -> MemcachedConfig.builder().servers("mc0:1", "localhost"))
			.withMessageContaining("servers[1]")
			.withMessageContaining("'localhost'")
			.withMessageContaining("port is missing");
	}

	@ParameterizedTest
	@ValueSource(strings = { "mc1:abc", "mc1:0", "mc1:70000", "mc1:-1", "mc1:", "mc1:65536", "mc1:1e3" })
	void serverWithABadPortIsRefused(String server) {
		assertThatIllegalArgumentException().isThrownBy(() -> MemcachedConfig.builder().servers(server))
			.withMessageContaining("servers[0]")
			.withMessageContaining("'" + server + "'")
			.withMessageContaining("port must be a number from 1 to 65535");
	}

	@ParameterizedTest
	@ValueSource(strings = { ":11211", "::1:11211", "[::1]11211", "[::1", " " })
	void malformedServerIsRefused(String server) {
		assertThatIllegalArgumentException().isThrownBy(() -> MemcachedConfig.builder().servers(server))
			.withMessageContaining("servers[0]")
			.withMessageContaining("host:port");
	}

	@Test
	void duplicateServerIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> MemcachedConfig.builder().servers("mc1:1", "mc1:1"))
			.withMessageContaining("servers[1]")
			.withMessageContaining("listed twice");
	}

	@Test
	void highestPortIsAccepted() {
		assertThat(MemcachedConfig.builder().servers("mc1:65535").build().servers().get(0).port()).isEqualTo(65535);
	}

	@Test
	void negativeAndZeroTimeoutsAreRefusedNamingTheSetting() {
		MemcachedConfig.Builder builder = MemcachedConfig.builder();
		assertThatIllegalArgumentException().isThrownBy(() -> builder.operationTimeout(Duration.ofSeconds(-1)))
			.withMessage("operation timeout must be positive, was -1s");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.operationTimeout(Duration.ZERO))
			.withMessageContaining("operation timeout must be positive");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.connectTimeout(Duration.ofMillis(-5)))
			.withMessage("connect timeout must be positive, was -5ms");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.connectTimeout(Duration.ZERO))
			.withMessageContaining("connect timeout must be positive");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.maxReconnectDelay(Duration.ZERO))
			.withMessageContaining("max reconnect delay must be positive");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.operationTimeout(Duration.ofNanos(10)))
			.withMessageContaining("at least 1ms");
	}

	@Test
	void outOfRangeNumbersAreRefusedNamingTheSetting() {
		MemcachedConfig.Builder builder = MemcachedConfig.builder();
		assertThatIllegalArgumentException().isThrownBy(() -> builder.maxPoolSize(0))
			.withMessage("pool size must be between 1 and 64, was 0");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.retryAttempts(-1))
			.withMessage("retry attempts must be between 0 and 10, was -1");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.maxItemSize(0))
			.withMessage("max item size must be between 1 and 1073741824 bytes, was 0 bytes");
	}

	@ParameterizedTest
	@ValueSource(strings = { "a b:", "tab\t", "new\n", "hash#" })
	void keyPrefixWithAForbiddenCharacterIsRefused(String prefix) {
		assertThatIllegalArgumentException().isThrownBy(() -> MemcachedConfig.builder().keyPrefix(prefix))
			.withMessageContaining("key prefix must not contain");
	}

	@Test
	void overlongKeyPrefixIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> MemcachedConfig.builder().keyPrefix("p".repeat(129)))
			.withMessageContaining("key prefix must be at most 128");
	}

	@Test
	void reconnectDelayIsRoundedUpToWholeSeconds() {
		MemcachedConfig config = MemcachedConfig.builder()
			.servers("h:1")
			.maxReconnectDelay(Duration.ofMillis(1500))
			.build();
		assertThat(config.maxReconnectDelay()).isEqualTo(Duration.ofSeconds(2));
	}

	@Test
	void toBuilderCopiesEverySetting() {
		MemcachedConfig config = MemcachedConfig.builder()
			.servers("h:1", "h:2")
			.connectTimeout(Duration.ofSeconds(3))
			.operationTimeout(Duration.ofMillis(250))
			.maxPoolSize(3)
			.retryAttempts(0)
			.keyPrefix("p:")
			.maxItemSize(2048)
			.maxReconnectDelay(Duration.ofSeconds(7))
			.failureMode(MemcachedConfig.FailureMode.CANCEL)
			.build();
		assertThat(config.toBuilder().build()).usingRecursiveComparison().isEqualTo(config);
	}

	@Test
	void noCredentialsByDefault() {
		MemcachedConfig config = MemcachedConfig.builder().servers("localhost:11211").build();
		assertThat(config.hasCredentials()).isFalse();
		assertThat(config.username()).isNull();
		assertThat(config.password()).isNull();
		assertThat(config.toString()).contains("username=none");
	}

	@Test
	void credentialsAreKeptAndThePasswordIsMaskedInToString() {
		MemcachedConfig config = MemcachedConfig.builder()
			.servers("localhost:11211")
			.credentials("app", "pa55-word")
			.build();
		assertThat(config.hasCredentials()).isTrue();
		assertThat(config.username()).isEqualTo("app");
		assertThat(config.password()).isEqualTo("pa55-word");
		assertThat(config.toString()).contains("username='app', password=******").doesNotContain("pa55-word");
		assertThat(config.toBuilder().build().password()).isEqualTo("pa55-word");
		assertThat(config.toBuilder().noCredentials().build().hasCredentials()).isFalse();
	}

	@Test
	void blankUsernameIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> MemcachedConfig.builder().credentials(" ", "secret"))
			.withMessageContaining("username must not be blank")
			.withMessageNotContaining("secret");
	}

	@Test
	void emptyPasswordIsRefusedNamingTheUser() {
		assertThatIllegalArgumentException().isThrownBy(() -> MemcachedConfig.builder().credentials("app", ""))
			.withMessageContaining("password must not be empty")
			.withMessageContaining("'app'");
	}

	@Test
	void tlsIsOffByDefault() {
		MemcachedConfig config = MemcachedConfig.builder().servers("localhost:11211").build();
		assertThat(config.isTls()).isFalse();
		assertThat(config.sslContext()).isNull();
		assertThat(config.toString()).contains("tls=off");
	}

	@Test
	void tlsKeepsTheContextAndChecksEachServersOwnHostUnlessOneNameIsGiven() throws Exception {
		SSLContext context = SSLContext.getDefault();
		MemcachedConfig own = MemcachedConfig.builder().servers("localhost:11211").tls(context).build();
		assertThat(own.sslContext()).isSameAs(context);
		assertThat(own.tlsHostName()).isNull();
		assertThat(own.toString()).contains("tls=on");
		MemcachedConfig named = own.toBuilder().tls(context, " cache.example.com ").build();
		assertThat(named.tlsHostName()).isEqualTo("cache.example.com");
		assertThat(named.toString()).contains("tls=on (host name 'cache.example.com')");
		assertThat(named.toBuilder().noTls().build().isTls()).isFalse();
	}

	@Test
	void blankTlsHostNameIsRefused() throws Exception {
		SSLContext context = SSLContext.getDefault();
		assertThatIllegalArgumentException().isThrownBy(() -> MemcachedConfig.builder().tls(context, " "))
			.withMessageContaining("TLS host name must not be blank");
	}

	@Test
	void serversTakeAWeightAfterThePort() {
		MemcachedConfig config = MemcachedConfig.builder().servers("mc1:11211:3", "[::1]:11212:2", "mc3:1").build();
		assertThat(config.servers()).containsExactly(new ServerAddress("mc1", 11211, 3),
				new ServerAddress("::1", 11212, 2), new ServerAddress("mc3", 1, 1));
		assertThat(config.servers().get(0)).hasToString("mc1:11211");
		assertThat(config).asString().contains("servers=[mc1:11211:3, [::1]:11212:2, mc3:1]");
	}

	@ParameterizedTest
	@ValueSource(strings = { "mc1:1:0", "mc1:1:1001", "mc1:1:x", "mc1:1:", "[::1]:1:-2" })
	void serverWithABadWeightIsRefused(String server) {
		assertThatIllegalArgumentException().isThrownBy(() -> MemcachedConfig.builder().servers(server))
			.withMessageContaining("servers[0]")
			.withMessageContaining("'" + server + "'");
	}

	@Test
	void weightsMapWeighsTheNamedServersAndOthersWeighOne() {
		MemcachedConfig config = MemcachedConfig.builder()
			.servers("mc1:1", "mc2:2")
			.weights(Map.of("mc2:2", 3))
			.build();
		assertThat(config.servers()).containsExactly(new ServerAddress("mc1", 1), new ServerAddress("mc2", 2, 3));
		assertThat(config.weightOf(new ServerAddress("MC2", 2))).isEqualTo(3);
		assertThat(config.toBuilder().build().servers()).isEqualTo(config.servers());
	}

	@Test
	void serverWeightedInItsAddressAndInTheMapIsRefusedNamingIt() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> MemcachedConfig.builder().servers("mc1:1:2", "mc2:2").weights(Map.of("mc1:1", 3)).build())
			.withMessageContaining("mc1:1")
			.withMessageContaining("weighted twice");
	}

	@Test
	void weightOfAServerThatIsNotConfiguredIsRefusedWithoutDiscovery() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> MemcachedConfig.builder().servers("mc1:1").weights(Map.of("mc9:1", 3)).build())
			.withMessageContaining("mc9:1")
			.withMessageContaining("not one of the servers");
	}

	@Test
	void weightOutOfRangeInTheMapIsRefusedNamingTheKey() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> MemcachedConfig.builder().servers("mc1:1").weights(Map.of("mc1:1", 0)))
			.withMessageContaining("weights['mc1:1']");
	}

	@Test
	void discoveryEndpointAloneIsEnoughAndWeighsServersItWillName() {
		MemcachedConfig config = MemcachedConfig.builder()
			.discoveryEndpoint("cfg.example:11211")
			.weights(Map.of("node1.example:11211", 4))
			.build();
		assertThat(config.servers()).isEmpty();
		assertThat(config.discoveryEndpoint()).isEqualTo(new ServerAddress("cfg.example", 11211));
		assertThat(config.discoveryInterval()).isEqualTo(Duration.ofSeconds(60));
		assertThat(config.weightOf(new ServerAddress("node1.example", 11211))).isEqualTo(4);
		assertThat(config.weightOf(new ServerAddress("node2.example", 11211))).isEqualTo(1);
		assertThat(config.toBuilder().build().weightOf(new ServerAddress("node1.example", 11211))).isEqualTo(4);
		assertThat(config.toBuilder().noDiscovery().servers("a:1")).isNotNull();
	}

	@Test
	void discoveryIntervalBelowOneHundredMillisecondsIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> MemcachedConfig.builder().discoveryInterval(Duration.ofMillis(99)))
			.withMessageContaining("discovery interval must be at least 100ms");
		assertThat(MemcachedConfig.builder()
			.discoveryEndpoint("cfg:1")
			.discoveryInterval(Duration.ofMillis(100))
			.build()
			.discoveryInterval()).isEqualTo(Duration.ofMillis(100));
	}

	@ParameterizedTest
	@ValueSource(strings = { "cfg", "cfg:1:2", "cfg:0" })
	void discoveryEndpointMustBeHostAndPort(String endpoint) {
		assertThatIllegalArgumentException().isThrownBy(() -> MemcachedConfig.builder().discoveryEndpoint(endpoint))
			.withMessageContaining("discovery endpoint");
	}

}
