package io.cachekit.tier;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import io.cachekit.backend.BackendErrorType;
import io.cachekit.backend.BackendException;
import io.cachekit.backend.BackendOperation;
import io.cachekit.backend.BulkGet;
import io.cachekit.backend.Increment;
import io.cachekit.codec.CodecException;
import io.cachekit.codec.MessagePackCodec;
import io.cachekit.test.FaultInjectingBackend;
import io.cachekit.test.InMemoryBackend;
import io.cachekit.test.ManualTime;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link TieredCache}'s tags: entries stored with tags are evicted by tag in every cache
 * sharing the tags and, within the refresh interval, on every instance; without a scan of
 * L2, and without cost for entries without tags.
 */
class TieredCacheTagsTests {

	private static final Duration REFRESH = Duration.ofSeconds(1);

	private final ManualTime time = new ManualTime();

	private final InMemoryBackend store = InMemoryBackend.create(this.time);

	private final FaultInjectingBackend backend = FaultInjectingBackend.wrap(this.store);

	private final CacheTags tags = CacheTags.create(this.backend, REFRESH, this.time, this.time);

	private TieredCacheBuilder builder(String name) {
		return TieredCache.builder(name)
			.backend(this.backend)
			.codec(MessagePackCodec.withDefaults())
			.clock(this.time)
			.ticker(this.time)
			.executor(Runnable::run);
	}

	@Test
	void evictingATagEvictsItsEntriesInEveryCacheThatSharesTheTags() {
		TieredCache users = builder("users").tags(this.tags).build();
		TieredCache orders = builder("orders").tags(this.tags).build();
		users.put("42", "alice", List.of("user:42"));
		orders.put("o-1", "book", List.of("user:42", "shop:7"));
		orders.put("o-2", "pen", List.of("user:43"));
		users.put("43", "bob");
		assertThat(users.get("42")).isEqualTo(new CacheHit("alice"));
		this.tags.evict("user:42");
		assertThat(users.get("42")).isNull();
		assertThat(orders.get("o-1")).isNull();
		assertThat(orders.get("o-2")).isEqualTo(new CacheHit("pen"));
		assertThat(users.get("43")).isEqualTo(new CacheHit("bob"));
	}

	@Test
	void anEvictedEntryIsNotReadBackFromL2() {
		TieredCache writer = builder("users").tags(this.tags).build();
		writer.put("42", "alice", List.of("user:42"));
		TieredCache reader = builder("users").tags(this.tags).configure((c) -> c.withL1Enabled(false)).build();
		assertThat(reader.get("42")).isEqualTo(new CacheHit("alice"));
		this.tags.evict("user:42");
		assertThat(reader.get("42")).isNull();
		assertThat(this.store.getAll(List.of("users:" + this.time.millis() + ":42"))).as("no scan, no delete")
			.hasSize(1);
	}

	@Test
	void anotherInstanceStopsServingTheEntriesWithinTheRefreshInterval() {
		CacheTags otherTags = CacheTags.create(this.backend, REFRESH, this.time, this.time);
		TieredCache here = builder("users").tags(this.tags).build();
		TieredCache there = builder("users").tags(otherTags).build();
		here.put("42", "alice", List.of("user:42"));
		assertThat(there.get("42")).as("read from L2 into the other L1").isEqualTo(new CacheHit("alice"));
		this.tags.evict("user:42");
		assertThat(here.get("42")).isNull();
		this.time.advance(REFRESH);
		assertThat(there.get("42")).isNull();
	}

	@Test
	void anEvictionPushedOnTheBroadcastIsSeenByAnotherInstanceAtOnce() {
		CacheTags otherTags = CacheTags.create(this.backend, REFRESH, this.time, this.time);
		TieredCache here = builder("users").tags(this.tags).build();
		TieredCache there = builder("users").tags(otherTags).build();
		here.put("42", "alice", List.of("user:42"));
		assertThat(there.get("42")).isEqualTo(new CacheHit("alice"));
		this.tags.evict("user:42");
		assertThat(there.get("42")).as("without waiting for the refresh interval").isNull();
		otherTags.close();
		here.put("42", "alice again", List.of("user:42"));
		assertThat(there.get("42")).isEqualTo(new CacheHit("alice again"));
		this.tags.evict("user:42");
		assertThat(there.get("42")).as("closed: no longer hears pushed evictions").isNotNull();
	}

