package io.cachekit.backend.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.cachekit.backend.Broadcast;
import io.cachekit.test.Await;
import io.cachekit.test.ServerKind;
import io.cachekit.test.ServerProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * {@link RedisBackend}'s {@link Broadcast} against a real redis-server: channels under
 * the key prefix, subscriptions that outlive a restart of the server or start before it,
 * and listeners that fail.
 */
class RedisBroadcastIntegrationTests {

	private ServerProcess server;

	@BeforeEach
	void startServer() {
		this.server = ServerProcess.start(ServerKind.REDIS);
	}

	@AfterEach
	void stopServer() {
		this.server.close();
	}

	@Test
	void channelsAreSeparatedByTheKeyPrefix() {
		try (RedisBackend app = backend("app:");
				RedisBackend sameApp = backend("app:");
				RedisBackend otherApp = backend("other:")) {
			Heard mine = new Heard();
			Heard theirs = new Heard();
			try (Broadcast.Subscription one = app.subscribe("events", mine);
					Broadcast.Subscription two = otherApp.subscribe("events", theirs)) {
				assertThat(Await.until(() -> {
					sameApp.publish("events", bytes("ping"));
					otherApp.publish("events", bytes("ping"));
					return mine.heard("ping") && theirs.heard("ping");
				})).isTrue();
				sameApp.publish("events", bytes("for app"));
				otherApp.publish("events", bytes("for other"));
				assertThat(Await.until(() -> mine.heard("for app") && theirs.heard("for other"))).isTrue();
				assertThat(mine.messages).doesNotContain("for other");
				assertThat(theirs.messages).doesNotContain("for app");
			}
		}
	}

	@Test
	void subscriptionIsMadeAgainAfterTheServerRestartsAndSaysSo() {
		try (RedisBackend subscriber = backend("p:"); RedisBackend publisher = backend("p:")) {
			Heard heard = new Heard();
			try (Broadcast.Subscription subscription = subscriber.subscribe("events", heard)) {
				assertThat(Await.until(() -> {
					publisher.publish("events", bytes("ping"));
					return heard.heard("ping");
				})).isTrue();
				int resetsBefore = heard.resets.get();
				this.server.stop();
				long restarted = System.nanoTime();
				this.server.restart();
				assertThat(Await.until(() -> heard.resets.get() > resetsBefore)).as("reset after the restart").isTrue();
				long millis = Duration.ofNanos(System.nanoTime() - restarted).toMillis();
				System.out.println("[figure] Redis restart -> subscription in place again: " + millis + " ms");
				assertThat(Await.until(() -> {
					try {
						publisher.publish("events", bytes("after restart"));
					}
					catch (RuntimeException ex) {
						// The publisher's own connection may still be reconnecting.
					}
					return heard.heard("after restart");
				})).isTrue();
			}
		}
	}

	@Test
	void subscriptionMadeWhileTheServerIsDownIsInPlaceOnceItIsUp() {
		this.server.stop();
		try (RedisBackend subscriber = backend("p:"); RedisBackend publisher = backend("p:")) {
			Heard heard = new Heard();
			try (Broadcast.Subscription subscription = subscriber.subscribe("events", heard)) {
				this.server.restart();
				assertThat(Await.until(() -> heard.resets.get() > 0)).isTrue();
				assertThat(Await.until(() -> {
					publisher.publish("events", bytes("hello"));
					return heard.heard("hello");
				})).isTrue();
			}
		}
	}

	@Test
	void subscribingNeverWaitsForAPausedServer() throws Exception {
		try (RedisBackend subscriber = RedisBackend.create(RedisBackendConfig.builder()
			.url("redis://" + this.server.address())
			.keyPrefix("p:")
			.connectTimeout(Duration.ofSeconds(10))
			.commandTimeout(Duration.ofSeconds(10))
			.build()); RedisBackend publisher = backend("p:")) {
			Heard heard = new Heard();
			this.server.pause();
			CompletableFuture<Broadcast.Subscription> subscribing = CompletableFuture
				.supplyAsync(() -> subscriber.subscribe("events", heard));
			// Against a server that answers nothing, waiting would take the 10 s
			// timeouts.
			Broadcast.Subscription subscription = subscribing.get(5, TimeUnit.SECONDS);
			this.server.resume();
			assertThat(Await.until(() -> {
				publisher.publish("events", bytes("hello"));
				return heard.heard("hello");
			})).isTrue();
			subscription.close();
		}
	}

	@Test
	void broadcastIsOfferedOverLettuceOnly() {
		RedisConnectionFactory other = mock(RedisConnectionFactory.class);
		RedisBackend backend = RedisBackend.create(other, RedisBackendConfig.builder().build());
		assertThat(backend.capability(Broadcast.class)).isEmpty();
		try (RedisBackend lettuce = backend("p:")) {
			assertThat(lettuce.capability(Broadcast.class)).containsSame(lettuce);
		}
	}

	@Test
	void aFailingListenerDoesNotStopTheOthers() {
		try (RedisBackend backend = backend("p:")) {
			AtomicInteger failures = new AtomicInteger();
			Heard heard = new Heard();
			try (Broadcast.Subscription failing = backend.subscribe("events", (message) -> {
				failures.incrementAndGet();
				throw new IllegalStateException("listener failure");
			}); Broadcast.Subscription working = backend.subscribe("events", heard)) {
				assertThat(Await.until(() -> {
					backend.publish("events", bytes("ping"));
					return heard.heard("ping");
				})).isTrue();
				backend.publish("events", bytes("after"));
				assertThat(Await.until(() -> heard.heard("after"))).isTrue();
				assertThat(failures.get()).isGreaterThan(1);
			}
		}
	}

	@Test
	void closingTheBackendEndsItsSubscriptions() {
		Heard heard = new Heard();
		try (RedisBackend publisher = backend("p:")) {
			RedisBackend subscriber = backend("p:");
			subscriber.subscribe("events", heard);
			assertThat(Await.until(() -> {
				publisher.publish("events", bytes("ping"));
				return heard.heard("ping");
			})).isTrue();
			subscriber.close();
			int heardBefore = heard.messages.size();
			publisher.publish("events", bytes("after close"));
			// A marker on a second, still open subscription shows the message went out.
			Heard marker = new Heard();
			try (Broadcast.Subscription witness = publisher.subscribe("events", marker)) {
				assertThat(Await.until(() -> {
					publisher.publish("events", bytes("witness"));
					return marker.heard("witness");
				})).isTrue();
			}
			assertThat(heard.messages).hasSize(heardBefore);
		}
	}

	private RedisBackend backend(String prefix) {
		return RedisBackend.create(RedisBackendConfig.builder()
			.url("redis://" + this.server.address())
			.keyPrefix(prefix)
			.connectTimeout(Duration.ofMillis(500))
			.build());
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static final class Heard implements Broadcast.Listener {

		final List<String> messages = new CopyOnWriteArrayList<>();

		final AtomicInteger resets = new AtomicInteger();

		@Override
		public void onMessage(byte[] message) {
			this.messages.add(new String(message, StandardCharsets.UTF_8));
		}

		@Override
		public void onReset() {
			this.resets.incrementAndGet();
		}

		boolean heard(String message) {
			return this.messages.contains(message);
		}

	}

}
