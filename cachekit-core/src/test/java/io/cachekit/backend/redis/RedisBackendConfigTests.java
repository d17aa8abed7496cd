package io.cachekit.backend.redis;

import java.security.KeyStore;
import java.time.Duration;
import java.util.List;

import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

class RedisBackendConfigTests {

	@Test
	void defaultsMatchTheDocumentedValues() {
		RedisBackendConfig config = RedisBackendConfig.builder().build();
		assertThat(config.url()).isEmpty();
		assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
		assertThat(config.commandTimeout()).isEqualTo(Duration.ofSeconds(1));
		assertThat(config.retryAttempts()).isEqualTo(2);
		assertThat(config.keyPrefix()).isEmpty();
		assertThat(config.maxValueSize()).isEqualTo(16 * 1024 * 1024);
	}

	@Test
	void plainUrlGetsTheDefaultPortAndDatabase() {
		RedisUrl url = parse("redis://cache.example.com");
		assertThat(url.ssl()).isFalse();
		assertThat(url.host()).isEqualTo("cache.example.com");
		assertThat(url.port()).isEqualTo(6379);
		assertThat(url.database()).isZero();
		assertThat(url.username()).isNull();
		assertThat(url.password()).isNull();
	}

	@Test
	void urlWithPasswordPortAndDatabaseIsRead() {
		RedisUrl url = parse("redis://:s3cret@10.0.0.5:6380/4");
		assertThat(url.host()).isEqualTo("10.0.0.5");
		assertThat(url.port()).isEqualTo(6380);
		assertThat(url.database()).isEqualTo(4);
		assertThat(url.username()).isNull();
		assertThat(url.password()).isEqualTo("s3cret");
	}

	@Test
	void urlWithUserAndPercentEncodedPasswordIsDecoded() {
		RedisUrl url = parse("redis://app:p%40ss%3Aw+rd%2F@redis:6379/");
		assertThat(url.username()).isEqualTo("app");
		assertThat(url.password()).isEqualTo("p@ss:w+rd/");
		assertThat(url.database()).isZero();
	}

	@Test
	void passwordWithoutColonIsThePassword() {
		RedisUrl url = parse("redis://s3cret@redis");
		assertThat(url.username()).isNull();
		assertThat(url.password()).isEqualTo("s3cret");
	}

	@Test
	void redissMeansTls() {
		RedisUrl url = parse("rediss://:pw@secure.example.com:6380");
		assertThat(url.ssl()).isTrue();
		assertThat(url.port()).isEqualTo(6380);
	}

	@Test
	void schemeIsCaseInsensitiveAndHostsMayHoldUnderscores() {
		RedisUrl url = parse(" REDIS://redis_cache:1/2 ");
		assertThat(url.host()).isEqualTo("redis_cache");
		assertThat(url.port()).isEqualTo(1);
		assertThat(url.database()).isEqualTo(2);
	}

	@Test
	void ipv6HostGoesInBrackets() {
		RedisUrl url = parse("redis://[::1]:6390");
		assertThat(url.host()).isEqualTo("::1");
		assertThat(url.port()).isEqualTo(6390);
		assertThat(url.server()).isEqualTo("[::1]:6390");
		assertThat(parse("redis://[::1]").port()).isEqualTo(6379);
	}

	@ParameterizedTest
	@ValueSource(
			strings = { "http://localhost:6379", "redis-sentinel://localhost", "unix:///tmp/redis.sock", "tcp://h:1" })
	void urlWithAnotherSchemeIsRefused(String url) {
		assertThatIllegalArgumentException().isThrownBy(() -> RedisBackendConfig.builder().url(url))
			.withMessageContaining("url '")
			.withMessageContaining("the scheme must be redis or rediss");
	}

