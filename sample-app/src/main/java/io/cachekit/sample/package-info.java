/**
 * The cachekit sample application.
 */
@NullMarked
package io.cachekit.sample;

import org.jspecify.annotations.NullMarked;
