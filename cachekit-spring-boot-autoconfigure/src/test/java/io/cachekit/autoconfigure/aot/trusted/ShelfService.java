package io.cachekit.autoconfigure.aot.trusted;

import io.cachekit.codec.MessagePackCodec;

import org.springframework.stereotype.Service;

/**
 * A service of a trusted package: a bean, never a cached value, whose getter names a
 * collaborator of another package.
 */
@Service
public class ShelfService {

	private final MessagePackCodec codec = MessagePackCodec.withDefaults();

	public MessagePackCodec getCodec() {
		return this.codec;
	}

}
