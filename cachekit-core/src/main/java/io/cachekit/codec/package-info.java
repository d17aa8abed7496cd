/**
 * Value codecs: objects to the bytes stored in the second tier and back.
 *
 * <p>
 * A {@link io.cachekit.codec.ValueCodec} writes a versioned envelope (format version,
 * codec id, flags, expiry time) in front of the payload, so a reader can refuse what it
 * does not understand instead of misreading it. The default codec,
 * {@link io.cachekit.codec.MessagePackCodec}, writes MessagePack through Jackson and only
 * instantiates classes on its allowlist.
 */
@NullMarked
package io.cachekit.codec;

import org.jspecify.annotations.NullMarked;