	@ParameterizedTest
	@ValueSource(strings = { "localhost:6379", "redis:localhost", "" })
	void urlWithoutSchemeIsRefused(String url) {
		assertThatIllegalArgumentException().isThrownBy(() -> RedisBackendConfig.builder().url(url))
			.withMessageContaining("url '")
			.withMessageContaining("must start with redis:// or rediss://");
	}

	@ParameterizedTest
	@ValueSource(strings = { "redis://localhost:0", "redis://localhost:65536", "redis://localhost:abc",
			"redis://localhost:", "redis://localhost:-1", "redis://[::1]:99999" })
	void urlWithABadPortIsRefused(String url) {
		assertThatIllegalArgumentException().isThrownBy(() -> RedisBackendConfig.builder().url(url))
			.withMessageContaining("url '")
			.withMessageContaining("the port must be a number from 1 to 65535");
	}

	@ParameterizedTest
	@ValueSource(strings = { "redis://", "redis://:6379", "redis://:pw@:6379/0", "redis:///0", "redis:// :1" })
	void urlWithoutAHostIsRefused(String url) {
		assertThatIllegalArgumentException().isThrownBy(() -> RedisBackendConfig.builder().url(url))
			.withMessageContaining("url '")
			.withMessageContaining("the host is missing");
	}

	@ParameterizedTest
	@ValueSource(strings = { "redis://localhost/abc", "redis://localhost/1/2", "redis://localhost/-1" })
	void urlWithAPathThatIsNoDatabaseNumberIsRefused(String url) {
		assertThatIllegalArgumentException().isThrownBy(() -> RedisBackendConfig.builder().url(url))
			.withMessageContaining("the path must be a database number");
	}

