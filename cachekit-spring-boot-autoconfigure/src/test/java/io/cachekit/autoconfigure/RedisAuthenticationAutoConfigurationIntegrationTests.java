package io.cachekit.autoconfigure;

import java.util.concurrent.atomic.AtomicInteger;

import io.cachekit.backend.redis.RedisBackend;
import io.cachekit.test.ServerKind;
import io.cachekit.test.ServerProcess;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis credentials against a real redis-server that requires a password and knows an ACL
 * user limited to cachekit's commands and to the key prefix {@value #PREFIX}: given
 * through {@code cachekit.redis.url} or Spring Boot's {@code spring.data.redis.username}
 * and {@code password}, the right ones cache; wrong ones are {@code AUTHENTICATION} in
 * health and metrics while every {@code @Cacheable} call answers from its method, the
 * circuit breaker stays closed, and no password reaches health or the log.
 */
@ExtendWith(OutputCaptureExtension.class)
class RedisAuthenticationAutoConfigurationIntegrationTests {

	private static final String PASSWORD = "def4ult-Pa55";

	private static final String USER = "orders";

	private static final String USER_PASSWORD = "0rders-Pa55";

	private static final String WRONG_PASSWORD = "wr0ng-Pa55";

	private static final String PREFIX = "orders:";

	private static final int CALLS = 30;

	private static ServerProcess server;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CachekitAutoConfiguration.class, CacheAutoConfiguration.class))
		.withUserConfiguration(CountingBooks.class)
		.withPropertyValues("cachekit.redis.key-prefix=" + PREFIX);

	@BeforeAll
	static void startServer() {
		server = ServerProcess.start(ServerKind.REDIS, "--requirepass", PASSWORD, "--user", USER, "on",
				">" + USER_PASSWORD, "~" + PREFIX + "*", "&" + PREFIX + "*", "-@all", "+get", "+set", "+del", "+exists",
				"+mget", "+pttl", "+publish", "+subscribe", "+unsubscribe", "+ping", "+evalsha", "+eval", "+incrby",
				"+pexpire");
	}

	@AfterAll
	static void stopServer() {
		server.close();
	}

	@Test
	void passwordInTheUrlCaches(CapturedOutput output) {
		this.contextRunner.withPropertyValues("cachekit.redis.url=redis://:" + PASSWORD + "@" + server.address())
			.run((context) -> {
				assertCaches(context);
				assertThat(context.getBean(RedisBackend.class).config().url())
					.hasValue("redis://:****@" + server.address() + "/0");
			});
		assertThat(output).doesNotContain(PASSWORD);
	}

	@Test
	void aclUserInTheUrlCaches(CapturedOutput output) {
		this.contextRunner
			.withPropertyValues("cachekit.redis.url=redis://" + USER + ":" + USER_PASSWORD + "@" + server.address())
			.run(RedisAuthenticationAutoConfigurationIntegrationTests::assertCaches);
		assertThat(output).doesNotContain(USER_PASSWORD);
	}

	@Test
	void aclUserOfSpringBootsConnectionCaches(CapturedOutput output) {
		this.contextRunner.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
			.withPropertyValues(springRedis(USER, USER_PASSWORD))
			.run((context) -> {
				assertThat(context.getBean(RedisBackend.class).config().url()).isEmpty();
				assertCaches(context);
			});
		assertThat(output).doesNotContain(USER_PASSWORD);
	}

	@Test
	void wrongPasswordInTheUrlIsAuthenticationAndEveryCallRunsTheMethod(CapturedOutput output) {
		this.contextRunner.withPropertyValues("cachekit.redis.url=redis://:" + WRONG_PASSWORD + "@" + server.address())
			.run((context) -> assertRefusedButServed(context, "WRONGPASS"));
		assertThat(output).contains("AUTHENTICATION").doesNotContain(WRONG_PASSWORD);
	}

	@Test
	void unknownUserOfSpringBootsConnectionIsAuthenticationAndEveryCallRunsTheMethod(CapturedOutput output) {
		this.contextRunner.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
			.withPropertyValues(springRedis("nobody", USER_PASSWORD))
			.run((context) -> assertRefusedButServed(context, "WRONGPASS"));
		assertThat(output).doesNotContain(USER_PASSWORD);
	}

	@Test
	void aclUserOutsideItsKeyPrefixIsAuthenticationAndEveryCallRunsTheMethod() {
		this.contextRunner
			.withPropertyValues("cachekit.redis.url=redis://" + USER + ":" + USER_PASSWORD + "@" + server.address(),
					"cachekit.redis.key-prefix=elsewhere:")
			.run((context) -> assertRefusedButServed(context, "NOPERM"));
	}

	private static String[] springRedis(String username, String password) {
		return new String[] { "cachekit.backend=redis", "spring.data.redis.host=127.0.0.1",
				"spring.data.redis.port=" + server.port(), "spring.data.redis.username=" + username,
				"spring.data.redis.password=" + password };
	}

	private static void assertCaches(AssertableApplicationContext context) {
		assertThat(context).hasNotFailed();
		CountingBooks.BookService service = context.getBean(CountingBooks.BookService.class);
		String id = "book-" + System.nanoTime();
		assertThat(service.find(id)).isEqualTo("book-" + id + "-1");
		assertThat(service.find(id)).isEqualTo("book-" + id + "-1");
		MeterRegistry registry = context.getBean(MeterRegistry.class);
		assertThat(
				registry.get("cachekit.backend.latency").tags("backend", "redis", "operation", "set").timer().count())
			.as("the entry written to Redis")
			.isPositive();
		assertThat(CountingBooks.errors(context, "redis", null)).isZero();
		Health health = CountingBooks.health(context);
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails().toString()).doesNotContain(PASSWORD).doesNotContain(USER_PASSWORD);
	}

	private static void assertRefusedButServed(AssertableApplicationContext context, String reply) {
		assertThat(context).hasNotFailed();
		CountingBooks.BookService service = context.getBean(CountingBooks.BookService.class);
		// The first call also loads the classes of the whole path: not part of the
		// figure.
		assertThat(service.find("first")).isEqualTo("book-first-1");
		long start = System.nanoTime();
		for (int i = 0; i < CALLS; i++) {
			assertThat(service.find("k" + i)).isEqualTo("book-k" + i + "-" + (i + 2));
		}
		long millis = (System.nanoTime() - start) / 1_000_000;
		System.out.println("[figure] " + CALLS + " @Cacheable calls while Redis refuses the credentials (" + reply
				+ "), total ms: " + millis);
		assertThat(service.calls()).isEqualTo(CALLS + 1);
		Health health = CountingBooks.health(context);
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(String.valueOf(health.getDetails().get("error"))).contains("AUTHENTICATION")
			.contains(reply)
			.doesNotContain(PASSWORD)
			.doesNotContain(USER_PASSWORD)
			.doesNotContain(WRONG_PASSWORD);
		assertThat(health.getDetails()).containsEntry("circuit", "closed");
		assertThat(CountingBooks.errors(context, "redis", "AUTHENTICATION")).isPositive();
		assertThat(CountingBooks.errors(context, "redis", null)).as("every error is AUTHENTICATION")
			.isEqualTo(CountingBooks.errors(context, "redis", "AUTHENTICATION"));
	}

}
