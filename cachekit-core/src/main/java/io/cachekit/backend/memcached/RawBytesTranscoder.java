package io.cachekit.backend.memcached;

import net.spy.memcached.CachedData;
import net.spy.memcached.transcoders.Transcoder;

/**
 * Passes values to and from memcached as they are: no serialization, no compression,
 * flags always zero. Values written by other clients are read back byte for byte,
 * whatever their flags; telling them apart is the value codec's work.
 */
final class RawBytesTranscoder implements Transcoder<byte[]> {

	private final int maxSize;

	RawBytesTranscoder(int maxSize) {
		this.maxSize = maxSize;
	}

	@Override
	public boolean asyncDecode(CachedData data) {
		return false;
	}

	@Override
	public CachedData encode(byte[] value) {
		return new CachedData(0, value, this.maxSize);
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