	@Test
	void withoutABroadcastAnotherInstanceSeesTheEvictionOnlyAfterTheRefreshInterval() {
		InMemoryBackend quiet = InMemoryBackend.withCapabilities(this.time, Increment.class, BulkGet.class);
		CacheTags hereTags = CacheTags.create(quiet, REFRESH, this.time, this.time);
		CacheTags thereTags = CacheTags.create(quiet, REFRESH, this.time, this.time);
		TieredCache here = builder("users").backend(quiet).tags(hereTags).build();
		TieredCache there = builder("users").backend(quiet).tags(thereTags).build();
		here.put("42", "alice", List.of("user:42"));
		assertThat(there.get("42")).isEqualTo(new CacheHit("alice"));
		hereTags.evict("user:42");
		assertThat(there.get("42")).as("within the refresh interval").isNotNull();
		this.time.advance(REFRESH);
		assertThat(there.get("42")).isNull();
	}

	@Test
	void anEvictionThatCannotReachL2IsKeptAndTriedAgainUntilItDoes() {
		CacheTags otherTags = CacheTags.create(this.backend, REFRESH, this.time, this.time);
		TieredCache here = builder("users").tags(this.tags).build();
		TieredCache there = builder("users").tags(otherTags).build();
		here.put("42", "alice", List.of("user:42"));
		assertThat(there.get("42")).isEqualTo(new CacheHit("alice"));
		this.backend.fail(BackendErrorType.TRANSIENT, (operation, key) -> operation == BackendOperation.INCREMENT);
		assertThatExceptionOfType(BackendException.class).isThrownBy(() -> this.tags.evict("user:42"));
		this.backend.heal();
		assertThat(here.get("42")).as("not served here while the eviction is pending").isNull();
		here.put("42", "alice again", List.of("user:42"));
		assertThat(here.get("42")).as("nor written").isNull();
		this.time.advance(Duration.ofMillis(PendingTagEvictions.RETRY_MILLIS));
		here.put("42", "alice again", List.of("user:42"));
		assertThat(here.get("42")).as("retried, then written").isEqualTo(new CacheHit("alice again"));
		this.time.advance(REFRESH);
		assertThat(there.get("42")).as("the other instance saw the eviction").isEqualTo(new CacheHit("alice again"));
	}

	@Test
	void tagsWorkInACacheWithL1Only() {
		CacheTags local = CacheTags.create(null, REFRESH, this.time, this.time);
		TieredCache cache = TieredCache.builder("local")
			.codec(MessagePackCodec.withDefaults())
			.clock(this.time)
			.ticker(this.time)
			.tags(local)
			.build();
		cache.put("42", "alice", List.of("user:42"));
		cache.put("43", "bob", List.of("user:43"));
		local.evict("user:42");
		assertThat(cache.get("42")).isNull();
		assertThat(cache.get("43")).isEqualTo(new CacheHit("bob"));
	}

	@Test
	void aCacheHasTagsOfItsOwnWhenGivenNone() {
		TieredCache cache = builder("users").build();
		cache.put("42", "alice", Set.of("user:42"));
		assertThat(cache.tags()).isPresent();
		cache.tags().orElseThrow().evict("user:42");
		assertThat(cache.get("42")).isNull();
	}

	@Test
	void aLostCounterNeverBringsBackAnEntryWrittenBeforeIt() {
		TieredCache cache = builder("users").tags(this.tags).build();
		cache.put("42", "alice", List.of("user:42"));
		this.tags.evict("user:42");
		cache.put("42", "alice again", List.of("user:42"));
		this.store.delete(CacheKeys.tagKey("user:42"));
		this.time.advance(REFRESH);
		assertThat(cache.get("42")).isNull();
	}

	@Test
	void entriesWithoutTagsAreWrittenAndReadAsBefore() {
		TieredCache cache = builder("users").tags(this.tags).build();
		cache.put("42", "alice");
		cache.put("43", "bob", List.of());
		assertThat(cache.get("42")).isEqualTo(new CacheHit("alice"));
		assertThat(cache.get("43")).isEqualTo(new CacheHit("bob"));
		byte[] bytes = this.store.get("users:" + this.time.millis() + ":42");
		assertThat(bytes[4] & 8).as("the envelope's tagged flag").isZero();
	}

