package io.cachekit.backend;

import java.util.Collection;
import java.util.Map;

/**
 * Capability of a {@link Backend} that reads many keys in one round trip per server.
 *
 * @see Backend#capability(Class)
 */
public interface BulkGet {

	/**
	 * Returns the live entries among {@code keys}.
	 * @param keys the keys to read; duplicates are read once
	 * @return a map from each key that holds a live entry to its bytes; keys without an
	 * entry are absent from the map
	 * @throws BackendException when the store cannot answer
	 */
	Map<String, byte[]> getAll(Collection<String> keys);

}
