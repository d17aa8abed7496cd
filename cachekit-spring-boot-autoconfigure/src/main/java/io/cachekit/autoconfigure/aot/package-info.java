/**
 * Ahead-of-time processing for native images: the reflection cachekit itself needs, and
 * the classes of the application's trusted packages that the codec reads by name.
 * Registered in {@code META-INF/spring/aot.factories}.
 */
@NullMarked
package io.cachekit.autoconfigure.aot;

import org.jspecify.annotations.NullMarked;