	@Test
	void urlWithQueryParametersIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RedisBackendConfig.builder().url("redis://localhost?timeout=5s"))
			.withMessageContaining("query parameters");
	}

	@Test
	void unbracketedIpv6HostIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> RedisBackendConfig.builder().url("redis://::1:6379"))
			.withMessageContaining("brackets");
	}

	@Test
	void refusedUrlMessageNeverHoldsThePassword() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RedisBackendConfig.builder().url("redis://user:hunter2@host:99999"))
			.withMessageNotContaining("hunter2")
			.withMessageContaining("redis://****@host:99999");
		assertThatIllegalArgumentException().isThrownBy(() -> RedisBackendConfig.builder().url("http://:hunter2@host"))
			.withMessageNotContaining("hunter2");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RedisBackendConfig.builder().url("redis://:hun/ter2@host:0"))
			.withMessageNotContaining("ter2");
	}

	@Test
	void urlAndToStringMaskThePassword() {
		RedisBackendConfig config = RedisBackendConfig.builder().url("redis://app:hunter2@redis:6380/1").build();
		assertThat(config.url()).hasValue("redis://app:****@redis:6380/1");
		assertThat(config.toString()).doesNotContain("hunter2").contains("redis://app:****@redis:6380/1");
		assertThat(config.toBuilder().build().parsedUrl()).isEqualTo(config.parsedUrl());
	}

	@Test
	void nullUrlIsRefused() {
		assertThatNullPointerException().isThrownBy(() -> RedisBackendConfig.builder().url(null))
			.withMessageContaining("url");
	}

	@Test
	void keyPrefixMayHoldAnyCharacterUpToTheLimit() {
		String prefix = "a b\n#é" + "x".repeat(120);
		assertThat(RedisBackendConfig.builder().keyPrefix(prefix).build().keyPrefix()).isEqualTo(prefix);
		assertThat(RedisBackendConfig.builder().keyPrefix("x".repeat(128)).build().keyPrefix()).hasSize(128);
	}

	@Test
	void keyPrefixOverTheLimitIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> RedisBackendConfig.builder().keyPrefix("é".repeat(65)))
			.withMessageContaining("key prefix must be at most 128 UTF-8 bytes, was 130 bytes");
	}

	@Test
	void nullKeyPrefixIsRefused() {
		assertThatNullPointerException().isThrownBy(() -> RedisBackendConfig.builder().keyPrefix(null))
			.withMessageContaining("key prefix");
	}

	@ParameterizedTest
	@ValueSource(ints = { -1, 11 })
	void retryAttemptsOutOfRangeAreRefused(int attempts) {
		assertThatIllegalArgumentException().isThrownBy(() -> RedisBackendConfig.builder().retryAttempts(attempts))
			.withMessageContaining("retry attempts must be between 0 and 10");
	}

	@ParameterizedTest
	@ValueSource(ints = { 0, -5, 512 * 1024 * 1024 + 1 })
	void maxValueSizeOutOfRangeIsRefused(int size) {
		assertThatIllegalArgumentException().isThrownBy(() -> RedisBackendConfig.builder().maxValueSize(size))
			.withMessageContaining("max value size must be between 1 and 536870912 bytes");
	}

	@Test
	void timeoutsMustBePositiveAndAtLeastOneMillisecond() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RedisBackendConfig.builder().connectTimeout(Duration.ZERO))
			.withMessage("connect timeout must be positive, was 0s");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RedisBackendConfig.builder().commandTimeout(Duration.ofMillis(-1)))
			.withMessageContaining("command timeout must be positive");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RedisBackendConfig.builder().commandTimeout(Duration.ofNanos(10)))
			.withMessageContaining("command timeout must be at least 1ms, was 10ns");
		assertThatNullPointerException().isThrownBy(() -> RedisBackendConfig.builder().connectTimeout(null))
			.withMessageContaining("connect timeout");
	}

	@Test
	void toBuilderKeepsEveryValue() {
		RedisBackendConfig config = RedisBackendConfig.builder()
			.url("rediss://:pw@h:2/3")
			.connectTimeout(Duration.ofMillis(300))
			.commandTimeout(Duration.ofMillis(400))
			.retryAttempts(0)
			.keyPrefix("p:")
			.maxValueSize(1000)
			.build();
		assertThat(config.toBuilder().build()).hasToString(config.toString());
	}

	@Test
	void createWithoutUrlIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> RedisBackend.create(RedisBackendConfig.builder().build()))
			.withMessageContaining("the Redis URL, cluster nodes or sentinel must be set");
	}

	@Test
	void tlsSettingsNeedARedissUrl() throws Exception {
		TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		trust.init((KeyStore) null);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RedisBackendConfig.builder()
				.url("redis://:s3cret@cache.example.com")
				.trustManagerFactory(trust)
				.build())
			.withMessageContaining("the url must start with rediss://")
			.withMessageNotContaining("s3cret");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RedisBackendConfig.builder().tlsProtocols(List.of("TLSv1.3")).build())
			.withMessageContaining("was not set");
		RedisBackendConfig config = RedisBackendConfig.builder()
			.url("rediss://:s3cret@cache.example.com")
			.trustManagerFactory(trust)
			.tlsProtocols(List.of("TLSv1.3"))
			.build();
		assertThat(config.hasTlsSettings()).isTrue();
		assertThat(config.toString()).contains("tls=[trust given, protocols [TLSv1.3]]").doesNotContain("s3cret");
		assertThat(config.toBuilder().build()).hasToString(config.toString());
	}

	@Test
	void blankTlsNamesAreRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RedisBackendConfig.builder().tlsCipherSuites(List.of(" ")))
			.withMessageContaining("tls cipher suites");
	}

	@Test
	void aGivenConnectionFactoryRefusesTlsSettings() {
		RedisBackendConfig config = RedisBackendConfig.builder()
			.url("rediss://cache.example.com")
			.tlsProtocols(List.of("TLSv1.3"))
			.build();
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RedisBackend.create(new LettuceConnectionFactory(), config))
			.withMessageContaining("remove the url");
	}

	private static RedisUrl parse(String url) {
		return RedisUrl.parse(url);
	}

}
