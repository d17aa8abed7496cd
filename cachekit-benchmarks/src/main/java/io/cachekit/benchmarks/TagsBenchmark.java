package io.cachekit.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.cachekit.backend.memcached.MemcachedBackend;
import io.cachekit.backend.memcached.MemcachedConfig;
import io.cachekit.codec.ValueCodec;
import io.cachekit.test.ServerKind;
import io.cachekit.test.ServerProcess;
import io.cachekit.tier.CacheHit;
import io.cachekit.tier.CacheTags;
import io.cachekit.tier.Tier;
import io.cachekit.tier.TieredCache;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of tags on a hit: the same {@code book512} entries read with and without tags,
 * from L1 (L1 on) and from L2 (L1 off), over a memcached the trial starts.
 *
 * <p>
 * Each tagged entry carries two tags ({@code user:<i % 100>} and {@code tenant:1}), whose
 * versions the cache trusts for the default refresh interval (1 s): an L1 hit of a tagged
 * entry checks them in-process and reads them again, in one request for the entry's tags,
 * once per interval; an L2 hit decodes the tag block of the envelope as well. Four
 * threads read a random key of {@value #KEYS} per call. Teardown fails the trial when a
 * read missed or L2 reported an error.
 *
 * <pre>
 * java -jar cachekit-benchmarks/target/benchmarks.jar TagsBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(4)
@Fork(1)
@Warmup(iterations = 2, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
public class TagsBenchmark {

	static final int KEYS = 1_000;

	/** Where the hit is served: {@code l1} or {@code l2} (L1 off). */
	@Param({ "l1", "l2" })
	String tier = "l1";

	/** Whether the entries carry tags: {@code untagged} or {@code tagged}. */
	@Param({ "untagged", "tagged" })
	String entries = "untagged";

	private final String[] keys = new String[KEYS];

	private @Nullable ServerProcess server;

	private @Nullable MemcachedBackend backend;

	private @Nullable CacheTags tags;

	private @Nullable TieredCache cache;

	@Setup(Level.Trial)
	public void start() {
		try {
			open();
		}
		catch (RuntimeException | Error ex) {
			stopQuietly(ex);
			throw ex;
		}
	}

	private void open() {
		ServerProcess started = ServerProcess.start(ServerKind.MEMCACHED);
		this.server = started;
		MemcachedBackend l2 = MemcachedBackend.create(MemcachedConfig.builder().servers(started.address()).build());
		this.backend = l2;
		CacheTags cacheTags = CacheTags.create(l2, Duration.ofSeconds(1));
		this.tags = cacheTags;
		ValueCodec codec = StarterCodecs.forBackend("memcached");
		boolean l1 = "l1".equals(this.tier);
		TieredCache tiered = TieredCache.builder("tags-" + this.tier + "-" + this.entries)
			.backend(l2)
			.codec(codec)
			.configure((c) -> c.withL1Enabled(l1).withTtl(CacheBenchmark.TTL))
			.tags(cacheTags)
			.build();
		this.cache = tiered;
		boolean tagged = "tagged".equals(this.entries);
		for (int i = 0; i < KEYS; i++) {
			this.keys[i] = "key-" + i;
			Object value = BenchmarkValues.value(BenchmarkValues.BOOK_512, i);
			if (tagged) {
				tiered.put(this.keys[i], value, List.of("user:" + (i % 100), "tenant:1"));
			}
			else {
				tiered.put(this.keys[i], value);
			}
		}
		for (int i = 0; i < KEYS; i++) {
			if (tiered.get(this.keys[i]) == null) {
				throw new IllegalStateException("key '" + this.keys[i] + "' missed after it was stored");
			}
		}
	}

	@Benchmark
	public @Nullable CacheHit hit() {
		TieredCache tiered = this.cache;
		if (tiered == null) {
			throw new IllegalStateException("the trial did not start");
		}
		return tiered.get(this.keys[ThreadLocalRandom.current().nextInt(KEYS)]);
	}

	@TearDown(Level.Trial)
	public void stop() {
		try {
			TieredCache tiered = this.cache;
			if (tiered != null) {
				CacheBenchmark.requireOnlyHits(tiered, "l1".equals(this.tier) ? Tier.L1 : Tier.L2);
			}
		}
		finally {
			CacheBenchmark.closeAll(this.tags, this.backend, this.server);
		}
	}

	private void stopQuietly(Throwable failure) {
		try {
			CacheBenchmark.closeAll(this.tags, this.backend, this.server);
		}
		catch (RuntimeException ex) {
			failure.addSuppressed(ex);
		}
	}

}
