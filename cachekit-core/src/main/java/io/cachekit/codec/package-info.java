/**
 * Value codecs: objects to the bytes stored in the second tier and back.
 *
 * <p>
 * A {@link io.cachekit.codec.ValueCodec} writes a versioned envelope (format version,
 * codec id, flags, expiry time) in front of the payload, so a reader can refuse what it
 * does not understand instead of misreading it; it is told the L2 key of every entry, so
 * that it can refuse an entry written for another key. The default codec,
 * {@link io.cachekit.codec.MessagePackCodec}, writes MessagePack through Jackson, ends
 * each envelope with CRC32C checks over the entry and its key, and only instantiates
 * classes on its allowlist.
 */
@NullMarked
package io.cachekit.codec;

import org.jspecify.annotations.NullMarked;
