package io.cachekit.autoconfigure.aot.extra;

/**
 * A cached record of a package trusted through cachekit.serialization.trusted-packages.
 *
 * @param total the total
 */
public record Receipt(long total) {

}
