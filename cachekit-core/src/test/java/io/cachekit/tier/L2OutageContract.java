package io.cachekit.tier;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import io.cachekit.backend.Backend;
import io.cachekit.codec.MessagePackCodec;
import io.cachekit.test.Await;
import io.cachekit.test.ServerKind;
import io.cachekit.test.ServerProcess;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What callers of a {@link TieredCache} see while its one L2 server is restarted or
 * paused, with the backend's and the circuit breaker's default settings, under 8 threads
 * that read 200 keys and write back every miss (L1 off, so that every hit is an L2 hit).
 * Each test prints the figure it measured and asserts the bound the README promises.
 */
abstract class L2OutageContract {

	private static final int THREADS = 8;

	private static final int KEYS = 200;

	private @Nullable ServerProcess server;

	private @Nullable Backend backend;

	private @Nullable TieredCache cache;

	/**
	 * Returns the kind of server.
	 * @return the kind
	 */
	protected abstract ServerKind serverKind();

	/**
	 * Creates a backend with every default setting but the server.
	 * @param address the server's {@code host:port}
	 * @return the backend
	 */
	protected abstract Backend createBackend(String address);

	/**
	 * Returns the default operation timeout of the backend.
	 * @return the timeout
	 */
	protected abstract Duration operationTimeout();

	@BeforeEach
	void start() {
		this.server = ServerProcess.start(serverKind());
		this.backend = createBackend(this.server.address());
		this.cache = TieredCache.builder("outage-" + UUID.randomUUID())
			.backend(this.backend)
			.codec(MessagePackCodec.withDefaults())
			.configure((c) -> c.withL1Enabled(false))
			.build();
	}

	@AfterEach
	void stop() throws Exception {
		if (this.backend instanceof AutoCloseable closeable) {
			closeable.close();
		}
		if (this.server != null) {
			this.server.close();
		}
	}

	@Test
	void l2HitsResumeWithinTwoSecondsOfARestartWhateverThePhaseOfTheReconnectBackOff() throws Exception {
		ServerProcess server = server();
		try (CacheLoad load = warmLoad()) {
			long worst = 0;
			// Two outages whose lengths differ by a fraction of the reconnect delay, so
			// that
			// the restart meets the back-off and the breaker in different phases.
			for (long downMillis : new long[] { 2000, 2650 }) {
				server.stop();
				Thread.sleep(downMillis);
				// The bound runs from when the server answers again: restart() returns
				// once
				// it answers a ping, so the server's own start-up time (which grows with
				// the
				// machine's load) is not counted against the cache.
				server.restart();
				load.measureFromNow();
				assertThat(Await.until(Duration.ofSeconds(15), () -> load.firstHitMillis() >= 0))
					.as("L2 hits resume after the restart")
					.isTrue();
				long resumed = load.firstHitMillis();
				System.out.println("[figure] " + serverKind().binary() + " restart after " + downMillis
						+ " ms down -> first L2 hit: " + resumed + " ms");
				worst = Math.max(worst, resumed);
			}
			assertThat(worst).as("L2 hits resume at most 2 s after the server answers again").isLessThanOrEqualTo(2000);
		}
	}

	@Test
	void aPausedServerCostsNoCallerMoreThanTheOperationTimeoutAndOpensTheBreaker() throws Exception {
		ServerProcess server = server();
		AtomicBoolean opened = new AtomicBoolean();
		cache().circuitBreaker()
			.resilience4j()
			.getEventPublisher()
			.onStateTransition((event) -> opened.compareAndSet(false, event.getStateTransition()
				.getToState() == io.github.resilience4j.circuitbreaker.CircuitBreaker.State.OPEN));
		try (CacheLoad load = warmLoad()) {
			load.measureFromNow();
			server.pause();
			try {
				Thread.sleep(3000);
				load.endWindow();
			}
			finally {
				server.resume();
			}
			long longest = load.longestCallMillis();
			long bound = operationTimeout().toMillis() + 500;
			System.out.println("[figure] " + serverKind().binary() + " paused 3 s -> longest cache call: " + longest
					+ " ms (bound " + bound + " ms)");
			assertThat(longest).as("no caller waits more than the operation timeout + 0.5 s")
				.isLessThanOrEqualTo(bound);
			assertThat(opened).as("the breaker opened").isTrue();
			load.measureFromNow();
			assertThat(Await.until(Duration.ofSeconds(15), () -> load.firstHitMillis() >= 0)).isTrue();
			System.out.println(
					"[figure] " + serverKind().binary() + " resumed -> first L2 hit: " + load.firstHitMillis() + " ms");
		}
	}

	private CacheLoad warmLoad() {
		CacheLoad load = CacheLoad.start(cache(), THREADS, (i) -> "key-" + i, KEYS);
		load.measureFromNow();
		assertThat(Await.until(() -> load.firstHitMillis() >= 0)).as("L2 hits before the fault").isTrue();
		return load;
	}

	private ServerProcess server() {
		assertThat(this.server).isNotNull();
		return this.server;
	}

	private TieredCache cache() {
		assertThat(this.cache).isNotNull();
		return this.cache;
	}

}
