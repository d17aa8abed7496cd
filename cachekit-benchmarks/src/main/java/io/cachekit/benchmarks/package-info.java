/**
 * JMH benchmarks of cachekit against real servers started on loopback ports.
 *
 * <p>
 * They are packaged into {@code target/benchmarks.jar} and run by hand; the build never
 * runs them.
 */
@NullMarked
package io.cachekit.benchmarks;

import org.jspecify.annotations.NullMarked;
