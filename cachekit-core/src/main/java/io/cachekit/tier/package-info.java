/**
 * The two-tier cache: an in-process L1 (Caffeine, bounded by bytes, per-entry expiry) in
 * front of a shared L2 {@link io.cachekit.backend.Backend}, with values written through a
 * {@link io.cachekit.codec.ValueCodec}.
 *
 * <p>
 * {@link io.cachekit.tier.TieredCache} is the entry point, created with
 * {@link io.cachekit.tier.TieredCache#builder(String)}. It never lets an L2 or codec
 * failure reach its caller: such a failure is a miss (or "not cached"), counted in
 * {@link io.cachekit.tier.TierStatistics} and logged once.
 */
@NullMarked
package io.cachekit.tier;

import org.jspecify.annotations.NullMarked;
