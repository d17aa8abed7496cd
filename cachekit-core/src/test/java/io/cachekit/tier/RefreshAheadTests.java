package io.cachekit.tier;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import io.cachekit.codec.MessagePackCodec;
import io.cachekit.test.InMemoryBackend;
import io.cachekit.test.ManualTime;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link RefreshAhead}: entries live 100 seconds and are reloaded when read after 80 (no
 * jitter), on an in-memory L2 with time under the test's control. Reloads run on the
 * caller's thread here, so the test sees them done when the read returns.
 */
class RefreshAheadTests {

	private static final Duration TTL = Duration.ofSeconds(100);

	private final ManualTime time = new ManualTime();

	private final InMemoryBackend store = InMemoryBackend.create(this.time);

	private TieredCache cache(UnaryOperator<CacheConfiguration> more) {
		return TieredCache.builder("test")
			.codec(MessagePackCodec.withDefaults())
			.backend(this.store)
			.clock(this.time)
			.ticker(this.time)
			.executor(Runnable::run)
			.configure((c) -> more.apply(c.withTtl(TTL)
				.withL1Ttl(Duration.ofMinutes(5))
				.withRefreshAhead(true)
				.withRefreshAheadAt(0.8)
				.withRefreshAheadJitter(0)))
			.build();
	}

	private TieredCache cache() {
		return cache(UnaryOperator.identity());
	}

	@Test
	void entryReadInTheLastPartOfItsTtlIsReturnedAndReloadedInTheBackground() throws Exception {
		TieredCache cache = cache();
		cache.put("k", "v1");
		this.time.advance(Duration.ofSeconds(85));
		AtomicInteger loads = new AtomicInteger();
		assertThat(cache.get("k", () -> "v" + (1 + loads.incrementAndGet()))).isEqualTo("v1");
		assertThat(loads).hasValue(1);
		assertThat(cache.get("k")).isEqualTo(new CacheHit("v2"));
		this.time.advance(Duration.ofSeconds(50));
		assertThat(cache.get("k")).as("the reloaded entry lives a whole TTL").isEqualTo(new CacheHit("v2"));
	}

	@Test
	void reloadNeverOverwritesAPutMadeWhileItLoaded() throws Exception {
		TieredCache cache = cache();
		cache.put("k", "v1");
		this.time.advance(Duration.ofSeconds(85));
		assertThat(cache.get("k", () -> {
			// The application writes a newer value while the reload reads the old one.
			cache.put("k", "newer");
			return "loaded before the put";
		})).isEqualTo("v1");
		assertThat(cache.get("k")).isEqualTo(new CacheHit("newer"));
	}

	@Test
	void asyncReloadNeverOverwritesAnEvictMadeWhileItLoaded() throws Exception {
		TieredCache cache = cache();
		cache.put("k", "v1");
		this.time.advance(Duration.ofSeconds(85));
		assertThat(cache.retrieve("k", () -> {
			cache.evict("k");
			return CompletableFuture.completedFuture("loaded before the evict");
		}).get(10, TimeUnit.SECONDS)).isEqualTo("v1");
		assertThat(cache.get("k")).isNull();
	}

	@Test
	void entryReadBeforeTheRefreshPointIsNotReloaded() throws Exception {
		TieredCache cache = cache();
		cache.put("k", "v1");
		this.time.advance(Duration.ofSeconds(75));
		AtomicInteger loads = new AtomicInteger();
		assertThat(cache.get("k", () -> "v" + loads.incrementAndGet())).isEqualTo("v1");
		assertThat(loads).hasValue(0);
		assertThat(cache.refresh().reloads.sum()).isZero();
	}

	@Test
	void refreshAheadIsOffByDefault() throws Exception {
		TieredCache cache = cache((c) -> c.withRefreshAhead(false));
		cache.put("k", "v1");
		this.time.advance(Duration.ofSeconds(95));
		AtomicInteger loads = new AtomicInteger();
		assertThat(cache.get("k", () -> "v" + loads.incrementAndGet())).isEqualTo("v1");
		assertThat(loads).hasValue(0);
		assertThat(CacheConfiguration.defaults().refreshAheadEnabled()).isFalse();
	}

	@Test
	void aProcessThatReadsAfterAnotherRefreshedTakesTheNewEntryInsteadOfLoading() throws Exception {
		// Coherence off: with it, the second process would learn of the reload from the
		// journal and read v2 at once; this is about its own look at L2 under the lease.
		TieredCache first = cache((c) -> c.withLease(true).withCoherence(false));
		TieredCache second = cache((c) -> c.withLease(true).withCoherence(false));
		first.put("k", "v1");
		assertThat(second.get("k")).isEqualTo(new CacheHit("v1"));
		this.time.advance(Duration.ofSeconds(85));
		assertThat(first.get("k", () -> "v2")).isEqualTo("v1");
		AtomicInteger loads = new AtomicInteger();
		assertThat(second.get("k", () -> "v" + (10 + loads.incrementAndGet()))).isEqualTo("v1");
		assertThat(loads).hasValue(0);
		assertThat(second.get("k")).isEqualTo(new CacheHit("v2"));
		assertThat(first.refresh().reloads.sum() + second.refresh().reloads.sum()).isEqualTo(1);
	}

	@Test
	void whileAnotherProcessHoldsTheLeaseTheReloadIsLeftToIt() throws Exception {
		TieredCache cache = cache((c) -> c.withLease(true));
		cache.put("k", "v1");
		byte[] generation = this.store.get("test:generation");
		assertThat(generation).isNotNull();
		String leaseKey = new CacheKeys("test")
			.leaseKey(Long.parseLong(new String(generation, StandardCharsets.US_ASCII)), "k");
		this.time.advance(Duration.ofSeconds(85));
		this.store.set(leaseKey, "another process".getBytes(StandardCharsets.US_ASCII), Duration.ofSeconds(5));
		AtomicInteger loads = new AtomicInteger();
		assertThat(cache.get("k", () -> "v" + loads.incrementAndGet())).isEqualTo("v1");
		assertThat(loads).hasValue(0);
		assertThat(this.store.keys()).contains(leaseKey);
	}

	@Test
	void failedReloadLeavesTheEntryAsItWas() throws Exception {
		TieredCache cache = cache();
		cache.put("k", "v1");
		this.time.advance(Duration.ofSeconds(85));
		assertThat(cache.<String>get("k", () -> {
			throw new IllegalStateException("the source is down");
		})).isEqualTo("v1");
		assertThat(cache.get("k")).isEqualTo(new CacheHit("v1"));
	}

	@Test
	void retrieveWithALoaderReloadsInTheBackgroundToo() throws Exception {
		TieredCache cache = cache();
		cache.put("k", "v1");
		this.time.advance(Duration.ofSeconds(85));
		AtomicInteger loads = new AtomicInteger();
		CompletableFuture<String> result = cache.retrieve("k", () -> {
			loads.incrementAndGet();
			return CompletableFuture.completedFuture("v2");
		});
		assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("v1");
		assertThat(loads).hasValue(1);
		assertThat(cache.get("k")).isEqualTo(new CacheHit("v2"));
	}

	@Test
	void entryWithoutLoaderIsNotReloaded() {
		TieredCache cache = cache();
		cache.put("k", "v1");
		this.time.advance(Duration.ofSeconds(85));
		assertThat(cache.get("k")).isEqualTo(new CacheHit("v1"));
		assertThat(cache.refresh().reloads.sum()).isZero();
	}

}
