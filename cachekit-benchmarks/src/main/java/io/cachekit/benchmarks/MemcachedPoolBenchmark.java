package io.cachekit.benchmarks;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.cachekit.backend.memcached.MemcachedBackend;
import io.cachekit.backend.memcached.MemcachedConfig;
import io.cachekit.test.ServerKind;
import io.cachekit.test.ServerProcess;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Raw throughput of {@link MemcachedBackend} against a real local memcached, for each
 * client pool size ({@link MemcachedConfig.Builder#maxPoolSize(int)}).
 *
 * <p>
 * Each trial starts its own memcached on a free loopback port, creates a backend with the
 * pool size under test and stores {@value #KEY_COUNT} keys with {@value #VALUE_SIZE}-byte
 * values. Sixteen threads then call the backend synchronously:
 * <ul>
 * <li>{@code get} reads a random stored key;</li>
 * <li>{@code set} writes a random key with a fixed value and no expiry;</li>
 * <li>{@code mixed} reads nine times out of ten and writes the tenth.</li>
 * </ul>
 * Scores are operations per second over all threads. The figures depend on the machine's
 * cores, since memcached, the clients' I/O threads and the callers share them.
 *
 * <p>
 * memcached must be installed ({@code apt-get install -y memcached}). Run it from the
 * repository's root:
 *
 * <pre>
 * ./mvnw -B -q -pl cachekit-benchmarks -am package -DskipTests &amp;&amp; java -jar cachekit-benchmarks/target/benchmarks.jar MemcachedPoolBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(16)
@Fork(1)
@Warmup(iterations = 3, time = 3, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 3, timeUnit = TimeUnit.SECONDS)
public class MemcachedPoolBenchmark {

	static final int KEY_COUNT = 1000;

	static final int VALUE_SIZE = 100;

	/** The number of spymemcached clients the backend spreads operations over. */
	@Param({ "1", "2", "4" })
	int poolSize;

	private final String[] keys = new String[KEY_COUNT];

	private final byte[] value = new byte[VALUE_SIZE];

	private @Nullable ServerProcess server;

	private @Nullable MemcachedBackend backend;

	@Setup(Level.Trial)
	public void start() {
		this.server = ServerProcess.start(ServerKind.MEMCACHED);
		MemcachedConfig config = MemcachedConfig.builder()
			.servers(this.server.address())
			.maxPoolSize(this.poolSize)
			.build();
		this.backend = MemcachedBackend.create(config);
		Arrays.fill(this.value, (byte) 'v');
		for (int i = 0; i < KEY_COUNT; i++) {
			this.keys[i] = "bench:" + i;
			this.backend.set(this.keys[i], this.value, null);
		}
		for (String key : this.keys) {
			byte[] stored = this.backend.get(key);
			if (stored == null || stored.length != VALUE_SIZE) {
				throw new IllegalStateException("key '" + key + "' was not stored in " + this.server);
			}
		}
	}

	@TearDown(Level.Trial)
	public void stop() {
		MemcachedBackend backend = this.backend;
		ServerProcess server = this.server;
		this.backend = null;
		this.server = null;
		try {
			if (backend != null) {
				backend.close();
			}
		}
		finally {
			if (server != null) {
				server.close();
			}
		}
	}

	@Benchmark
	public byte @Nullable [] get() {
		return backend().get(randomKey());
	}

	@Benchmark
	public void set() {
		backend().set(randomKey(), this.value, null);
	}

	@Benchmark
	public void mixed(Blackhole blackhole) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		String key = this.keys[random.nextInt(KEY_COUNT)];
		if (random.nextInt(10) == 0) {
			backend().set(key, this.value, null);
		}
		else {
			blackhole.consume(backend().get(key));
		}
	}

	private String randomKey() {
		return this.keys[ThreadLocalRandom.current().nextInt(KEY_COUNT)];
	}

	private MemcachedBackend backend() {
		MemcachedBackend backend = this.backend;
		if (backend == null) {
			throw new IllegalStateException("the backend is not started");
		}
		return backend;
	}

}
