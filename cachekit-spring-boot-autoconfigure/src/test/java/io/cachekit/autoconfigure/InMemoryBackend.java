package io.cachekit.autoconfigure;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.cachekit.backend.Backend;
import io.cachekit.backend.BackendHealth;
import org.jspecify.annotations.Nullable;

/**
 * A user's own backend, as an application would declare one: entries in a map, no expiry.
 */
class InMemoryBackend implements Backend {

	final Map<String, byte[]> entries = new ConcurrentHashMap<>();

	@Override
	public byte @Nullable [] get(String key) {
		return this.entries.get(key);
	}

	@Override
	public void set(String key, byte[] value, @Nullable Duration ttl) {
		this.entries.put(key, value);
	}

	@Override
	public boolean delete(String key) {
		return this.entries.remove(key) != null;
	}

	@Override
	public boolean exists(String key) {
		return this.entries.containsKey(key);
	}

	@Override
	public BackendHealth health() {
		return BackendHealth.up("in-memory", 0, Map.of("entries", this.entries.size()));
	}

}
