package io.cachekit.benchmarks;

import io.cachekit.autoconfigure.CachekitProperties;
import io.cachekit.backend.Backend;
import io.cachekit.codec.MessagePackCodec;
import io.cachekit.codec.ValueCodec;
import io.cachekit.tier.CacheConfiguration;
import io.cachekit.tier.TieredCache;

import org.springframework.util.unit.DataSize;

/**
 * The value codecs the starter builds by default, so that a benchmark encodes as an
 * application does: with an L2 backend, values whose encoded form exceeds
 * {@code cachekit.compression.threshold} (1KB) are LZ4-compressed and an entry may
 * decompress to at most the backend's largest value
 * ({@code cachekit.memcached.max-item-size} or {@code cachekit.redis.max-value-size});
 * without one, nothing is compressed and the codec's own bound applies. The settings are
 * read from a default {@link CachekitProperties}, so they follow the starter's defaults.
 * Trusts the benchmark's package, as the starter trusts the application's.
 */
final class StarterCodecs {

	private StarterCodecs() {
	}

	/**
	 * Returns the codec the starter builds over its memcached backend.
	 * @return the codec
	 */
	static ValueCodec memcached() {
		return withL2(new CachekitProperties().getMemcached().getMaxItemSize());
	}

	/**
	 * Returns the codec the starter builds over its Redis backend.
	 * @return the codec
	 */
	static ValueCodec redis() {
		return withL2(new CachekitProperties().getRedis().getMaxValueSize());
	}

	/**
	 * Returns the codec the starter builds for the named backend.
	 * @param backend {@code memcached} or {@code redis}
	 * @return the codec
	 * @throws IllegalArgumentException for another name
	 */
	static ValueCodec forBackend(String backend) {
		return switch (backend) {
			case "memcached" -> memcached();
			case "redis" -> redis();
			default ->
				throw new IllegalArgumentException("Unknown backend " + backend + "; expected memcached or redis");
		};
	}

	/**
	 * Returns the codec the starter builds without an L2 backend: nothing is compressed.
	 * @return the codec
	 */
	static ValueCodec l1Only() {
		return MessagePackCodec.builder()
			.trustedPackages(CacheBenchmark.TRUSTED_PACKAGE)
			.maxDecompressedSize(MessagePackCodec.DEFAULT_MAX_DECOMPRESSED_SIZE)
			.build();
	}

	/**
	 * Returns the cache the L2 comparisons measure: L1 off, the benchmarks' TTL, over a
	 * backend with the given codec.
	 * @param backend the L2 backend
	 * @param codec the codec, one of this class's
	 * @return the cache, named {@code cachekit}
	 */
	static TieredCache withoutL1(Backend backend, ValueCodec codec) {
		return TieredCache.builder("cachekit")
			.configuration(CacheConfiguration.defaults().withL1Enabled(false).withTtl(CacheBenchmark.TTL))
			.backend(backend)
			.codec(codec)
			.build();
	}

	private static ValueCodec withL2(DataSize backendMax) {
		CachekitProperties.Compression compression = new CachekitProperties().getCompression();
		DataSize max = compression.getMaxDecompressedSize();
		if (max == null) {
			max = backendMax;
		}
		MessagePackCodec.Builder builder = MessagePackCodec.builder()
			.trustedPackages(CacheBenchmark.TRUSTED_PACKAGE)
			.maxDecompressedSize(Math.toIntExact(max.toBytes()));
		if (compression.isEnabled()) {
			builder.compression(Math.toIntExact(compression.getThreshold().toBytes()));
		}
		return builder.build();
	}

}
