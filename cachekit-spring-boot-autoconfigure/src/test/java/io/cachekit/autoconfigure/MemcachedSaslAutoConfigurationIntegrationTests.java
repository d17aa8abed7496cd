package io.cachekit.autoconfigure;

import java.util.concurrent.atomic.AtomicInteger;

import io.cachekit.backend.memcached.MemcachedBackend;
import io.cachekit.test.TestServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
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
 * {@code cachekit.memcached.username} and {@code password} against a real
 * {@code memcached -S}: the right credentials cache, wrong or missing ones are
 * {@code AUTHENTICATION} in health and metrics while every {@code @Cacheable} call still
 * answers from its method, and the circuit breaker stays closed.
 */
class MemcachedSaslAutoConfigurationIntegrationTests {

	private static final String USERNAME = "orders";

	private static final String PASSWORD = "c0rrect-h0rse";

	private static final String WRONG_PASSWORD = "wr0ng-pa55word";

	private static final int CALLS = 30;

	@RegisterExtension
	static final TestServer memcached = TestServer.memcachedWithSasl(USERNAME, PASSWORD);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CachekitAutoConfiguration.class, CacheAutoConfiguration.class))
		.withUserConfiguration(CountingBooks.class)
		.withPropertyValues("cachekit.memcached.servers=" + memcached.address(),
				"cachekit.memcached.connect-timeout=5s");

	@Test
	void rightCredentialsCacheInMemcachedAndHealthIsUp() {
		this.contextRunner
			.withPropertyValues("cachekit.memcached.username=" + USERNAME, "cachekit.memcached.password=" + PASSWORD)
			.run((context) -> {
				MemcachedBackend backend = context.getBean(MemcachedBackend.class);
				assertThat(backend.config().username()).isEqualTo(USERNAME);
				CountingBooks.BookService service = context.getBean(CountingBooks.BookService.class);
				assertThat(service.find("a")).isEqualTo("book-a-1");
				assertThat(service.find("a")).isEqualTo("book-a-1");
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.get("cachekit.backend.latency")
					.tags("backend", "memcached", "operation", "set")
					.timer()
					.count()).as("the entry written to memcached").isPositive();
				assertThat(CountingBooks.errors(context, "memcached", null)).isZero();
				Health health = CountingBooks.health(context);
				assertThat(health.getStatus()).isEqualTo(Status.UP);
				assertThat(health.getDetails().toString()).doesNotContain(PASSWORD);
			});
	}

	@Test
	void wrongPasswordIsAuthenticationInHealthAndMetricsAndEveryCallRunsTheMethod() {
		this.contextRunner
			.withPropertyValues("cachekit.memcached.username=" + USERNAME,
					"cachekit.memcached.password=" + WRONG_PASSWORD)
			.run((context) -> assertRefusedButServed(context, WRONG_PASSWORD));
	}

	@Test
	void missingCredentialsAreAuthenticationInHealthAndMetricsAndEveryCallRunsTheMethod() {
		this.contextRunner.run((context) -> assertRefusedButServed(context, PASSWORD));
	}

	private static void assertRefusedButServed(AssertableApplicationContext context, String secret) {
		assertThat(context).hasNotFailed();
		CountingBooks.BookService service = context.getBean(CountingBooks.BookService.class);
		assertThat(service.find("first")).isEqualTo("book-first-1");
		// The first call's read of the generation was refused (without credentials the
		// server answers an auth error and closes the connection): from then on the
		// health
		// check tells why at once, without waiting for the reconnect.
		assertThat(String.valueOf(CountingBooks.health(context).getDetails().get("error"))).contains("AUTHENTICATION");
		long start = System.nanoTime();
		for (int i = 0; i < CALLS; i++) {
			assertThat(service.find("k" + i)).isEqualTo("book-k" + i + "-" + (i + 2));
		}
		long millis = (System.nanoTime() - start) / 1_000_000;
		System.out.println(
				"[figure] " + CALLS + " @Cacheable calls while memcached refuses the credentials, total ms: " + millis);
		assertThat(service.calls()).isEqualTo(CALLS + 1);
		Health health = CountingBooks.health(context);
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(String.valueOf(health.getDetails().get("error"))).contains("AUTHENTICATION").doesNotContain(secret);
		assertThat(health.getDetails()).containsEntry("circuit", "closed");
		assertThat(CountingBooks.errors(context, "memcached", "AUTHENTICATION")).isPositive();
		assertThat(CountingBooks.errors(context, "memcached", "TRANSIENT"))
			.as("no refused operation counted as a dropped connection")
			.isZero();
		assertThat(CountingBooks.errors(context, "memcached", "TIMEOUT")).as("no call waited for a timeout").isZero();
	}

}
