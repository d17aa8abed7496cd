package io.cachekit.autoconfigure;

import java.util.List;

import io.cachekit.test.RawRedis;
import io.cachekit.test.RedisSentinels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * cachekit's own Sentinel connection with passwords on real servers: the data nodes'
 * password ({@code cachekit.redis.password}), the sentinels' own
 * ({@code cachekit.redis.sentinel.password}) and the master's database
 * ({@code cachekit.redis.database}) reach the servers; a wrong sentinel password turns
 * health DOWN without showing it, and cached calls still answer.
 */
class RedisSentinelAuthenticationAutoConfigurationIntegrationTests {

	private static final String PASSWORD = "data-s3cret";

	private static final String SENTINEL_PASSWORD = "sentinel-s3cret";

	private static RedisSentinels sentinels;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CachekitAutoConfiguration.class, CacheAutoConfiguration.class))
		.withUserConfiguration(CountingBooks.class)
		.withPropertyValues("cachekit.l1.enabled=false", "cachekit.redis.timeout=500ms",
				"cachekit.redis.connect-timeout=500ms", "cachekit.redis.sentinel.master=" + RedisSentinels.MASTER_NAME);

	@BeforeAll
	static void startSentinels() {
		sentinels = RedisSentinels.start(PASSWORD, SENTINEL_PASSWORD);
	}

	@AfterAll
	static void stopSentinels() {
		if (sentinels != null) {
			sentinels.close();
		}
	}

	@Test
	void passwordsAndDatabaseReachTheMasterTheSentinelsName() {
		this.contextRunner
			.withPropertyValues(nodes(), "cachekit.redis.password=" + PASSWORD,
					"cachekit.redis.sentinel.password=" + SENTINEL_PASSWORD, "cachekit.redis.database=3")
			.run((context) -> {
				CountingBooks.BookService books = context.getBean(CountingBooks.BookService.class);
				assertThat(books.find("dune")).isEqualTo("book-dune-1");
				assertThat(books.find("dune")).as("an L2 hit").isEqualTo("book-dune-1");
				try (RawRedis master = RawRedis.connect(sentinels.masterAddress())) {
					master.call("AUTH", PASSWORD);
					master.call("SELECT", "3");
					assertThat((List<?>) master.call("KEYS", "books:*:dune")).hasSize(1);
					master.call("SELECT", "0");
					assertThat((List<?>) master.call("KEYS", "books:*")).isEmpty();
				}
				Health health = CountingBooks.health(context);
				assertThat(health.getStatus()).isEqualTo(Status.UP);
				assertThat(String.valueOf(health.getDetails())).doesNotContain(PASSWORD, SENTINEL_PASSWORD);
			});
	}

	@Test
	void wrongSentinelPasswordTurnsHealthDownWithoutShowingItAndCallsStillAnswer() {
		this.contextRunner
			.withPropertyValues(nodes(), "cachekit.redis.password=" + PASSWORD,
					"cachekit.redis.sentinel.password=wr0ng-sentinel")
			.run((context) -> {
				CountingBooks.BookService books = context.getBean(CountingBooks.BookService.class);
				assertThat(books.find("emma")).isEqualTo("book-emma-1");
				assertThat(books.find("emma")).as("L2 out of reach: loaded again").isEqualTo("book-emma-2");
				Health health = CountingBooks.health(context);
				assertThat(health.getStatus()).isEqualTo(Status.DOWN);
				assertThat(String.valueOf(health.getDetails())).doesNotContain("wr0ng-sentinel", PASSWORD);
			});
	}

	private static String nodes() {
		return "cachekit.redis.sentinel.nodes=" + String.join(",", sentinels.sentinelAddresses());
	}

}
