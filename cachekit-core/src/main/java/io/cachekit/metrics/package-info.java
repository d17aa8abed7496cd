/**
 * Micrometer meters for cachekit: Spring Boot's standard cache meters per tier, and
 * latency and error meters of the backend.
 */
@NullMarked
package io.cachekit.metrics;

import org.jspecify.annotations.NullMarked;
