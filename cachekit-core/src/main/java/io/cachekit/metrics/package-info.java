/**
 * Micrometer meters for cachekit: Spring Boot's standard cache meters for each cache as a
 * whole, per-tier meters of their own, and latency and error meters of the backend.
 */
@NullMarked
package io.cachekit.metrics;

import org.jspecify.annotations.NullMarked;
