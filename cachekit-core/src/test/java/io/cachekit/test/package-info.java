/**
 * Test support shared by every module and published in cachekit-core's test-jar: real
 * {@code memcached} and {@code redis-server} processes on free loopback ports, with the
 * means to stop, pause and restart them for fault tests.
 */
@NullMarked
package io.cachekit.test;

import org.jspecify.annotations.NullMarked;
