/**
 * The Redis backend, built on Spring Data Redis over Lettuce.
 *
 * <p>
 * {@link io.cachekit.backend.redis.RedisBackend} runs over a
 * {@code RedisConnectionFactory}, given by the application or built from a Redis URL in
 * an immutable {@link io.cachekit.backend.redis.RedisBackendConfig}. URL parsing, key
 * encoding, error classification and the owned connection factory are package-private.
 * Spring Data Redis and Lettuce are optional dependencies of cachekit-core: an
 * application that uses this package adds them.
 */
@NullMarked
package io.cachekit.backend.redis;

import org.jspecify.annotations.NullMarked;
