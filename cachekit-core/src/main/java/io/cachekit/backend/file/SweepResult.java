package io.cachekit.backend.file;

/**
 * What one sweep of a cache directory did.
 *
 * @param expired expired entries removed
 * @param damaged damaged or foreign entry files removed
 * @param evicted live entries removed to bring the store under its caps
 * @param abandoned abandoned temporary files removed
 * @param entries entries left
 * @param bytes bytes of entry files left
 */
record SweepResult(int expired, int damaged, int evicted, int abandoned, long entries, long bytes) {

}
