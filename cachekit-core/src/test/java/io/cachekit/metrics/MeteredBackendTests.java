package io.cachekit.metrics;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

import io.cachekit.backend.AddIfAbsent;
import io.cachekit.backend.BackendOperation;
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
