package io.cachekit.metrics;

import io.cachekit.test.ManualTime;

import io.cachekit.test.InMemoryBackend;

import io.cachekit.backend.Increment;

import io.cachekit.backend.BulkGet;

import java.time.Duration;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.cachekit.backend.file.FileBackend;
import io.cachekit.backend.file.FileBackendConfig;
import io.cachekit.codec.MessagePackCodec;
import io.cachekit.tier.TieredCache;
import io.cachekit.tier.TieredCacheBuilder;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link TieredCacheMetrics}: the standard meters count each call of the cache once,
 * however many tiers took part, and the per-tier meters keep names of their own. L2 is
 * the file backend, so no server is needed.
 */
class TieredCacheMetricsTests {

	private static final String NAME = "books";

	@TempDir
	Path directory;

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final List<FileBackend> backends = new ArrayList<>();

	@AfterEach
	void closeBackends() {
		this.backends.forEach(FileBackend::close);
	}

	@Test
	void hitRatioSummedByCacheNameIsTheCacheHitRatio() {
		TieredCache cache = bound(twoTier(fileBackend()));
		cache.put("k", "v");
		cache.get("k");
		cache.get("missing-1");
		cache.get("missing-2");
		assertThat(sumByCache("cache.gets", "hit")).isEqualTo(1);
		assertThat(sumByCache("cache.gets", "miss")).isEqualTo(2);
		assertThat(sumByCache("cache.gets", null)).as("every cache.gets of the cache, summed").isEqualTo(3);
	}

	@Test
	void lookupThatL1MissesAndL2AnswersIsOneHitOfTheCacheAndOneOfEachTier() {
		FileBackend backend = fileBackend();
		twoTier(backend).put("k", "v");
		TieredCache fresh = bound(twoTier(backend));
		assertThat(fresh.get("k")).isNotNull();
		assertThat(count("cache.gets", "result", "hit")).isEqualTo(1);
		assertThat(count("cache.gets", "result", "miss")).isZero();
		assertThat(count("cachekit.cache.tier.gets", "tier", "l1", "result", "miss")).isEqualTo(1);
		assertThat(count("cachekit.cache.tier.gets", "tier", "l2", "result", "hit")).isEqualTo(1);
	}

	@Test
	void putThatReachesBothTiersIsOnePutOfTheCacheAndOneOfEachTier() {
		TieredCache cache = bound(twoTier(fileBackend()));
		cache.put("k", "v");
		assertThat(sumByCache("cache.puts", null)).isEqualTo(1);
		assertThat(count("cachekit.cache.tier.puts", "tier", "l1")).isEqualTo(1);
		assertThat(count("cachekit.cache.tier.puts", "tier", "l2")).isEqualTo(1);
	}

	@Test
	void loadOnAMissIsOneMissAndOnePutThenAHit() throws Exception {
		TieredCache cache = bound(twoTier(fileBackend()));
		cache.get("k", () -> "loaded");
		cache.get("k", () -> "loaded again");
		assertThat(count("cache.gets", "result", "miss")).isEqualTo(1);
		assertThat(count("cache.gets", "result", "hit")).isEqualTo(1);
		assertThat(count("cache.puts")).isEqualTo(1);
	}

	@Test
	void retrieveThatL2AnswersIsOneHit() {
		FileBackend backend = fileBackend();
		twoTier(backend).put("k", "v");
		TieredCache fresh = bound(twoTier(backend));
		assertThat(fresh.retrieve("k").join()).isNotNull();
		assertThat(fresh.retrieve("missing").join()).isNull();
		assertThat(count("cache.gets", "result", "hit")).isEqualTo(1);
		assertThat(count("cache.gets", "result", "miss")).isEqualTo(1);
	}

	@Test
	void putIfAbsentIsAPutAndNotALookup() {
		TieredCache cache = bound(twoTier(fileBackend()));
		assertThat(cache.putIfAbsent("k", "v")).isNull();
		assertThat(count("cache.puts")).isEqualTo(1);
		assertThat(sumByCache("cache.gets", null)).isZero();
	}