	@Test
	void tenThousandEntriesSharingATagAreEvictedByOneIncrement() {
		TieredCache cache = builder("orders").tags(this.tags).build();
		IntStream.range(0, 10_000).forEach((i) -> cache.put(i, "order " + i, List.of("tenant:1")));
		long increments = this.backend.calls(BackendOperation.INCREMENT);
		this.tags.evict("tenant:1");
		assertThat(this.backend.calls(BackendOperation.INCREMENT)).isEqualTo(increments + 1);
		assertThat(IntStream.range(0, 10_000).filter((i) -> cache.get(i) != null).count()).isZero();
	}

	@Test
	void anInvalidTagLeavesTheKeyWithoutAnEntryCountedNotThrown() {
		TieredCache cache = builder("users").tags(this.tags).build();
		cache.put("42", "alice", List.of("user:42"));
		cache.put("42", "alice v2", List.of("user 42"));
		assertThat(cache.get("42")).isNull();
		assertThat(cache.statistics(Tier.L2).codecErrorCount(CodecException.Kind.UNSERIALIZABLE)).isEqualTo(1);
		cache.put("43", "bob", IntStream.range(0, CacheTags.MAX_TAGS + 1).mapToObj((i) -> "t" + i).toList());
		assertThat(cache.get("43")).isNull();
		assertThat(cache.statistics(Tier.L2).codecErrorCount(CodecException.Kind.UNSERIALIZABLE)).isEqualTo(2);
	}

	@Test
	void aVersionThatCannotBeReadLeavesTheKeyWithoutAnEntry() {
		TieredCache cache = builder("users").tags(this.tags).build();
		cache.put("42", "alice", List.of("user:42"));
		this.time.advance(REFRESH);
		this.backend.fail(BackendErrorType.TRANSIENT, (operation, key) -> operation == BackendOperation.GET_ALL);
		cache.put("42", "alice v2", List.of("user:42"));
		assertThat(cache.statistics(Tier.L2).errorCount(BackendErrorType.TRANSIENT)).isPositive();
		this.backend.heal();
		assertThat(cache.get("42")).isNull();
	}

	@Test
	void aTaggedEntryIsNotServedWhileItsVersionsCannotBeRead() {
		TieredCache cache = builder("users").tags(this.tags).build();
		cache.put("42", "alice", List.of("user:42"));
		this.time.advance(REFRESH);
		this.backend.fail(BackendErrorType.TRANSIENT, (operation, key) -> operation == BackendOperation.GET_ALL);
		assertThat(cache.get("42")).isNull();
		this.backend.heal();
		assertThat(cache.get("42")).isEqualTo(new CacheHit("alice"));
	}

	@Test
	void withoutCountersTaggedPutsAreNotCached() {
		InMemoryBackend plain = InMemoryBackend.withCapabilities(this.time, BulkGet.class);
		TieredCache cache = TieredCache.builder("users")
			.backend(plain)
			.codec(MessagePackCodec.withDefaults())
			.clock(this.time)
			.ticker(this.time)
			.executor(Runnable::run)
			.build();
		assertThat(cache.tags()).isEmpty();
		cache.put("42", "alice", List.of("user:42"));
		assertThat(cache.get("42")).isNull();
		cache.put("43", "bob");
		assertThat(cache.get("43")).isEqualTo(new CacheHit("bob"));
	}

	@Test
	void aTagIsCheckedForLengthAndCharacters() {
		assertThat(CacheTags.check("user:42")).isEqualTo("user:42");
		assertThat(CacheTags.check("é".repeat(100))).hasSize(100);
		assertThatIllegalArgumentException().isThrownBy(() -> CacheTags.check("")).withMessageContaining("empty");
		assertThatIllegalArgumentException().isThrownBy(() -> CacheTags.check("é".repeat(101)))
			.withMessageContaining("200 UTF-8 bytes");
		assertThatIllegalArgumentException().isThrownBy(() -> CacheTags.check("user 42"))
			.withMessageContaining("whitespace or a control character at index 4");
		assertThatIllegalArgumentException().isThrownBy(() -> CacheTags.check("user\u000042"))
			.withMessageContaining("index 4");
		assertThatIllegalArgumentException().isThrownBy(() -> this.tags.evict("a b"));
	}

}
