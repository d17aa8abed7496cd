package io.cachekit.backend;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.cachekit.test.Await;
import io.cachekit.test.ServerKind;
import io.cachekit.test.ServerProcess;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestInstance.Lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * How a network {@link Backend} behaves while its one server is stopped, restarted or
 * paused, as a JUnit 5 suite to extend.
 *
 * <p>
 * The suite owns a real server of the subclass's {@link #serverKind()} and leaves it
 * running after every test. A stopped server must fail operations as {@code TRANSIENT} or
 * {@code TIMEOUT} and make health unhealthy; a restarted one must be used again; a paused
 * one (SIGSTOP) must fail as {@code TIMEOUT}, after one operation timeout: timeouts are
 * never retried, and increments are never retried at all.
 */
@TestInstance(Lifecycle.PER_CLASS)
public abstract class BackendFaultContract {

	private @Nullable ServerProcess server;

	/**
	 * Returns the kind of server the backend talks to.
	 * @return the server kind
	 */
	protected abstract ServerKind serverKind();

	/**
	 * Creates a backend connected to {@code address}; it must offer {@link Increment}.
	 * @param address the server's {@code host:port}
	 * @param timeout the operation timeout to use
	 * @param retryAttempts the retries of idempotent operations to use
	 * @return the backend; closed by the suite when it is {@link AutoCloseable}
	 */
	protected abstract Backend createBackend(String address, Duration timeout, int retryAttempts);

	@BeforeAll
	void startServer() {
		this.server = ServerProcess.start(serverKind());
	}

	@AfterAll
	void stopServer() {
		if (this.server != null) {
			this.server.close();
		}
	}

	@AfterEach
	void leaveServerRunning() {
		ServerProcess current = server();
		if (!current.isRunning()) {
			current.restart();
		}
		else {
			current.resume();
		}
	}

	/**
	 * Returns the suite's server.
	 * @return the server
	 */
	protected final ServerProcess server() {
		return Objects.requireNonNull(this.server, "the server starts before the first test");
	}

	private Session backend(Duration timeout, int retryAttempts) {
		Session session = new Session(createBackend(server().address(), timeout, retryAttempts));
		// Connected before any fault: a first connection slowed down by a busy machine
		// (Redis connects on first use, within the short timeouts these tests use) is not
		// what they are about.
		assertThat(Await.until(() -> session.backend().health().healthy())).as("connected before the fault").isTrue();
		return session;
	}

	@Test
	void stoppedServerFailsOperationsAsTransientOrTimeoutAndHealthIsDown() {
		try (Session session = backend(Duration.ofSeconds(1), 2)) {
			Backend backend = session.backend();
			backend.set("k", bytes("v"), null);
			server().stop();
			assertThatExceptionOfType(BackendException.class).isThrownBy(() -> backend.get("k"))
				.satisfies((ex) -> assertThat(ex.getErrorType()).isIn(BackendErrorType.TRANSIENT,
						BackendErrorType.TIMEOUT));
			BackendHealth health = backend.health();
			assertThat(health.healthy()).isFalse();
			assertThat(health.details()).containsKey("error");
		}
	}

	@Test
	void healthErrorOfAStoppedServerIsASentenceWithoutClassNames() {
		try (Session session = backend(Duration.ofSeconds(1), 2)) {
			Backend backend = session.backend();
			server().stop();
			String error = String.valueOf(backend.health().detail("error"));
			assertThat(error).startsWith("health check failed (TRANSIENT): ")
				.contains("reachable")
				.doesNotContain("$")
				.doesNotContainPattern("[A-Za-z]+(Exception|Error)\\b")
				.doesNotContain("HEALTH");
		}
	}

	@Test
	void restartedServerIsUsedAgain() {
		try (Session session = backend(Duration.ofSeconds(1), 2)) {
			Backend backend = session.backend();
			backend.set("k", bytes("v"), null);
			server().stop();
			assertThat(backend.health().healthy()).isFalse();
			server().restart();
			assertThat(Await.until(() -> backend.health().healthy())).as("healthy again after restart").isTrue();
			backend.set("after", bytes("restart"), null);
			assertThat(backend.get("after")).isEqualTo(bytes("restart"));
		}
	}

