package io.cachekit.metrics;

import java.util.List;
import java.util.Objects;

import io.cachekit.backend.BackendErrorType;
import io.cachekit.codec.CodecException;
import io.cachekit.tier.Tier;
import io.cachekit.tier.TierStatistics;
import io.cachekit.tier.TieredCache;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.cache.CacheMeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * Binds a {@link TieredCache}'s statistics to Micrometer.
 *
 * <p>
 * <b>The cache as a whole</b> ({@link TieredCache#statistics()}), under the standard
 * names that Spring Boot's cache metrics and dashboards use, tagged {@code cache=<name>}
 * plus the given tags: {@code cache.gets} with {@code result=hit|miss} (a hit of either
 * tier is one hit, a lookup neither tier answers one miss), {@code cache.puts} (one per
 * value stored, whichever tiers it reached), {@code cache.evictions}, and
 * {@code cache.size} when the cache is L1 only (the entry count of an L2 is not known).
 * Summed by cache name these count each call once.
 *
 * <p>
 * <b>Each tier</b> ({@link TieredCache#statistics(Tier)}), under names of their own with
 * a tag {@code tier=l1|l2}: {@code cachekit.cache.tier.gets} ({@code result=hit|miss}; a
 * lookup L1 misses and L2 answers is an L1 miss and an L2 hit),
 * {@code cachekit.cache.tier.puts} and {@code cachekit.cache.tier.evictions}; for L1 the
 * gauges {@code cachekit.cache.l1.size} (entries) and {@code cachekit.cache.l1.weight}
 * (estimated heap bytes of values, keys and entries). Compare tiers with these; do not
 * add them across tiers.
 *
 * <p>
 * <b>Failures</b> of the cache: {@code cachekit.cache.errors} (L2 failures, tag
 * {@code type} = {@link BackendErrorType}), {@code cachekit.cache.codec.errors} (tag
 * {@code kind} = {@link CodecException.Kind}) and {@code cachekit.cache.rejected} (values
 * refused as too large).
 *
 * <p>
 * <b>Coherence</b> across instances: {@code cachekit.cache.invalidations} with
 * {@code direction=sent} (changes announced to other instances) and
 * {@code direction=received} (other instances' changes applied to L1), and
 * {@code cachekit.cache.invalidation.gaps} (times L1 was dropped because changes may have
 * been missed).
 *
 * <p>
 * Meters read live counters when scraped; binding costs nothing per cache call. The cache
 * is held weakly, as by every {@link CacheMeterBinder}. A registry that already has a
 * cache's meters is not given them again by {@link #monitor}.
 */
public final class TieredCacheMetrics extends CacheMeterBinder<TieredCache> {

	private final TierStatistics statistics;

	private final boolean l1Only;

	private final List<Tier> tiers;

	/**
	 * Creates a binder for one cache.
	 * @param cache the cache
	 * @param tags further tags of every meter, such as Spring Boot's {@code name} and
	 * {@code cache.manager}
	 */
	public TieredCacheMetrics(TieredCache cache, Iterable<Tag> tags) {
		super(Objects.requireNonNull(cache, "cache must not be null"), cache.name(), tags);
		this.statistics = cache.statistics();
		boolean l2 = cache.backend().isPresent();
		this.l1Only = !l2;
		this.tiers = (cache.configuration().l1Enabled() && l2) ? List.of(Tier.L1, Tier.L2)
				: List.of(cache.configuration().l1Enabled() ? Tier.L1 : Tier.L2);
	}

	/**
	 * Binds a cache's meters to a registry unless the registry has them already, for
	 * example when a cache manager bound its caches as it created them and Spring Boot's
	 * {@code CacheMetricsRegistrar} binds them again at startup. Meters count as present
	 * when the registry has {@code cache.gets} with the cache's name and every given tag.
	 * Two calls at the same moment may both bind; Micrometer then keeps the meters
	 * registered first, so nothing is counted twice.
	 * @param registry the registry
	 * @param cache the cache
	 * @param tags further tags of every meter
	 * @return whether the meters were bound now
	 */
	public static boolean monitor(MeterRegistry registry, TieredCache cache, Iterable<Tag> tags) {
		Objects.requireNonNull(registry, "registry must not be null");
		Objects.requireNonNull(cache, "cache must not be null");
		Tags all = Tags.of(Objects.requireNonNull(tags, "tags must not be null")).and("cache", cache.name());
		if (registry.find("cache.gets").tags(all).functionCounter() != null) {
			return false;
		}
		new TieredCacheMetrics(cache, tags).bindTo(registry);
		return true;
	}

	@Override
	protected @Nullable Long size() {
		TieredCache cache = getCache();
		return (this.l1Only && cache != null) ? cache.l1Size() : null;
	}

	@Override
	protected long hitCount() {
		return this.statistics.hitCount();
	}

	@Override
	protected Long missCount() {
		return this.statistics.missCount();
	}

	@Override
	protected Long evictionCount() {
		return this.statistics.evictionCount();
	}

	@Override
	protected long putCount() {
		return this.statistics.putCount();
	}

	@Override
	protected void bindImplementationSpecificMetrics(MeterRegistry registry) {
		TieredCache cache = getCache();
		if (cache == null) {
			return;
		}
		Iterable<Tag> tags = getTagsWithCacheName();
		for (Tier tier : this.tiers) {
			bindTier(registry, cache, tier, Tags.of(tags).and("tier", tier.tagValue()));
		}
		if (this.tiers.contains(Tier.L1)) {
			Gauge.builder("cachekit.cache.l1.size", cache, TieredCache::l1Size)
				.tags(tags)
				.description("Entries in L1, approximately")
				.register(registry);
			Gauge.builder("cachekit.cache.l1.weight", cache, TieredCache::l1Weight)
				.tags(tags)
				.baseUnit("bytes")
				.description("Encoded bytes held in L1")
				.register(registry);
		}
		for (BackendErrorType type : BackendErrorType.values()) {
			FunctionCounter.builder("cachekit.cache.errors", cache, (c) -> c.statistics().errorCount(type))
				.tags(tags)
				.tag("type", type.name())
				.description("Failed L2 operations of the cache, by error type")
				.register(registry);
		}
		for (CodecException.Kind kind : CodecException.Kind.values()) {
			FunctionCounter.builder("cachekit.cache.codec.errors", cache, (c) -> c.statistics().codecErrorCount(kind))
				.tags(tags)
				.tag("kind", kind.name())
				.description("Values that could not be encoded or decoded, by kind")
				.register(registry);
		}
		FunctionCounter.builder("cachekit.cache.rejected", cache, (c) -> c.statistics().rejectedCount())
			.tags(tags)
			.description("Values not cached because the backend refused them, for example as too large")
			.register(registry);
		FunctionCounter.builder("cachekit.cache.stale", cache, (c) -> c.statistics().staleCount())
			.tags(tags)
			.description("Entries served past their freshness, within the serve-stale grace, because L2 was out "
					+ "of reach or the loader failed")
			.register(registry);
		bindCoherence(registry, cache, tags);
	}

	private static void bindCoherence(MeterRegistry registry, TieredCache cache, Iterable<Tag> tags) {
		FunctionCounter.builder("cachekit.cache.invalidations", cache, (c) -> c.statistics().invalidationsSentCount())
			.tags(tags)
			.tag("direction", "sent")
			.description("Changes of this instance announced to the others")
			.register(registry);
		FunctionCounter
			.builder("cachekit.cache.invalidations", cache, (c) -> c.statistics().invalidationsReceivedCount())
			.tags(tags)
			.tag("direction", "received")
			.description("Changes of other instances applied to this instance's L1")
			.register(registry);
		FunctionCounter.builder("cachekit.cache.invalidation.gaps", cache, (c) -> c.statistics().invalidationGapCount())
			.tags(tags)
			.description("Times L1 was dropped because changes of other instances may have been missed")
			.register(registry);
	}

	private static void bindTier(MeterRegistry registry, TieredCache cache, Tier tier, Tags tags) {
		FunctionCounter.builder("cachekit.cache.tier.gets", cache, (c) -> c.statistics(tier).hitCount())
			.tags(tags)
			.tag("result", "hit")
			.description("Lookups this tier answered")
			.register(registry);
		FunctionCounter.builder("cachekit.cache.tier.gets", cache, (c) -> c.statistics(tier).missCount())
			.tags(tags)
			.tag("result", "miss")
			.description("Lookups this tier could not answer, failures included")
			.register(registry);
		FunctionCounter.builder("cachekit.cache.tier.puts", cache, (c) -> c.statistics(tier).putCount())
			.tags(tags)
			.description("Values written to this tier")
			.register(registry);
		FunctionCounter.builder("cachekit.cache.tier.evictions", cache, (c) -> c.statistics(tier).evictionCount())
			.tags(tags)
			.description("Entries removed from this tier: by size or expiry (L1), by evict, or as unreadable (L2)")
			.register(registry);
	}

}
