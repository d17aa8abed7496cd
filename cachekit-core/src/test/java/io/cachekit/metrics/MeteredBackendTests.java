package io.cachekit.metrics;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import io.cachekit.backend.AddIfAbsent;
import io.cachekit.backend.BackendOperation;
import io.cachekit.backend.Broadcast;
import io.cachekit.backend.ForwardingBackend;
import io.cachekit.backend.RemainingTtl;
import io.cachekit.backend.TtlInspection;
import io.cachekit.test.InMemoryBackend;
import io.cachekit.test.ManualTime;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MeteredBackendTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final ManualTime time = new ManualTime();

	private final InMemoryBackend inspectable = InMemoryBackend.withCapabilities(this.time, TtlInspection.class);

	@Test
	void ttlInspectionOfTheWrappedBackendIsPassedThroughAndMeasured() {
		this.inspectable.set("k", new byte[] { 1 }, Duration.ofSeconds(7));
		MeteredBackend metered = new MeteredBackend(this.inspectable, "in-memory", this.registry);
		Optional<TtlInspection> inspection = metered.capability(TtlInspection.class);
		assertThat(inspection).containsSame(metered);
		assertThat(inspection.orElseThrow().remainingTtl("k")).isEqualTo(RemainingTtl.expiresIn(Duration.ofSeconds(7)));
		assertThat(this.registry.get("cachekit.backend.latency").tag("operation", "ttl").timer().count()).isEqualTo(1);
	}

	@Test
	void capabilitiesTheWrappedBackendLacksAreAbsent() {
		MeteredBackend metered = new MeteredBackend(this.inspectable, "in-memory", this.registry);
		assertThat(metered.capability(AddIfAbsent.class)).isEmpty();
	}

	@Test
	void capabilitiesItCannotMeasureArePassedThroughUnmeasured() {
		UnknownCapabilityBackend backend = new UnknownCapabilityBackend();
		MeteredBackend metered = new MeteredBackend(backend, "in-memory", this.registry);
		assertThat(metered.capability(Runnable.class)).containsSame(backend);
	}

	@Test
	void broadcastPublishIsMeasuredAndSubscriptionsGoStraightThrough() {
		LocalBroadcastBackend backend = new LocalBroadcastBackend();
		MeteredBackend metered = new MeteredBackend(backend, "in-memory", this.registry);
		Broadcast broadcast = metered.capability(Broadcast.class).orElseThrow();
		assertThat(broadcast).isSameAs(metered);
		List<String> heard = new ArrayList<>();
		try (Broadcast.Subscription subscription = broadcast.subscribe("events",
				(message) -> heard.add(new String(message, StandardCharsets.UTF_8)))) {
			broadcast.publish("events", "hello".getBytes(StandardCharsets.UTF_8));
		}
		assertThat(heard).containsExactly("hello");
		assertThat(backend.listeners).as("subscription closed through the wrapper").isEmpty();
		assertThat(this.registry.get("cachekit.backend.latency").tag("operation", "publish").timer().count())
			.isEqualTo(1);
	}

	/**
	 * An in-memory backend whose broadcast reaches the listeners of this object only.
	 */
	private static final class LocalBroadcastBackend extends ForwardingBackend implements Broadcast {

		final List<Listener> listeners = new CopyOnWriteArrayList<>();

		LocalBroadcastBackend() {
			super(InMemoryBackend.create());
		}

		@Override
		protected <T extends @Nullable Object> T call(BackendOperation operation, @Nullable String key,
				Supplier<T> call) {
			return call.get();
		}

		@Override
		public <C> Optional<C> capability(Class<C> type) {
			return (type == Broadcast.class) ? Optional.of(type.cast(this)) : super.capability(type);
		}

		@Override
		public void publish(String channel, byte[] message) {
			this.listeners.forEach((listener) -> listener.onMessage(message));
		}

		@Override
		public Subscription subscribe(String channel, Listener listener) {
			this.listeners.add(listener);
			return () -> this.listeners.remove(listener);
		}

	}

	/**
	 * An in-memory backend that also offers a kind of capability the metering does not
	 * know.
	 */
	private static final class UnknownCapabilityBackend extends ForwardingBackend implements Runnable {

		UnknownCapabilityBackend() {
			super(InMemoryBackend.create());
		}

		@Override
		protected <T extends @Nullable Object> T call(BackendOperation operation, @Nullable String key,
				Supplier<T> call) {
			return call.get();
		}

		@Override
		public <C> Optional<C> capability(Class<C> type) {
			return (type == Runnable.class) ? Optional.of(type.cast(this)) : super.capability(type);
		}

		@Override
		public void run() {
		}

	}

}
