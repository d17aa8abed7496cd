package io.cachekit.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.cachekit.backend.memcached.MemcachedBackend;
import io.cachekit.test.Await;
import io.cachekit.test.TestServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code cachekit.memcached.ssl.enabled} and {@code bundle} against a real
 * {@code memcached -Z}: a bundle trusting the server's authority caches over TLS; one
 * trusting an unrelated authority, or the JDK's trust store, is {@code AUTHENTICATION} in
 * health and metrics while every {@code @Cacheable} call still answers from its method; a
 * bundle name that does not exist stops startup naming the property.
 */
class MemcachedTlsAutoConfigurationIntegrationTests {

	private static final int CALLS = 20;

	@RegisterExtension
	static final TestServer memcached = TestServer.memcachedWithTls();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CachekitAutoConfiguration.class, CacheAutoConfiguration.class,
				SslAutoConfiguration.class))
		.withUserConfiguration(CountingBooks.class)
		.withPropertyValues("cachekit.memcached.servers=" + memcached.address(),
				"cachekit.memcached.connect-timeout=5s");

	private static String trusting(Path certificate) {
		return "spring.ssl.bundle.pem.memcached.truststore.certificate=file:" + certificate;
	}

	@Test
	void bundleTrustingTheServersAuthorityCachesOverTlsAndHealthIsUp() {
		this.contextRunner
			.withPropertyValues(trusting(memcached.certificates().caCertificate()),
					"cachekit.memcached.ssl.bundle=memcached")
			.run((context) -> {
				assertThat(context.getBean(MemcachedBackend.class).config().isTls()).isTrue();
				CountingBooks.BookService service = context.getBean(CountingBooks.BookService.class);
				assertThat(service.find("a")).isEqualTo("book-a-1");
				assertThat(service.find("a")).isEqualTo("book-a-1");
				assertThat(CountingBooks.health(context).getStatus()).isEqualTo(Status.UP);
				assertThat(CountingBooks.errors(context, "memcached", null)).isZero();
			});
	}

	@Test
	void bundleTrustingAnUnrelatedAuthorityIsAuthenticationInHealthAndEveryCallRunsTheMethod() {
		this.contextRunner
			.withPropertyValues(trusting(memcached.certificates().otherCaCertificate()),
					"cachekit.memcached.ssl.bundle=memcached")
			.run((context) -> assertRefusedButServed(context, "unable to find valid certification path"));
	}

	@Test
	void enabledWithoutBundleTrustsOnlyTheJdkTrustStore() {
		this.contextRunner.withPropertyValues("cachekit.memcached.ssl.enabled=true")
			.run((context) -> assertRefusedButServed(context, "unable to find valid certification path"));
	}

	@Test
	void unknownBundleNameStopsStartupNamingTheProperty() {
		this.contextRunner.withPropertyValues("cachekit.memcached.ssl.bundle=missing").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("cachekit.memcached.ssl.bundle")
				.hasMessageContaining("spring.ssl.bundle.pem.missing.truststore.certificate");
		});
	}

	private static void assertRefusedButServed(AssertableApplicationContext context, String cause) {
		assertThat(context).hasNotFailed();
		CountingBooks.BookService service = context.getBean(CountingBooks.BookService.class);
		assertThat(Await.until(Duration.ofSeconds(3),
				() -> String.valueOf(CountingBooks.health(context).getDetails().get("error"))
					.contains("TLS handshake")))
			.isTrue();
		long start = System.nanoTime();
		for (int i = 0; i < CALLS; i++) {
			assertThat(service.find("k" + i)).isEqualTo("book-k" + i + "-" + (i + 1));
		}
		long millis = (System.nanoTime() - start) / 1_000_000;
		System.out.println("[figure] " + CALLS
				+ " @Cacheable calls while memcached's TLS certificate is not trusted, total ms: " + millis);
		assertThat(service.calls()).isEqualTo(CALLS);
		Health health = CountingBooks.health(context);
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(String.valueOf(health.getDetails().get("error"))).contains("AUTHENTICATION").contains(cause);
		assertThat(CountingBooks.errors(context, "memcached", "AUTHENTICATION")).isPositive();
		assertThat(CountingBooks.errors(context, "memcached", "TIMEOUT")).as("no call waited for a timeout").isZero();
	}

}
