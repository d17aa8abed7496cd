package io.cachekit.tier;

import java.util.Collection;
import java.util.Map;

import io.cachekit.backend.BackendException;
import io.cachekit.codec.CodecException;
import org.jspecify.annotations.Nullable;

/**
 * The tags of the entries one {@link TieredCache} writes: checks the tags of a write and
 * reads the versions to record with it, or counts and logs, once per kind, why the write
 * cannot be tagged (a tag that is not valid or too many, as a value that cannot be
 * encoded; no counters in the backend, likewise; a version that cannot be read, as an L2
 * failure). Thread-safe.
 */
final class EntryTags {

	private final @Nullable CacheTags tags;

	private final RemoteTier l2;

	/**
	 * Creates the tags of a cache's writes.
	 * @param tags the cache's tags, or {@code null} when the backend keeps no counters
	 * @param l2 the cache's L2, which counts and logs what went wrong
	 */
	EntryTags(@Nullable CacheTags tags, RemoteTier l2) {
		this.tags = tags;
		this.l2 = l2;
	}

	/**
	 * Returns the versions to record for a write with tags.
	 * @param value the value written, for the log
	 * @param tags the write's tags, at least one
	 * @return the versions, or {@code null} when the write cannot be tagged (counted and
	 * logged)
	 */
	@Nullable Map<String, Long> versions(@Nullable Object value, Collection<String> tags) {
		CacheTags cacheTags = this.tags;
		if (cacheTags == null) {
			notTagged(value, "the backend keeps no counters (Increment), without which tags cannot be versioned");
			return null;
		}
		try {
			return cacheTags.versions(CacheTags.checkAll(tags));
		}
		catch (IllegalArgumentException ex) {
			notTagged(value, ex.getMessage());
		}
		catch (BackendException ex) {
			this.l2.failed(ex);
		}
		return null;
	}

	private void notTagged(@Nullable Object value, @Nullable String reason) {
		this.l2.notEncodable(value,
				new CodecException(CodecException.Kind.UNSERIALIZABLE, "its tags: " + reason, null));
	}

}
