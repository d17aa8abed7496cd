package io.cachekit.backend.redis;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisSentinelConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which factories {@link SentinelWatch} watches, and which announcements it acts on.
 */
class SentinelWatchTests {

	@Test
	void onlyASwitchOfTheWatchedMasterCounts() {
		assertThat(SentinelWatch.isSwitchOf("mymaster", "mymaster 127.0.0.1 6379 127.0.0.1 6380")).isTrue();
		assertThat(SentinelWatch.isSwitchOf("mymaster", "mymaster2 127.0.0.1 6379 127.0.0.1 6380")).isFalse();
		assertThat(SentinelWatch.isSwitchOf("my", "mymaster 127.0.0.1 6379 127.0.0.1 6380")).isFalse();
	}

	@Test
	void factoriesThatAreNotStartedSentinelFactoriesAreNotWatched() {
		assertThat(SentinelWatch.start(
				new LettuceConnectionFactory(new RedisClusterConfiguration(List.of("127.0.0.1:7000"))),
				java.time.Duration.ofSeconds(1)))
			.isNull();
		assertThat(SentinelWatch.start(
				new LettuceConnectionFactory(
						new RedisSentinelConfiguration("mymaster", java.util.Set.of("127.0.0.1:26379"))),
				java.time.Duration.ofSeconds(1)))
			.isNull();
	}

}
