package io.cachekit.tier;

import java.time.Duration;
import java.util.Map;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import io.cachekit.backend.Backend;
import io.cachekit.backend.BackendOperation;
import io.cachekit.backend.BackendException;
import io.cachekit.backend.BackendErrorType;
import io.cachekit.backend.memcached.MemcachedBackend;
import io.cachekit.backend.memcached.MemcachedConfig;
import io.cachekit.backend.redis.RedisBackend;
import io.cachekit.backend.redis.RedisBackendConfig;
import io.cachekit.codec.MessagePackCodec;
import io.cachekit.test.FaultInjectingBackend;
import io.cachekit.test.ManualTime;
import io.cachekit.test.ServerKind;
import io.cachekit.test.ServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tags over real memcached and Redis, with two instances (each its own client, tags and
 * caches): an entry tagged in two caches on one instance and evicted by tag on the other
 * is served by neither within the refresh interval; a tag counter deleted in the store
 * never brings an entry back; 10,000 entries sharing a tag go in one call. And
 * {@link TagVersions} on its own: versions across instances, a lost counter, many tags
 * read in one request, a value that is not a counter.
 */
class TagsIntegrationTests {

	private static final Duration REFRESH = Duration.ofSeconds(1);

	private static final long REFRESH_NANOS = REFRESH.toNanos();

	/** The refresh interval plus room for the round trips of a loaded machine. */
	private static final Duration BOUND = Duration.ofMillis(1_500);

	/** The bound where the eviction is pushed (Redis): one publish. */
	private static final Duration PUSHED_BOUND = Duration.ofMillis(250);

	private static ServerProcess memcached;

	private static ServerProcess redis;

	private final List<AutoCloseable> backends = new ArrayList<>();

	private final String run = UUID.randomUUID().toString();

	/** The time of {@link TagVersions}' own tests. */
	private final ManualTime time = new ManualTime();

	@BeforeAll
	static void startServers() {
		memcached = ServerProcess.start(ServerKind.MEMCACHED);
		redis = ServerProcess.start(ServerKind.REDIS);
	}

	@AfterAll
	static void stopServers() {
		memcached.close();
		redis.close();
	}

	@AfterEach
	void closeBackends() throws Exception {
		for (AutoCloseable backend : this.backends) {
			backend.close();
		}
	}

	@ParameterizedTest
	@EnumSource(names = { "MEMCACHED", "REDIS" })
	void aTagEvictedOnOneInstanceIsServedByNoneWithinTheRefreshInterval(ServerKind kind) throws Exception {
		Instance a = new Instance(backend(kind));
		Instance b = new Instance(backend(kind));
		String tag = "user:42:" + this.run;
		a.users.put("42", "alice", List.of(tag));
		a.orders.put("o-1", "book", List.of(tag, "shop:7"));
		a.orders.put("o-2", "pen");
		if (kind == ServerKind.REDIS) {
			awaitSubscribed(a, b);
		}
		assertThat(b.users.get("42")).isEqualTo(new CacheHit("alice"));
		assertThat(b.orders.get("o-1")).isEqualTo(new CacheHit("book"));
		long evicted = System.nanoTime();
		b.tags.evict(tag);
		assertThat(b.users.get("42")).as("at once on the evicting instance").isNull();
		assertThat(b.orders.get("o-1")).isNull();
		Duration bound = (kind == ServerKind.REDIS) ? PUSHED_BOUND : BOUND;
		long seen = -1;
		while (System.nanoTime() - evicted < BOUND.plusSeconds(5).toNanos()) {
			if (a.users.get("42") == null && a.orders.get("o-1") == null) {
				seen = Duration.ofNanos(System.nanoTime() - evicted).toMillis();
				break;
			}
			Thread.sleep(10);
		}
		assertThat(seen).as("the other instance stops serving the tagged entries").isNotNegative();
		System.out.println("[figure] tag evicted on " + kind.name().toLowerCase(java.util.Locale.ROOT)
				+ ": the other instance stopped serving its entries " + seen + " ms later (bound " + bound.toMillis()
				+ " ms: " + ((kind == ServerKind.REDIS) ? "pushed"
						: "the refresh interval of " + REFRESH.toMillis() + " ms plus round trips")
				+ ")");
		assertThat(seen).isLessThanOrEqualTo(bound.toMillis());
		assertThat(a.orders.get("o-2")).as("untagged").isEqualTo(new CacheHit("pen"));
		assertThat(new Instance(backend(kind)).users.get("42")).as("a cold instance").isNull();
	}

