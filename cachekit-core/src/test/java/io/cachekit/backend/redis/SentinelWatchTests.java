package io.cachekit.backend.redis;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

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
	void aSwitchResetsTheFactoryOnTheExecutorNeverOnTheThreadItArrivedOn() throws InterruptedException {
		CountDownLatch release = new CountDownLatch(1);
		CountDownLatch reset = new CountDownLatch(1);
		AtomicReference<Thread> resetOn = new AtomicReference<>();
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisSentinelConfiguration("mymaster", java.util.Set.of("127.0.0.1:26379"))) {

			@Override
			public void resetConnection() {
				resetOn.set(Thread.currentThread());
				reset.countDown();
				try {
					// A reset that waits for the I/O thread: the announcement's thread
					// must
					// not be the one waiting here.
					release.await(10, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}

		};
		ExecutorService executor = Executors.newSingleThreadExecutor();
		try {
			SentinelWatch watch = new SentinelWatch(factory, "mymaster", executor);
			watch.onMessage("other-channel", "mymaster 127.0.0.1 6379 127.0.0.1 6380");
			watch.onMessage(SentinelWatch.SWITCH_MASTER, "mymaster 127.0.0.1 6379 127.0.0.1 6380");
			// Returned without waiting for the reset, which is still blocked.
			assertThat(release.getCount()).isOne();
			assertThat(reset.await(10, TimeUnit.SECONDS)).isTrue();
			assertThat(resetOn.get()).isNotSameAs(Thread.currentThread());
		}
		finally {
			release.countDown();
			executor.shutdown();
			assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
		}
	}

	@Test
	void aSwitchAfterCloseResetsNothing() throws InterruptedException {
		CountDownLatch reset = new CountDownLatch(1);
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisSentinelConfiguration("mymaster", java.util.Set.of("127.0.0.1:26379"))) {

			@Override
			public void resetConnection() {
				reset.countDown();
			}

		};
		SentinelWatch watch = new SentinelWatch(factory, "mymaster", Runnable::run);
		watch.close();
		watch.onMessage(SentinelWatch.SWITCH_MASTER, "mymaster 127.0.0.1 6379 127.0.0.1 6380");
		assertThat(reset.getCount()).isOne();
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
