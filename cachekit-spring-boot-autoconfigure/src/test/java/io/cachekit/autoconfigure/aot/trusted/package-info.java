/**
 * Types of a trusted package, for the native-image hints tests.
 */
package io.cachekit.autoconfigure.aot.trusted;
