package io.cachekit.metrics;

import java.time.Duration;
import java.util.Optional;

import io.cachekit.backend.AddIfAbsent;
import io.cachekit.backend.Backend;
import io.cachekit.backend.BackendHealth;
import io.cachekit.backend.RemainingTtl;
import io.cachekit.backend.TtlInspection;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MeteredBackendTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	@Test
	void ttlInspectionOfTheWrappedBackendIsPassedThroughAndMeasured() {
		MeteredBackend metered = new MeteredBackend(new InspectableBackend(), "fake", this.registry);
		Optional<TtlInspection> inspection = metered.capability(TtlInspection.class);
		assertThat(inspection).containsSame(metered);
		assertThat(inspection.orElseThrow().remainingTtl("k")).isEqualTo(RemainingTtl.expiresIn(Duration.ofSeconds(7)));
		assertThat(this.registry.get("cachekit.backend.latency").tag("operation", "ttl").timer().count()).isEqualTo(1);
	}

	@Test
	void capabilitiesTheWrappedBackendLacksAreAbsent() {
		MeteredBackend metered = new MeteredBackend(new InspectableBackend(), "fake", this.registry);
		assertThat(metered.capability(AddIfAbsent.class)).isEmpty();
	}

	@Test
	void capabilitiesItCannotMeasureArePassedThroughUnmeasured() {
		InspectableBackend backend = new InspectableBackend();
		MeteredBackend metered = new MeteredBackend(backend, "fake", this.registry);
		assertThat(metered.capability(Runnable.class)).containsSame(backend);
	}

	private static final class InspectableBackend implements Backend, TtlInspection, Runnable {

		@Override
		public byte @Nullable [] get(String key) {
			return null;
		}

		@Override
		public void set(String key, byte[] value, @Nullable Duration ttl) {
		}

		@Override
		public boolean delete(String key) {
			return false;
		}

		@Override
		public boolean exists(String key) {
			return false;
		}

		@Override
		public BackendHealth health() {
			return BackendHealth.up("fake", 0, java.util.Map.of());
		}

		@Override
		public RemainingTtl remainingTtl(String key) {
			return RemainingTtl.expiresIn(Duration.ofSeconds(7));
		}

		@Override
		public void run() {
		}

	}

}
