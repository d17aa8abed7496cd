package io.cachekit.autoconfigure;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.cachekit.backend.Backend;
import io.cachekit.backend.BackendHealth;
import org.jspecify.annotations.Nullable;

/**
 * A user's own backend, as small as one can be and still pass the backend contract:
 * entries in a map, each with its expiry time. The README shows it.
 */
class MapBackend implements Backend {

	private final Map<String, Entry> entries = new ConcurrentHashMap<>();

	@Override
	public byte @Nullable [] get(String key) {
		Entry entry = this.entries.get(key);
		if (entry == null || entry.isExpired()) {
			return null;
		}
		return entry.value().clone();
	}

	@Override
	public void set(String key, byte[] value, @Nullable Duration ttl) {
		long expiresAt = (ttl == null || ttl.isZero() || ttl.isNegative()) ? Long.MAX_VALUE
				: System.currentTimeMillis() + Math.max(1, ttl.toMillis());
		this.entries.put(key, new Entry(value.clone(), expiresAt));
	}

	@Override
	public boolean delete(String key) {
		Entry removed = this.entries.remove(key);
		return removed != null && !removed.isExpired();
	}

	@Override
	public boolean exists(String key) {
		return get(key) != null;
	}

	@Override
	public BackendHealth health() {
		return BackendHealth.up("map", 0, Map.of("entries", this.entries.size()));
	}

	Map<String, ?> entries() {
		return this.entries;
	}

	private record Entry(byte[] value, long expiresAt) {

		boolean isExpired() {
			return System.currentTimeMillis() >= this.expiresAt;
		}

	}

}
