package io.cachekit.tier;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import io.cachekit.backend.Backend;
import io.cachekit.backend.BackendErrorType;
import io.cachekit.backend.BackendException;
import io.cachekit.backend.BackendOperation;
import io.cachekit.backend.memcached.MemcachedBackend;
import io.cachekit.backend.memcached.MemcachedConfig;
import io.cachekit.backend.redis.RedisBackend;
import io.cachekit.backend.redis.RedisBackendConfig;
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
 * {@link TagVersions} over real memcached and Redis, two instances each with its own
 * client: a bump on one is seen by the other within the refresh interval, a counter
 * deleted in the store never brings back an entry written before, and the versions of
 * many tags are read in one request.
 */
class TagVersionsIntegrationTests {

	private static final long REFRESH = Duration.ofSeconds(1).toNanos();

	private static ServerProcess memcached;

	private static ServerProcess redis;

	private final ManualTime time = new ManualTime();

	private final List<AutoCloseable> backends = new ArrayList<>();

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
	void aBumpOnOneInstanceMakesTheOthersEntriesStaleWithinTheRefreshInterval(ServerKind kind) {
		String tag = "user:" + System.nanoTime();
		TagVersions first = versions(backend(kind));
		TagVersions second = versions(backend(kind));
		Map<String, Long> recorded = first.current(List.of(tag));
		assertThat(second.current(List.of(tag))).isEqualTo(recorded);
		long bumped = second.bump(tag);
		assertThat(bumped).isEqualTo(recorded.get(tag) + 1);
		assertThat(second.isCurrent(recorded)).isFalse();
		this.time.advance(Duration.ofNanos(REFRESH));
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
		this.time.advance(Duration.ofNanos(REFRESH));
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
		return new TagVersions(backend, REFRESH, this.time, this.time);
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

}