	@Test
	void evictOfAnEntryInBothTiersIsOneEviction() {
		TieredCache cache = bound(twoTier(fileBackend()));
		cache.put("k", "v");
		assertThat(cache.evict("k")).isTrue();
		assertThat(cache.evict("k")).isFalse();
		assertThat(sumByCache("cache.evictions", null)).isEqualTo(1);
	}

	@Test
	void l1SizeEvictionIsAnEvictionOfAnL1OnlyCache() {
		TieredCache cache = bound(builder().configure((c) -> c.withL1MaxSize(1_000)).build());
		cache.put("a", "x".repeat(600));
		cache.put("b", "x".repeat(600));
		assertThat(count("cache.evictions")).isEqualTo(1);
		assertThat(count("cachekit.cache.tier.evictions", "tier", "l1")).isEqualTo(1);
	}

	@Test
	void l1SizeEvictionWithL2BehindIsNotAnEvictionOfTheCache() {
		TieredCache cache = bound(builder().backend(fileBackend()).configure((c) -> c.withL1MaxSize(1_000)).build());
		cache.put("a", "x".repeat(600));
		cache.put("b", "x".repeat(600));
		assertThat(count("cache.evictions")).isZero();
		assertThat(count("cachekit.cache.tier.evictions", "tier", "l1")).isEqualTo(1);
		assertThat(cache.get("a")).as("still cached, in L2").isNotNull();
	}

	@Test
	void lookupWhenL2FailsIsOneMissAndAnError() {
		FileBackend backend = fileBackend();
		backend.close();
		TieredCache cache = bound(builder().backend(backend).configure((c) -> c.withL1Enabled(false)).build());
		assertThat(cache.get("k")).isNull();
		assertThat(count("cache.gets", "result", "miss")).isEqualTo(1);
		assertThat(count("cachekit.cache.errors", "type", "PERMANENT")).isPositive();
	}

	@Test
	void sizeOfAnL1OnlyCacheIsItsEntryCount() {
		TieredCache cache = bound(builder().build());
		cache.put("a", "1");
		cache.put("b", "2");
		assertThat(this.registry.get("cache.size").tag("cache", NAME).gauge().value()).isEqualTo(2);
		assertThat(this.registry.get("cachekit.cache.l1.size").tag("cache", NAME).gauge().value()).isEqualTo(2);
	}

	@Test
	void sizeOfACacheWithL2IsUnknownAndL1HasItsOwnGauges() {
		TieredCache cache = bound(twoTier(fileBackend()));
		cache.put("a", "1");
		assertThat(this.registry.find("cache.size").meters()).isEmpty();
		assertThat(this.registry.get("cachekit.cache.l1.size").tag("cache", NAME).gauge().value()).isEqualTo(1);
		assertThat(this.registry.get("cachekit.cache.l1.weight").tag("cache", NAME).gauge().value()).isPositive();
	}

	@Test
	void tierFiguresDoNotUseTheStandardNames() {
		bound(twoTier(fileBackend()));
		assertThat(this.registry.getMeters()).map(Meter::getId)
			.filteredOn((id) -> id.getName().startsWith("cache."))
			.isNotEmpty()
			.allSatisfy((id) -> assertThat(id.getTag("tier")).isNull());
		assertThat(this.registry.find("cachekit.cache.tier.gets").tag("tier", "l1").meters()).hasSize(2);
		assertThat(this.registry.find("cachekit.cache.tier.gets").tag("tier", "l2").meters()).hasSize(2);
	}

	@Test
	void monitorBindsACacheToARegistryOnce() {
		TieredCache cache = twoTier(fileBackend());
		Tags tags = Tags.of("cache.manager", "cacheManager", "name", NAME);
		assertThat(TieredCacheMetrics.monitor(this.registry, cache, tags)).isTrue();
		assertThat(TieredCacheMetrics.monitor(this.registry, cache, tags)).isFalse();
		assertThat(this.registry.find("cache.gets").tag("cache", NAME).functionCounters()).hasSize(2)
			.allSatisfy((counter) -> assertThat(counter.getId().getTags()).containsAll(tags));
	}

