package io.cachekit.benchmarks;

import net.spy.memcached.CachedData;
import net.spy.memcached.transcoders.Transcoder;

/**
 * Hands a memcached value's bytes to the caller as they are, whatever their flags, and
 * writes bytes with flags zero: what cachekit's memcached backend does, so that a plain
 * client can read the bytes cachekit stored. Decodes on the calling thread, not on the
 * client's I/O thread. Stateless and thread-safe.
 */
final class PassThroughTranscoder implements Transcoder<byte[]> {

	private final int maxSize;

	/**
	 * Creates the transcoder.
	 * @param maxSize the largest value it writes, in bytes
	 */
	PassThroughTranscoder(int maxSize) {
		this.maxSize = maxSize;
	}

	@Override
	public boolean asyncDecode(CachedData data) {
		return false;
	}

	@Override
	public CachedData encode(byte[] bytes) {
		return new CachedData(0, bytes, this.maxSize);
	}

	@Override
	public byte[] decode(CachedData data) {
		return data.getData();
	}

	@Override
	public int getMaxSize() {
		return this.maxSize;
	}

}
