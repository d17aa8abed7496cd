/**
 * The memcached backend, built on spymemcached with the binary protocol and Ketama
 * consistent hashing across servers.
 *
 * <p>
 * {@link io.cachekit.backend.memcached.MemcachedBackend} is created from an immutable
 * {@link io.cachekit.backend.memcached.MemcachedConfig}. Key mapping, TTL conversion,
 * error classification and the client pool are package-private.
 */
@NullMarked
package io.cachekit.backend.memcached;

import org.jspecify.annotations.NullMarked;
