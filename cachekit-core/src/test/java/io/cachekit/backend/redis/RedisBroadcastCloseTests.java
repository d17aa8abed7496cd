package io.cachekit.backend.redis;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.cachekit.backend.Broadcast;
import io.cachekit.test.Await;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.willAnswer;
import static org.mockito.Mockito.mock;

/**
 * {@link RedisBroadcast#close()} against a connection factory that holds the subscription
 * thread while it connects: close returns only after that thread is done with the
 * connection it made, so that the owner may then shut the client's event loops down.
 */
class RedisBroadcastCloseTests {

	private final List<String> events = new CopyOnWriteArrayList<>();

	private final CountDownLatch connecting = new CountDownLatch(1);

	private final CountDownLatch connected = new CountDownLatch(1);

	@Test
	void closeWaitsForTheConnectionBeingMadeAndClosesItBeforeReturning() throws Exception {
		RedisConnection connection = mock(RedisConnection.class);
		willAnswer((invocation) -> this.events.add("subscribed")).given(connection).subscribe(any(), any());
		willAnswer((invocation) -> this.events.add("connection closed")).given(connection).close();
		RedisConnectionFactory factory = mock(RedisConnectionFactory.class);
		given(factory.getConnection()).willAnswer((invocation) -> {
			this.connecting.countDown();
			awaitUninterruptibly(this.connected);
			return connection;
		});
		RedisBroadcast broadcast = new RedisBroadcast(factory, new RedisKeys("app:"));
		Broadcast.Subscription subscription = broadcast.subscribe("events", (message) -> {
		});
		assertThat(this.connecting.await(5, TimeUnit.SECONDS)).as("the subscription thread connects").isTrue();
		Thread closer = new Thread(() -> {
			broadcast.close();
			this.events.add("close returned");
		}, "closer");
		closer.start();
		// Either close() waits for the subscription thread, or it has returned already.
		assertThat(Await.until(
				() -> closer.getState() == Thread.State.TIMED_WAITING || closer.getState() == Thread.State.TERMINATED))
			.isTrue();
		this.connected.countDown();
		closer.join(10_000);
		assertThat(closer.isAlive()).isFalse();
		assertThat(this.events).containsExactly("subscribed", "connection closed", "close returned");
		subscription.close();
	}

	private static void awaitUninterruptibly(CountDownLatch latch) {
		boolean interrupted = false;
		while (true) {
			try {
				latch.await();
				break;
			}
			catch (InterruptedException ex) {
				interrupted = true;
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
	}

}