	@Test
	void monitorBindsCachesOfOtherManagersAlongside() {
		TieredCache cache = twoTier(fileBackend());
		assertThat(TieredCacheMetrics.monitor(this.registry, cache, Tags.of("cache.manager", "one"))).isTrue();
		assertThat(TieredCacheMetrics.monitor(this.registry, cache, Tags.of("cache.manager", "two"))).isTrue();
		assertThat(this.registry.find("cache.gets").tag("cache", NAME).functionCounters()).hasSize(4);
	}

	@Test
	void invalidationsSentReceivedAndGapsAreCounted() {
		ManualTime time = new ManualTime();
		InMemoryBackend shared = InMemoryBackend.withCapabilities(time, BulkGet.class, Increment.class);
		TieredCache writer = builder().backend(shared).clock(time).ticker(time).build();
		TieredCache reader = bound(builder().backend(shared).clock(time).ticker(time).build());
		writer.put("k", "v1");
		reader.get("k");
		writer.put("k", "v2");
		time.advance(Duration.ofSeconds(1));
		reader.get("k");
		reader.put("mine", "v");
		assertThat(count("cachekit.cache.invalidations", "direction", "sent")).isEqualTo(1);
		assertThat(count("cachekit.cache.invalidations", "direction", "received")).isEqualTo(1);
		writer.put("k", "v3");
		shared.keys().stream().filter((key) -> key.contains(":inv:")).forEach(shared::delete);
		time.advance(Duration.ofSeconds(1));
		reader.get("k");
		// The record may still be on its way: it is a gap when missing one refresh later.
		time.advance(Duration.ofSeconds(1));
		reader.get("k");
		assertThat(count("cachekit.cache.invalidation.gaps")).isEqualTo(1);
	}

	@Test
	void staleEntriesServedAreCounted() throws Exception {
		io.cachekit.test.ManualTime time = new io.cachekit.test.ManualTime();
		TieredCache cache = bound(builder().clock(time)
			.ticker(time)
			.configure((c) -> c.withTtl(java.time.Duration.ofSeconds(10))
				.withServeStaleGrace(java.time.Duration.ofMinutes(1)))
			.build());
		cache.put("k", "v");
		time.advance(java.time.Duration.ofSeconds(15));
		assertThat(cache.<String>get("k", () -> {
			throw new IllegalStateException("the source is down");
		})).isEqualTo("v");
		assertThat(this.registry.get("cachekit.cache.stale").tag("cache", NAME).functionCounter().count()).isEqualTo(1);
	}

	private TieredCacheBuilder builder() {
		return TieredCache.builder(NAME).codec(MessagePackCodec.withDefaults()).executor(Runnable::run);
	}

	private TieredCache twoTier(FileBackend backend) {
		return builder().backend(backend).build();
	}

	private FileBackend fileBackend() {
		FileBackend backend = FileBackend.create(FileBackendConfig.builder().directory(this.directory).build());
		this.backends.add(backend);
		return backend;
	}

	private TieredCache bound(TieredCache cache) {
		new TieredCacheMetrics(cache, Tags.empty()).bindTo(this.registry);
		return cache;
	}

	private double count(String name, String... tags) {
		return this.registry.get(name).tag("cache", NAME).tags(tags).functionCounter().count();
	}

	/**
	 * Sums a meter over every series of the cache, as a dashboard grouping by cache name
	 * does.
	 */
	private double sumByCache(String name, @Nullable String result) {
		Search search = this.registry.find(name).tag("cache", NAME);
		if (result != null) {
			search = search.tag("result", result);
		}
		return search.functionCounters().stream().mapToDouble(FunctionCounter::count).sum();
	}

}
