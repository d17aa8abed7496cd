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
 */
@NullMarked
package io.cachekit.backend;

import org.jspecify.annotations.NullMarked;
