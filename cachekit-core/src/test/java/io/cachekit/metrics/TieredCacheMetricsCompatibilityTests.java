package io.cachekit.metrics;

import java.nio.file.Path;
import java.util.List;

import io.cachekit.backend.file.FileBackend;
import io.cachekit.backend.file.FileBackendConfig;
import io.cachekit.codec.MessagePackCodec;
import io.cachekit.tier.CacheHit;
import io.cachekit.tier.TieredCache;
import io.cachekit.tier.TieredCacheBuilder;
import io.micrometer.core.instrument.binder.cache.CacheMeterBinder;
import io.micrometer.core.instrument.binder.cache.CacheMeterBinderCompatibilityKit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

/**
 * Micrometer's {@link CacheMeterBinderCompatibilityKit} over {@link TieredCacheMetrics}:
 * the standard cache meters describe the cache as a whole whichever tiers it has. L2 is
 * the file backend, so no server is needed.
 */
class TieredCacheMetricsCompatibilityTests {

	@Nested
	class L1Only extends Kit {

		@Override
		TieredCacheBuilder configure(TieredCacheBuilder builder) {
			return builder;
		}

	}

	@Nested
	class L2Only extends Kit {

		@Override
		TieredCacheBuilder configure(TieredCacheBuilder builder) {
			return builder.backend(fileBackend()).configure((c) -> c.withL1Enabled(false));
		}

	}

	@Nested
	class L1AndL2 extends Kit {

		@Override
		TieredCacheBuilder configure(TieredCacheBuilder builder) {
			return builder.backend(fileBackend());
		}

	}

	abstract static class Kit extends CacheMeterBinderCompatibilityKit<TieredCache> {

		@TempDir
		@Nullable Path directory;

		private @Nullable FileBackend backend;

		abstract TieredCacheBuilder configure(TieredCacheBuilder builder);

		FileBackend fileBackend() {
			Path directory = this.directory;
			if (directory == null) {
				throw new IllegalStateException("no temporary directory");
			}
			FileBackend backend = FileBackend.create(FileBackendConfig.builder().directory(directory).build());
			this.backend = backend;
			return backend;
		}

		@AfterEach
		void closeBackend() {
			if (this.backend != null) {
				this.backend.close();
			}
		}

		@Override
		public TieredCache createCache() {
			// Caffeine's maintenance runs on the caller, so no queued task keeps the
			// cache reachable when the kit checks that the binder lets it go.
			return configure(
					TieredCache.builder("mycache").codec(MessagePackCodec.withDefaults()).executor(Runnable::run))
				.build();
		}

		@Override
		public CacheMeterBinder<TieredCache> binder() {
			return new TieredCacheMetrics(this.cache, List.of());
		}

		@Override
		public void put(String key, String value) {
			this.cache.put(key, value);
		}

		@Override
		public @Nullable String get(String key) {
			CacheHit hit = this.cache.get(key);
			return (hit != null) ? (String) hit.value() : null;
		}

	}

}
