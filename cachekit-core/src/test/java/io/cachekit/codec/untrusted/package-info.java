/**
 * Classes of a package the tests' codecs do not trust, some of which count when they are
 * initialized and instantiated.
 */
@NullMarked
package io.cachekit.codec.untrusted;

import org.jspecify.annotations.NullMarked;