	@Test
	void pausedServerFailsAsTimeoutAndHealthIsDown() {
		try (Session session = backend(Duration.ofMillis(200), 0)) {
			Backend backend = session.backend();
			backend.set("k", bytes("v"), null);
			server().pause();
			assertThatExceptionOfType(BackendException.class).isThrownBy(() -> backend.get("k"))
				.satisfies((ex) -> assertThat(ex.getErrorType()).isEqualTo(BackendErrorType.TIMEOUT));
			BackendHealth health = backend.health();
			assertThat(health.healthy()).isFalse();
			assertThat(String.valueOf(health.detail("error"))).contains("TIMEOUT");
			server().resume();
			assertThat(Await.until(() -> backend.health().healthy())).isTrue();
			assertThat(backend.get("k")).isEqualTo(bytes("v"));
		}
	}

	@Test
	void aTimeoutIsNotRetriedSoAPausedServerCostsOneOperationTimeout() {
		try (Session session = backend(Duration.ofMillis(300), 5)) {
			Backend backend = session.backend();
			backend.set("k", bytes("v"), null);
			server().pause();
			CompletableFuture<Void> resume = resumeAfter(1500);
			long start = System.nanoTime();
			assertThatExceptionOfType(BackendException.class).isThrownBy(() -> backend.get("k"))
				.satisfies((ex) -> assertThat(ex.getErrorType()).isEqualTo(BackendErrorType.TIMEOUT));
			long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
			// A retry would have made it at least two timeouts (600 ms).
			assertThat(waited).as("one attempt of 300 ms, not six").isLessThan(600);
			resume.join();
		}
	}

	@Test
	void withoutRetriesTheSameShortPauseFailsAsTimeout() {
		try (Session session = backend(Duration.ofMillis(300), 0)) {
			Backend backend = session.backend();
			backend.set("k", bytes("v"), null);
			server().pause();
			CompletableFuture<Void> resume = resumeAfter(1500);
			assertThatExceptionOfType(BackendException.class).isThrownBy(() -> backend.get("k"))
				.satisfies((ex) -> assertThat(ex.getErrorType()).isEqualTo(BackendErrorType.TIMEOUT));
			resume.join();
		}
	}

	@Test
	void incrementIsNotRetriedOnATimeout() {
		try (Session session = backend(Duration.ofMillis(300), 5)) {
			Backend backend = session.backend();
			Increment counter = backend.capability(Increment.class).orElseThrow();
			// The counter exists and the connection is warm before the pause. On a busy
			// machine the first increment (a connection, a script to load) can itself
			// outlast the short timeout; it is tried again until it answers, and the
			// count starts from what the server holds then.
			assertThat(Await.until(() -> incremented(counter))).isTrue();
			long before = counter.increment("n", 0, 0, null);
			server().pause();
			CompletableFuture<Void> resume = resumeAfter(500);
			assertThatExceptionOfType(BackendException.class).isThrownBy(() -> counter.increment("n", 1, 0, null))
				.satisfies((ex) -> assertThat(ex.getErrorType()).isEqualTo(BackendErrorType.TIMEOUT));
			resume.join();
			// The timed-out increment reached the server once it resumed; it was
			// not sent twice.
			assertThat(Await.until(() -> String.valueOf(before + 1).equals(text(backend.get("n"))))).isTrue();
			assertThat(counter.increment("n", 0, 0, null)).isEqualTo(before + 1);
		}
	}

	private static boolean incremented(Increment counter) {
		try {
			counter.increment("n", 1, 0, null);
			return true;
		}
		catch (BackendException ex) {
			if (ex.getErrorType() != BackendErrorType.TIMEOUT) {
				throw ex;
			}
			return false;
		}
	}

	/**
	 * A backend under test, closed when it is {@link AutoCloseable}.
	 */
	private record Session(Backend backend) implements AutoCloseable {

		@Override
		public void close() {
			if (this.backend instanceof AutoCloseable closeable) {
				try {
					closeable.close();
				}
				catch (Exception ex) {
					throw new IllegalStateException("closing " + this.backend + " failed", ex);
				}
			}
		}

	}

	private CompletableFuture<Void> resumeAfter(long millis) {
		ServerProcess current = server();
		return CompletableFuture.runAsync(current::resume,
				CompletableFuture.delayedExecutor(millis, TimeUnit.MILLISECONDS));
	}

	/**
	 * Returns the UTF-8 bytes of a string.
	 * @param text the string
	 * @return its bytes
	 */
	protected static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static @Nullable String text(byte @Nullable [] value) {
		return (value != null) ? new String(value, StandardCharsets.UTF_8) : null;
	}

}
