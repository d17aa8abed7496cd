/**
 * The file backend: entries kept as files in a local directory, which survive restarts
 * and are shared by every process on the machine that uses the same directory.
 *
 * <p>
 * {@link io.cachekit.backend.file.FileBackend} is created from an immutable
 * {@link io.cachekit.backend.file.FileBackendConfig}. The directory layout, the entry
 * file format, the file locks and error classification are package-private.
 */
@NullMarked
package io.cachekit.backend.file;

import org.jspecify.annotations.NullMarked;
