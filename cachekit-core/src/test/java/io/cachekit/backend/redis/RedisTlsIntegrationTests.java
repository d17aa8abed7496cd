package io.cachekit.backend.redis;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import io.cachekit.backend.AddIfAbsent;
import io.cachekit.backend.Backend;
import io.cachekit.backend.BackendContract;
import io.cachekit.backend.BackendErrorType;
import io.cachekit.backend.BackendException;
import io.cachekit.backend.BackendHealth;
import io.cachekit.backend.Broadcast;
import io.cachekit.backend.BulkGet;
import io.cachekit.backend.Increment;
import io.cachekit.backend.TtlInspection;
import io.cachekit.test.Await;
import io.cachekit.test.ServerKind;
import io.cachekit.test.ServerProcess;
import io.cachekit.test.TestCertificates;
import io.cachekit.test.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link RedisBackend} over TLS ({@code rediss://}) against a real redis-server that
 * accepts TLS connections only: the backend contract, the broadcast between two
 * instances, and certificate verification (on by default): a certificate of an unrelated
 * authority, and a certificate that does not name the address the server is reached at,
 * are refused.
 */
class RedisTlsIntegrationTests extends BackendContract {

	@RegisterExtension
	static final TestServer redis = TestServer.redisWithTls();

	@Override
	protected Backend createBackend() {
		return RedisBackend.create(trusted().build());
	}

	@Override
	protected String expectedBackendType() {
		return "redis";
	}

	@Override
	protected Set<Class<?>> expectedCapabilities() {
		return Set.of(AddIfAbsent.class, BulkGet.class, Broadcast.class, Increment.class, TtlInspection.class);
	}

	private static RedisBackendConfig.Builder trusted() {
		return url().trustManagerFactory(TestCertificates.trusting(redis.certificates().caCertificate()));
	}

	private static RedisBackendConfig.Builder trusted(ServerProcess server, String address) {
		return RedisBackendConfig.builder()
			.url("rediss://" + address + ":" + server.port())
			.connectTimeout(Duration.ofSeconds(1))
			.trustManagerFactory(TestCertificates.trusting(redis.certificates().caCertificate()));
	}

	private static RedisBackendConfig.Builder url() {
		return RedisBackendConfig.builder().url("rediss://" + redis.address()).connectTimeout(Duration.ofSeconds(1));
	}

	@Test
	void healthSaysTheConnectionIsTls() {
		assertThat(backend().health().details()).containsEntry("ssl", true);
	}

	@Test
	void twoInstancesHearEachOthersBroadcastsOverTls() {
		try (RedisBackend one = RedisBackend.create(trusted().keyPrefix("app:").build());
				RedisBackend two = RedisBackend.create(trusted().keyPrefix("app:").build())) {
			List<String> heardByOne = new CopyOnWriteArrayList<>();
			List<String> heardByTwo = new CopyOnWriteArrayList<>();
			try (Broadcast.Subscription first = one.subscribe("invalidations", (m) -> heardByOne.add(text(m)));
					Broadcast.Subscription second = two.subscribe("invalidations", (m) -> heardByTwo.add(text(m)))) {
				assertThat(Await.until(() -> {
					one.publish("invalidations", bytes("from one"));
					two.publish("invalidations", bytes("from two"));
					return heardByOne.contains("from two") && heardByTwo.contains("from one");
				})).isTrue();
			}
		}
	}

	@Test
	void serverSignedByAnUnrelatedAuthorityIsRefused() {
		RedisBackendConfig config = url()
			.trustManagerFactory(TestCertificates.trusting(redis.certificates().otherCaCertificate()))
			.build();
		try (RedisBackend backend = RedisBackend.create(config)) {
			assertRefusedByTls(backend);
		}
	}

	@Test
	void serverReachedAtAnAddressItsCertificateDoesNotNameIsRefused() {
		// The same certificate (127.0.0.1 and localhost) on a server that also listens on
		// 127.0.0.2, an address the certificate does not name: trusted, but not that
		// host.
		try (ServerProcess alsoOnSecondAddress = ServerProcess.startWithTls(ServerKind.REDIS, redis.certificates(),
				"--bind", "127.0.0.1", "127.0.0.2");
				RedisBackend named = RedisBackend.create(trusted(alsoOnSecondAddress, "127.0.0.1").build());
				RedisBackend unnamed = RedisBackend.create(trusted(alsoOnSecondAddress, "127.0.0.2").build())) {
			named.set(key("named"), bytes("v"), null);
			assertThat(named.get(key("named"))).isEqualTo(bytes("v"));
			assertRefusedByTls(unnamed);
			assertThat(String.valueOf(unnamed.health().detail("error")))
				.contains("No subject alternative names matching IP address 127.0.0.2");
		}
	}

	@Test
	void withoutTrustSettingsTheJdkAuthoritiesDecideAndRefuseTheTestAuthority() {
		try (RedisBackend backend = RedisBackend.create(url().build())) {
			assertRefusedByTls(backend);
		}
	}

	@Test
	void plainConnectionToTheTlsPortFails() {
		try (RedisBackend backend = RedisBackend
			.create(RedisBackendConfig.builder().url("redis://" + redis.address()).build())) {
			assertThatExceptionOfType(BackendException.class).isThrownBy(() -> backend.get(key("k")));
			assertThat(backend.health().healthy()).isFalse();
		}
	}

	private void assertRefusedByTls(RedisBackend backend) {
		BackendHealth health = backend.health();
		System.out.println("[figure] Redis TLS with a refused certificate, health error: " + health.detail("error"));
		assertThat(health.healthy()).isFalse();
		assertThat(String.valueOf(health.detail("error"))).contains("TLS handshake failed")
			.contains("trusts the authority");
		assertThatExceptionOfType(BackendException.class).isThrownBy(() -> backend.set(key("k"), bytes("v"), null))
			.satisfies((ex) -> assertThat(ex.getErrorType()).isEqualTo(BackendErrorType.TRANSIENT))
			.withMessageContaining("TLS handshake failed");
	}

	private static String text(byte[] message) {
		return new String(message, java.nio.charset.StandardCharsets.UTF_8);
	}

}
