package io.cachekit.metrics;

import java.util.List;
import java.util.Objects;

import io.cachekit.backend.BackendErrorType;
import io.cachekit.codec.CodecException;
import io.cachekit.tier.Tier;
import io.cachekit.tier.TierStatistics;
import io.cachekit.tier.TieredCache;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.cache.CacheMeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * Binds a {@link TieredCache}'s statistics to Micrometer.
 *
 * <p>
 * For each tier, the standard cache meters that Spring Boot's own cache metrics use,
 * tagged {@code cache=<name>} and {@code tier=l1|l2}: {@code cache.gets} with
 * {@code result=hit|miss}, {@code cache.puts}, {@code cache.evictions}, and for L1
 * {@code cache.size}. Besides: {@code cachekit.cache.errors} (L2 failures, tag
 * {@code type} = {@link BackendErrorType}), {@code cachekit.cache.codec.errors} (tag
 * {@code kind} = {@link CodecException.Kind}) and {@code cachekit.cache.rejected} (values
 * refused as too large).
 *
 * <p>
 * Meters read live counters when scraped; binding costs nothing per cache call.
 */
public final class TieredCacheMetrics implements MeterBinder {

	private final TieredCache cache;

	private final Tags tags;

	/**
	 * Creates a binder for one cache.
	 * @param cache the cache
	 * @param tags further tags of every meter
	 */
	public TieredCacheMetrics(TieredCache cache, Iterable<Tag> tags) {
		this.cache = Objects.requireNonNull(cache, "cache must not be null");
		this.tags = Tags.of(tags);
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (Tier tier : tiers()) {
			new TierBinder(this.cache, tier, this.tags.and("tier", tier.tagValue())).bindTo(registry);
		}
	}

	private List<Tier> tiers() {
		if (this.cache.isL1Enabled() && this.cache.backend().isPresent()) {
			return List.of(Tier.L1, Tier.L2);
		}
		return List.of(this.cache.isL1Enabled() ? Tier.L1 : Tier.L2);
	}

	/**
	 * The standard cache meters of one tier.
	 */
	private static final class TierBinder extends CacheMeterBinder<TieredCache> {

		private final Tier tier;

		private final TierStatistics statistics;

		TierBinder(TieredCache cache, Tier tier, Iterable<Tag> tags) {
			super(cache, cache.name(), tags);
			this.tier = tier;
			this.statistics = cache.statistics(tier);
		}

		@Override
		protected @Nullable Long size() {
			TieredCache cache = getCache();
			return (this.tier == Tier.L1 && cache != null) ? cache.l1Size() : null;
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
			TierStatistics statistics = this.statistics;
			Iterable<Tag> tags = getTagsWithCacheName();
			if (this.tier == Tier.L1) {
				TieredCache cache = getCache();
				if (cache != null) {
					registry.gauge("cachekit.cache.l1.weight", Tags.of(tags), cache, TieredCache::l1Weight);
				}
			}
			for (BackendErrorType type : BackendErrorType.values()) {
				FunctionCounter.builder("cachekit.cache.errors", statistics, (s) -> s.errorCount(type))
					.tags(tags)
					.tag("type", type.name())
					.description("Failed operations of the tier, by error type")
					.register(registry);
			}
			for (CodecException.Kind kind : CodecException.Kind.values()) {
				FunctionCounter.builder("cachekit.cache.codec.errors", statistics, (s) -> s.codecErrorCount(kind))
					.tags(tags)
					.tag("kind", kind.name())
					.description("Values that could not be encoded or decoded, by kind")
					.register(registry);
			}
			FunctionCounter.builder("cachekit.cache.rejected", statistics, TierStatistics::rejectedCount)
				.tags(tags)
				.description("Values not cached because the backend refused them, for example as too large")
				.register(registry);
		}

	}

}
