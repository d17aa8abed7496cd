package io.cachekit.backend.redis;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.cachekit.backend.Broadcast;
import io.cachekit.test.Await;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.Subscription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.willThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

/**
 * The cluster probe of {@link RedisBroadcast} when the subscription is made again for
 * another reason than a missed probe: a probe sent on the connection replaced is not held
 * against the new one, which would drop it (and reset every listener) once more. Runs on
 * the real probe interval (about 2 s).
 */
class RedisBroadcastProbeTests {

	private final AtomicInteger published = new AtomicInteger();

	private final AtomicInteger missed = new AtomicInteger();

	@Test
	void aProbeSentOnAReplacedConnectionDoesNotDropTheNewOne() {
		RedisConnection first = mock(RedisConnection.class);
		Subscription failing = mock(Subscription.class);
		willThrow(new IllegalStateException("the connection broke")).given(failing).subscribe(any(byte[][].class));
		given(first.getSubscription()).willReturn(failing);
		RedisConnection second = mock(RedisConnection.class);
		RedisConnectionFactory factory = mock(RedisConnectionFactory.class);
		given(factory.getConnection()).willReturn(first, second);
		RedisBroadcast broadcast = new RedisBroadcast(factory, new RedisKeys("app:"), new RedisBroadcast.Probe() {

			@Override
			public void publish(byte[] channel, byte[] message) {
				// Never heard back: the mocks deliver nothing.
				RedisBroadcastProbeTests.this.published.incrementAndGet();
			}

			@Override
			public void missed() {
				RedisBroadcastProbeTests.this.missed.incrementAndGet();
			}

		});
		try {
			broadcast.subscribe("events", (message) -> {
			});
			assertThat(Await.until(() -> this.published.get() == 1)).as("a probe sent on the first connection")
				.isTrue();
			// Adding a channel fails on the first connection: the subscription is made
			// again, on the second, before the next probe.
			broadcast.subscribe("more", (message) -> {
			});
			assertThat(Await.until(Duration.ofSeconds(5), () -> this.published.get() >= 2 || this.missed.get() > 0))
				.isTrue();
			assertThat(this.missed).as("probes held against the second connection").hasValue(0);
			verify(second, never()).close();
		}
		finally {
			broadcast.close();
		}
	}

}