	/**
	 * Waits until an instance hears evictions pushed by another: its subscription is made
	 * in the background when its tags are created, as at an application's start.
	 */
	private void awaitSubscribed(Instance listening, Instance evicting) throws InterruptedException {
		String probe = "probe:" + this.run;
		for (int i = 0; i < 500; i++) {
			listening.users.put("probe", "probe", List.of(probe));
			evicting.tags.evict(probe);
			long deadline = System.nanoTime() + Duration.ofMillis(100).toNanos();
			while (System.nanoTime() < deadline) {
				if (listening.users.get("probe") == null) {
					return;
				}
				Thread.sleep(5);
			}
		}
		throw new AssertionError("the instance never heard a pushed eviction");
	}

	@ParameterizedTest
	@EnumSource(names = { "MEMCACHED", "REDIS" })
	void aTagCounterDeletedInTheStoreNeverBringsAnEntryBack(ServerKind kind) throws Exception {
		Backend backend = backend(kind);
		Instance a = new Instance(backend);
		String tag = "tenant:" + this.run;
		a.users.put("42", "alice", List.of(tag));
		a.tags.evict(tag);
		a.users.put("42", "alice again", List.of(tag));
		assertThat(backend.delete(CacheKeys.tagKey(tag))).isTrue();
		Thread.sleep(REFRESH.plusMillis(50).toMillis());
		assertThat(a.users.get("42")).isNull();
		assertThat(new Instance(backend(kind)).users.get("42")).isNull();
	}

	@ParameterizedTest
	@EnumSource(names = { "MEMCACHED", "REDIS" })
	void tenThousandEntriesSharingATagAreEvictedInOneCall(ServerKind kind) {
		Instance a = new Instance(backend(kind));
		Instance b = new Instance(backend(kind));
		String tag = "bulk:" + this.run;
		IntStream.range(0, 10_000).forEach((i) -> a.orders.put(i, "order " + i, List.of(tag)));
		assertThat(b.orders.get(9_999)).isEqualTo(new CacheHit("order 9999"));
		long start = System.nanoTime();
		b.tags.evict(tag);
		long micros = (System.nanoTime() - start) / 1_000;
		assertThat(IntStream.range(0, 10_000).filter((i) -> b.orders.get(i) != null).count()).isZero();
		System.out.println("[figure] 10,000 entries sharing a tag on " + kind.name().toLowerCase(java.util.Locale.ROOT)
				+ " evicted by one call of " + micros + " us (one increment)");
	}

	@ParameterizedTest
	@EnumSource(names = { "MEMCACHED", "REDIS" })
	void aBumpOnOneInstanceMakesTheOthersEntriesStaleWithinTheRefreshInterval(ServerKind kind) {
		String tag = "user:" + System.nanoTime();
		TagVersions first = versions(backend(kind));
		TagVersions second = versions(backend(kind));
		Map<String, Long> recorded = first.current(List.of(tag));
		assertThat(second.current(List.of(tag))).isEqualTo(recorded);
		long bumped = second.bump(tag);
		assertThat(bumped).isEqualTo(recorded.get(tag) + 1);
		assertThat(second.isCurrent(recorded)).isFalse();
		this.time.advance(REFRESH);
		assertThat(first.isCurrent(recorded)).isFalse();
		assertThat(first.current(List.of(tag))).containsEntry(tag, bumped);
	}

