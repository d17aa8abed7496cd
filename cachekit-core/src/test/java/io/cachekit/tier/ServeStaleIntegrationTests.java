package io.cachekit.tier;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.cachekit.backend.Backend;
import io.cachekit.backend.memcached.MemcachedBackend;
import io.cachekit.backend.memcached.MemcachedConfig;
import io.cachekit.backend.redis.RedisBackend;
import io.cachekit.backend.redis.RedisBackendConfig;
import io.cachekit.codec.MessagePackCodec;
import io.cachekit.test.ManualTime;
import io.cachekit.test.ServerKind;
import io.cachekit.test.ServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Serve-stale over real memcached and redis-server: with the server stopped, an entry
 * past its freshness but within the grace is served instead of a miss or a load; with the
 * server up and the loader failing, the stale entry L2 kept is served. Freshness runs on
 * a {@link ManualTime}; the servers keep entries for the real TTL plus grace.
 */
class ServeStaleIntegrationTests {

	private static final Duration TTL = Duration.ofSeconds(30);

	private static final Duration GRACE = Duration.ofMinutes(5);

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
		for (ServerProcess server : List.of(memcached, redis)) {
			if (!server.isRunning()) {
				server.restart();
			}
		}
	}

	private Backend backend(ServerKind kind) {
		if (kind == ServerKind.MEMCACHED) {
			MemcachedBackend backend = MemcachedBackend.create(MemcachedConfig.builder()
				.servers(memcached.address())
				.operationTimeout(Duration.ofMillis(500))
				.build());
			this.backends.add(backend::close);
			return backend;
		}
		RedisBackend backend = RedisBackend.create(RedisBackendConfig.builder()
			.url("redis://" + redis.address())
			.commandTimeout(Duration.ofMillis(500))
			.connectTimeout(Duration.ofMillis(500))
			.build());
		this.backends.add(backend::close);
		return backend;
	}

	private TieredCache cache(Backend backend, boolean l1) {
		return TieredCache.builder("stale-" + UUID.randomUUID())
			.backend(backend)
			.codec(MessagePackCodec.withDefaults())
			.clock(this.time)
			.ticker(this.time)
			.executor(Runnable::run)
			.configure((c) -> c.withTtl(TTL).withServeStaleGrace(GRACE).withL1Enabled(l1))
			.build();
	}

	private static ServerProcess server(ServerKind kind) {
		return (kind == ServerKind.MEMCACHED) ? memcached : redis;
	}

	@ParameterizedTest
	@EnumSource(ServerKind.class)
	void stoppedServerServesTheStaleEntryInsteadOfLoading(ServerKind kind) throws Exception {
		TieredCache cache = cache(backend(kind), true);
		cache.put("k", "v");
		this.time.advance(TTL.plusSeconds(10));
		server(kind).stop();
		AtomicInteger loads = new AtomicInteger();
		int calls = 20;
		long started = System.nanoTime();
		for (int i = 0; i < calls; i++) {
			assertThat(cache.get("k", () -> "loaded " + loads.incrementAndGet())).isEqualTo("v");
		}
		long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
		System.out.println("[figure] serve-stale with " + kind.name().toLowerCase() + " stopped: " + calls
				+ " calls served " + cache.statistics().staleCount() + " stale entries, loader ran " + loads.get()
				+ " time(s), in " + tookMillis + " ms");
		assertThat(loads).hasValue(0);
		assertThat(cache.statistics().staleCount()).isEqualTo(calls);
	}

	@ParameterizedTest
	@EnumSource(ServerKind.class)
	void failingLoaderGetsTheStaleEntryTheServerKept(ServerKind kind) throws Exception {
		TieredCache writer = cache(backend(kind), false);
		writer.put("k", "v");
		TieredCache reader = TieredCache.builder(writer.name())
			.backend(backend(kind))
			.codec(MessagePackCodec.withDefaults())
			.clock(this.time)
			.ticker(this.time)
			.executor(Runnable::run)
			.configure((c) -> c.withTtl(TTL).withServeStaleGrace(GRACE))
			.build();
		this.time.advance(TTL.plusSeconds(10));
		assertThat(reader.get("k")).as("never served while L2 answers and no loader fails").isNull();
		assertThat(reader.<String>get("k", () -> {
			throw new IllegalStateException("the source is down");
		})).isEqualTo("v");
		System.out.println("[figure] serve-stale on " + kind.name().toLowerCase()
				+ ": a failing loader got the stale entry L2 kept (stale served: " + reader.statistics().staleCount()
				+ ")");
		assertThat(reader.statistics().staleCount()).isEqualTo(1);
	}

	@ParameterizedTest
	@EnumSource(ServerKind.class)
	void pastTheGraceAStoppedServerIsAMiss(ServerKind kind) {
		TieredCache cache = cache(backend(kind), true);
		cache.put("k", "v");
		this.time.advance(TTL.plus(GRACE));
		server(kind).stop();
		assertThat(cache.get("k")).isNull();
		assertThat(cache.statistics().staleCount()).isZero();
	}

}
