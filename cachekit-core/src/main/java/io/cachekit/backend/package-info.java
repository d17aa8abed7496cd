/**
 * The backend SPI: the byte-level store behind cachekit's second tier.
 *
 * <p>
 * A {@link io.cachekit.backend.Backend} has five synchronous, thread-safe operations.
 * What a store can do beyond them (atomic add, bulk get, counters, TTL inspection) is
 * offered through small capability interfaces that the engine asks for with
 * {@link io.cachekit.backend.Backend#capability(Class)}. Every failure is a
 * {@link io.cachekit.backend.BackendException} classified by
 * {@link io.cachekit.backend.BackendErrorType}.
 *
 * <p>
 * What every backend repeats is written once here: {@link io.cachekit.backend.Retry} (the
 * retry loop of idempotent operations), {@link io.cachekit.backend.Checks} (key, value
 * size, closed backend and configuration range checks) and
 * {@link io.cachekit.backend.Durations} (durations in messages). They are public because
 * the backends live in sub-packages; an application's own backend may use them too.
 */
@NullMarked
package io.cachekit.backend;

import org.jspecify.annotations.NullMarked;
