package io.cachekit.tier;

import java.time.Clock;

import com.github.benmanes.caffeine.cache.Ticker;

/**
 * The two clocks of a cache: the wall clock of the expiry times written to L2, and the
 * monotonic ticker of L1 deadlines, refresh intervals and the circuit breaker.
 *
 * @param clock the wall clock
 * @param ticker the monotonic time source
 */
record TimeSource(Clock clock, Ticker ticker) {

}
