package io.cachekit.backend;

import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

import io.cachekit.test.InMemoryBackend;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BackendTypeTests {

	@Test
	void defaultIsTheSimpleClassNameLowerCasedWithoutBackend() {
		assertThat(InMemoryBackend.create().backendType()).isEqualTo("inmemory");
		assertThat(new Store().backendType()).isEqualTo("store");
	}

	@Test
	void aClassWithoutANameIsCustom() {
		Backend anonymous = new Store() {
		};
		assertThat(anonymous.backendType()).isEqualTo("custom");
	}

	@Test
	void aForwardingBackendAnswersTheWrappedBackendsType() {
		Backend wrapped = new ForwardingBackend(InMemoryBackend.create()) {

			@Override
			protected <T extends @Nullable Object> T call(BackendOperation operation, @Nullable String key,
					Supplier<T> call) {
				return call.get();
			}

		};
		assertThat(wrapped.backendType()).isEqualTo("inmemory");
	}

	private static class Store implements Backend {

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
			return BackendHealth.up(backendType(), 0, Map.of());
		}

	}

}
