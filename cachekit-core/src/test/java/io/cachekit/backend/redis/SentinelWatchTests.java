package io.cachekit.backend.redis;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.pubsub.api.async.RedisPubSubAsyncCommands;
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

	@Test
	void aSentinelThatRefusesTheSubscriptionIsClosedAndTheNextOneTried() {
		List<RedisURI> asked = new ArrayList<>();
		AtomicInteger refusingClosed = new AtomicInteger();
		AtomicInteger acceptingClosed = new AtomicInteger();
		SentinelWatch watch = new SentinelWatch(sentinelFactory(), "mymaster", Runnable::run);
		watch.connect((uri) -> {
			asked.add(uri);
			return CompletableFuture.completedFuture(
					pubSub(asked.size() == 1 ? new RedisCommandExecutionException("NOPERM no channel") : null,
							asked.size() == 1 ? refusingClosed : acceptingClosed));
		}, SENTINELS, 0);
		assertThat(asked).containsExactlyElementsOf(SENTINELS);
		assertThat(refusingClosed).hasValue(1);
		watch.close();
		assertThat(acceptingClosed).hasValue(1);
	}

	@Test
	void noSentinelIsTriedOnceClosed() {
		List<CompletableFuture<StatefulRedisPubSubConnection<String, String>>> attempts = new ArrayList<>();
		SentinelWatch watch = new SentinelWatch(sentinelFactory(), "mymaster", Runnable::run);
		watch.connect((uri) -> {
			CompletableFuture<StatefulRedisPubSubConnection<String, String>> attempt = new CompletableFuture<>();
			attempts.add(attempt);
			return attempt;
		}, SENTINELS, 0);
		watch.close();
		attempts.get(0).completeExceptionally(new RedisConnectionException("connection refused"));
		assertThat(attempts).hasSize(1);
	}

	private static final List<RedisURI> SENTINELS = List.of(RedisURI.create("127.0.0.1", 26379),
			RedisURI.create("127.0.0.1", 26380));

	private static LettuceConnectionFactory sentinelFactory() {
		return new LettuceConnectionFactory(
				new RedisSentinelConfiguration("mymaster", java.util.Set.of("127.0.0.1:26379")));
	}

	/**
	 * A pub/sub connection whose {@code SUBSCRIBE} succeeds, or fails with
	 * {@code refusal}; counts its closing.
	 */
	@SuppressWarnings("unchecked")
	private static StatefulRedisPubSubConnection<String, String> pubSub(
			@org.jspecify.annotations.Nullable RuntimeException refusal, AtomicInteger closed) {
		AsyncCommand<String, String, Void> subscribe = new AsyncCommand<>(new Command<>(CommandType.SUBSCRIBE, null));
		if (refusal != null) {
			subscribe.completeExceptionally(refusal);
		}
		else {
			subscribe.complete(null);
		}
		RedisPubSubAsyncCommands<String, String> commands = (RedisPubSubAsyncCommands<String, String>) Proxy
			.newProxyInstance(SentinelWatchTests.class.getClassLoader(),
					new Class<?>[] { RedisPubSubAsyncCommands.class }, (proxy, method, args) -> {
						if (method.getName().equals("subscribe")) {
							return subscribe;
						}
						throw new UnsupportedOperationException(method.getName());
					});
		return (StatefulRedisPubSubConnection<String, String>) Proxy.newProxyInstance(
				SentinelWatchTests.class.getClassLoader(), new Class<?>[] { StatefulRedisPubSubConnection.class },
				(proxy, method, args) -> switch (method.getName()) {
					case "async" -> commands;
					case "addListener" -> null;
					case "close" -> {
						closed.incrementAndGet();
						yield null;
					}
					case "closeAsync" -> {
						closed.incrementAndGet();
						yield CompletableFuture.completedFuture(null);
					}
					case "toString" -> "pub/sub connection";
					case "hashCode" -> System.identityHashCode(proxy);
					case "equals" -> proxy == args[0];
					default -> throw new UnsupportedOperationException(method.getName());
				});
	}

}
