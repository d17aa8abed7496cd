package io.cachekit.backend;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class BackendHealthTests {

	@Test
	void downCarriesTheErrorAmongTheDetails() {
		BackendHealth health = BackendHealth.down("memcached", 12, new IllegalStateException("refused"),
				Map.of("pool_size", 1));
		assertThat(health.healthy()).isFalse();
		assertThat(health.details()).containsEntry("pool_size", 1).containsEntry("error", "refused");
	}

	@Test
	void aBackendFailureIsASentenceWithItsTypeWithoutTheProbesOperationOrKey() {
		BackendException failure = new BackendException(BackendErrorType.TRANSIENT, BackendOperation.SET,
				"cachekit:health", "no memcached server is connected", null);
		BackendHealth health = BackendHealth.down("memcached", 3, failure, Map.of());
		assertThat(health.detail("error"))
			.isEqualTo("health check failed (TRANSIENT): no memcached server is connected");
	}

	@Test
	void anErrorWithoutAMessageIsNamedWithoutItsPackage() {
		BackendHealth health = BackendHealth.down("custom", 0, new NullPointerException(), Map.of());
		assertThat(health.detail("error")).isEqualTo("health check failed with NullPointerException");
	}

	@Test
	void detailsAreCopiedAndUnmodifiable() {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("a", 1);
		BackendHealth health = BackendHealth.up("memcached", 1, details);
		details.put("b", 2);
		assertThat(health.details()).containsOnlyKeys("a");
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> health.details().put("c", 3));
	}

	@Test
	void negativeLatencyIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> BackendHealth.up("memcached", -1, Map.of()))
			.withMessageContaining("latencyMs");
	}

}