	@ParameterizedTest
	@EnumSource(names = { "MEMCACHED", "REDIS" })
	void aCounterDeletedInTheStoreNeverBringsBackAnEntryWrittenBeforeIt(ServerKind kind) {
		String tag = "tenant:" + System.nanoTime();
		Backend backend = backend(kind);
		TagVersions versions = versions(backend);
		Map<String, Long> recorded = versions.current(List.of(tag));
		versions.bump(tag);
		Map<String, Long> afterBump = versions.current(List.of(tag));
		assertThat(backend.delete(CacheKeys.tagKey(tag))).isTrue();
		this.time.advance(Duration.ofMillis(1_500));
		assertThat(versions.isCurrent(recorded)).isFalse();
		assertThat(versions.isCurrent(afterBump)).isFalse();
		assertThat(versions.current(List.of(tag))).containsEntry(tag, this.time.millis());
	}

	@ParameterizedTest
	@EnumSource(names = { "MEMCACHED", "REDIS" })
	void theVersionsOfManyTagsAreReadInOneRequest(ServerKind kind) {
		FaultInjectingBackend counted = FaultInjectingBackend.wrap(backend(kind));
		TagVersions versions = versions(counted);
		String run = Long.toString(System.nanoTime());
		List<String> tags = IntStream.range(0, 1_000).mapToObj((i) -> "order:" + run + ":" + i).toList();
		Map<String, Long> created = versions.current(tags);
		assertThat(created).hasSize(1_000).containsOnlyKeys(tags);
		this.time.advance(REFRESH);
		assertThat(versions.current(tags)).isEqualTo(created);
		assertThat(counted.calls(BackendOperation.GET_ALL)).as("bulk reads").isEqualTo(2);
		assertThat(counted.calls(BackendOperation.INCREMENT)).as("counters created").isEqualTo(1_000);
	}

	@ParameterizedTest
	@EnumSource(names = { "MEMCACHED", "REDIS" })
	void aValueThatIsNotACounterIsRefusedByTheStore(ServerKind kind) {
		String tag = "broken:" + System.nanoTime();
		Backend backend = backend(kind);
		backend.set(CacheKeys.tagKey(tag), "not a number".getBytes(StandardCharsets.US_ASCII), null);
		assertThatExceptionOfType(BackendException.class).isThrownBy(() -> versions(backend).current(List.of(tag)))
			.satisfies((ex) -> assertThat(ex.getErrorType()).isEqualTo(BackendErrorType.PERMANENT));
	}

	private TagVersions versions(Backend backend) {
		return new TagVersions(backend, REFRESH_NANOS, this.time, this.time);
	}

	private Backend backend(ServerKind kind) {
		if (kind == ServerKind.MEMCACHED) {
			MemcachedBackend backend = MemcachedBackend
				.create(MemcachedConfig.builder().servers(memcached.address()).build());
			this.backends.add(backend);
			return backend;
		}
		RedisBackend backend = RedisBackend
			.create(RedisBackendConfig.builder().url("redis://" + redis.address()).build());
		this.backends.add(backend);
		return backend;
	}

	/**
	 * One application instance: its tags and two caches over its own client.
	 */
	private final class Instance {

		final CacheTags tags;

		final TieredCache users;

		final TieredCache orders;

		Instance(Backend backend) {
			this.tags = CacheTags.create(backend, REFRESH);
			this.users = cache("users-" + TagsIntegrationTests.this.run, backend);
			this.orders = cache("orders-" + TagsIntegrationTests.this.run, backend);
		}

		private TieredCache cache(String name, Backend backend) {
			return TieredCache.builder(name)
				.backend(backend)
				.codec(MessagePackCodec.withDefaults())
				.configure((c) -> c.withGenerationRefresh(REFRESH))
				.tags(this.tags)
				.build();
		}

	}

}
