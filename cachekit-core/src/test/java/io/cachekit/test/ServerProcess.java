package io.cachekit.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import org.jspecify.annotations.Nullable;

/**
 * A real server process on a free loopback port, for integration and fault tests.
 *
 * <p>
 * {@link #start(ServerKind)} runs the binary found on the {@code PATH} and returns once
 * the server answers its protocol's ping; {@link #start(ServerKind, String...)} adds
 * arguments to the command line, such as a password Redis requires, and
 * {@link #start(ServerKind, Map, String...)} environment variables too, such as the SASL
 * configuration memcached reads ({@link SaslDatabase}). The process can then be stopped
 * and restarted on the same port, or paused ({@code SIGSTOP}) and resumed
 * ({@code SIGCONT}) to make it hang without closing its connections, or killed
 * ({@code SIGKILL}) to crash it. {@link #close()} stops it for good; a JVM shutdown hook
 * also kills any process still running.
 *
 * <p>
 * When the binary is missing, starting fails with a message that says how to install it.
 * It never skips. Not thread-safe: one test drives one process.
 */
public final class ServerProcess implements AutoCloseable {

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(15);

	private static final Set<Process> running = ConcurrentHashMap.newKeySet();

	static {
		Runtime.getRuntime()
			.addShutdownHook(
					new Thread(() -> running.forEach(Process::destroyForcibly), "cachekit-test-servers-shutdown"));
	}

	private final ServerKind kind;

	private final String executable;

	private final int port;

	private final Path log;

	private final List<String> extraArguments;

	private final Map<String, String> environment;

	/** Set for a server that speaks only TLS: the readiness probe goes through it. */
	private final @Nullable SSLContext probeContext;

	/** Set for a server whose TLS arguments the kind adds (Redis): its certificates. */
	private final @Nullable TestCertificates tls;

	/** Set for a kind that needs a configuration file of its own (Sentinel). */
	private final @Nullable Path configFile;

	private @Nullable Process process;

	private boolean paused;

	private ServerProcess(ServerKind kind, String executable, int port, Path log, List<String> extraArguments,
			Map<String, String> environment, @Nullable SSLContext probeContext, @Nullable TestCertificates tls) {
		this.kind = kind;
		this.executable = executable;
		this.port = port;
		this.log = log;
		this.extraArguments = extraArguments;
		this.environment = environment;
		this.probeContext = probeContext;
		this.tls = tls;
		this.configFile = kind.needsConfigFile() ? log.resolveSibling(log.getFileName() + ".conf") : null;
	}

	/**
	 * Starts a server of the given kind on a free loopback port.
	 * @param kind the kind of server
	 * @return the running server
	 * @throws IllegalStateException when the binary is missing (the message says how to
	 * install it) or the server does not come up
	 */
	public static ServerProcess start(ServerKind kind) {
		return start(kind, new String[0]);
	}

	/**
	 * Starts a server of the given kind on a free loopback port, with more arguments
	 * appended to its usual command line; they are kept for {@link #restart()}.
	 * <pre>{@code
	 * ServerProcess redis = ServerProcess.start(ServerKind.REDIS, "--requirepass", "secret");
	 * }</pre>
	 * @param kind the kind of server
	 * @param extraArguments further command-line arguments, such as
	 * {@code --requirepass secret} for Redis
	 * @return the running server
	 * @throws IllegalStateException when the binary is missing (the message says how to
	 * install it) or the server does not come up
	 */
	public static ServerProcess start(ServerKind kind, String... extraArguments) {
		return start(kind, Map.of(), extraArguments);
	}

	/**
	 * Starts a server of the given kind on a free loopback port, with more environment
	 * variables and arguments; both are kept for {@link #restart()}. <pre>{@code
	 * ServerProcess memcached = ServerProcess.start(ServerKind.MEMCACHED,
	 *     Map.of("SASL_CONF_PATH", saslDirectory.toString()), "-S");
	 * }</pre>
	 * @param kind the kind of server
	 * @param environment variables added to the process's environment
	 * @param extraArguments further command-line arguments
	 * @return the running server
	 * @throws IllegalStateException when the binary is missing (the message says how to
	 * install it) or the server does not come up
	 */
	public static ServerProcess start(ServerKind kind, Map<String, String> environment, String... extraArguments) {
		return start(kind, environment, null, null, extraArguments);
	}

	/**
	 * Starts a server that speaks only TLS, such as {@code memcached -Z}: as
	 * {@link #start(ServerKind, Map, String...)}, with the readiness probe sent over TLS
	 * with {@code probeContext}.
	 * @param kind the kind of server
	 * @param probeContext a context that trusts the server's certificate
	 * @param environment variables added to the process's environment
	 * @param extraArguments further command-line arguments, the TLS ones included
	 * @return the running server
	 * @throws IllegalStateException when the binary is missing or the server does not
	 * come up
	 */
	public static ServerProcess startWithTls(ServerKind kind, SSLContext probeContext, Map<String, String> environment,
			String... extraArguments) {
		return start(kind, environment, Objects.requireNonNull(probeContext, "probeContext"), null, extraArguments);
	}

	/**
	 * Starts a server of the given kind that accepts TLS connections only, on a free
	 * loopback port, with the server certificate of {@code certificates}; clients are not
	 * asked for certificates. The readiness probe speaks TLS and trusts
	 * {@link TestCertificates#caCertificate()}. <pre>{@code
	 * ServerProcess redis = ServerProcess.startWithTls(ServerKind.REDIS, certificates);
	 * }</pre>
	 * @param kind the kind of server; Redis only ({@code --port 0 --tls-port ...})
	 * @param certificates the certificates, open while the server runs
	 * @param extraArguments further command-line arguments
	 * @return the running server
	 * @throws IllegalStateException when the binary is missing or the server does not
	 * come up
	 */
	public static ServerProcess startWithTls(ServerKind kind, TestCertificates certificates, String... extraArguments) {
		Objects.requireNonNull(certificates, "certificates");
		return start(kind, Map.of(), certificates.clientContext(), certificates, extraArguments);
	}

	private static ServerProcess start(ServerKind kind, Map<String, String> environment,
			@Nullable SSLContext probeContext, @Nullable TestCertificates tls, String... extraArguments) {
		Map<String, String> variables = Map.copyOf(environment);
		List<String> arguments = List.of(extraArguments);
		String executable = findExecutable(kind);
		IllegalStateException failure = null;
		for (int attempt = 0; attempt < 3; attempt++) {
			ServerProcess server;
			try {
				server = new ServerProcess(kind, executable, freePort(),
						Files.createTempFile("cachekit-" + kind.binary() + "-", ".log"), arguments, variables,
						probeContext, tls);
			}
			catch (IOException ex) {
				throw new IllegalStateException("cannot prepare a " + kind.binary() + " process", ex);
			}
			try {
				server.launch();
				return server;
			}
			catch (IllegalStateException ex) {
				// Another process may have taken the port between probing and binding.
				server.close();
				failure = ex;
			}
		}
		throw Objects.requireNonNull(failure);
	}

	/**
	 * Returns the port the server listens on; it stays the same across restarts.
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

	/**
	 * Returns the server's address as {@code 127.0.0.1:port}.
	 * @return the address
	 */
	public String address() {
		return "127.0.0.1:" + this.port;
	}

	/**
	 * Returns the operating system's id of the running process.
	 * @return the pid
	 * @throws IllegalStateException when the process is not running
	 */
	public long pid() {
		requireRunning();
		return Objects.requireNonNull(this.process, "no process").pid();
	}

	/**
	 * Tells whether the process is alive (paused counts as alive).
	 * @return {@code true} while the process runs
	 */
	public boolean isRunning() {
		Process current = this.process;
		return current != null && current.isAlive();
	}

	/**
	 * Stops the server and waits for the process to exit. Its port closes, so clients see
	 * refused connections. Does nothing when already stopped.
	 */
	public void stop() {
		Process current = this.process;
		if (current == null) {
			return;
		}
		if (this.paused) {
			signal("CONT");
			this.paused = false;
		}
		current.destroy();
		try {
			if (!current.waitFor(5, TimeUnit.SECONDS)) {
				current.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			current.destroyForcibly();
		}
		running.remove(current);
		this.process = null;
	}

	/**
	 * Kills the process with {@code SIGKILL}, as a crash would, and waits until it is
	 * gone: it neither answers nor closes its connections cleanly first. Does nothing
	 * when already stopped.
	 */
	public void kill() {
		Process current = this.process;
		if (current == null) {
			return;
		}
		current.destroyForcibly();
		try {
			if (!current.waitFor(5, TimeUnit.SECONDS)) {
				throw new IllegalStateException(this + " (pid " + current.pid() + ") did not exit on SIGKILL");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted waiting for " + this + " to exit", ex);
		}
		running.remove(current);
		this.process = null;
		this.paused = false;
	}

	/**
	 * Starts the server again on the same port, empty, and waits until it answers.
	 * @throws IllegalStateException when it is running or does not come up
	 */
	public void restart() {
		if (isRunning()) {
			throw new IllegalStateException(this.kind.binary() + " on port " + this.port + " is still running");
		}
		launch();
	}

	/**
	 * Pauses the process with {@code SIGSTOP}: its connections stay open but nothing is
	 * answered, so clients time out.
	 */
	public void pause() {
		requireRunning();
		signal("STOP");
		this.paused = true;
		awaitAllThreadsStopped();
	}

	/**
	 * Resumes a paused process with {@code SIGCONT}.
	 */
	public void resume() {
		requireRunning();
		signal("CONT");
		this.paused = false;
	}

	/**
	 * Stops the server for good.
	 */
	@Override
	public void close() {
		stop();
		try {
			Files.deleteIfExists(this.log);
			if (this.configFile != null) {
				Files.deleteIfExists(this.configFile);
			}
		}
		catch (IOException ex) {
			// A leftover log file in the temp directory is harmless.
		}
	}

	@Override
	public String toString() {
		return this.kind.binary() + "@" + address();
	}

	private void launch() {
		if (this.configFile != null) {
			try {
				// A fresh file each time: Sentinel rewrites it with what it has learnt.
				Files.writeString(this.configFile, "# written by cachekit's test support\n");
			}
			catch (IOException ex) {
				throw new IllegalStateException("cannot write " + this.configFile, ex);
			}
		}
		List<String> command = new ArrayList<>(this.kind.command(this.executable, this.port, this.configFile));
		if (this.tls != null) {
			command.addAll(this.kind.tlsArguments(this.port, this.tls));
		}
		command.addAll(this.extraArguments);
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(this.log.toFile()));
		builder.environment().putAll(this.environment);
		Process started;
		try {
			started = builder.start();
		}
		catch (IOException ex) {
			throw new IllegalStateException("cannot run " + this.executable + ": " + ex.getMessage(), ex);
		}
		running.add(started);
		this.process = started;
		this.paused = false;
		long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
		while (System.nanoTime() < deadline) {
			if (!started.isAlive()) {
				stop();
				throw new IllegalStateException(this.kind.binary() + " exited at start on port " + this.port
						+ " with code " + started.exitValue() + ": " + readLog());
			}
			if (answersProbe()) {
				return;
			}
			sleep(20);
		}
		stop();
		throw new IllegalStateException(this.kind.binary() + " did not answer on port " + this.port + " within "
				+ STARTUP_TIMEOUT + ": " + readLog());
	}

	private boolean answersProbe() {
		try (Socket plain = new Socket(); Socket socket = overTls(plain)) {
			OutputStream out = socket.getOutputStream();
			out.write(this.kind.probe().getBytes(StandardCharsets.ISO_8859_1));
			out.flush();
			InputStream in = socket.getInputStream();
			byte[] answer = new byte[64];
			int read = in.read(answer);
			return read > 0 && this.kind.isReadyAnswer(new String(answer, 0, read, StandardCharsets.ISO_8859_1));
		}
		catch (IOException ex) {
			return false;
		}
	}

	private Socket overTls(Socket plain) throws IOException {
		plain.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.port), 500);
		plain.setSoTimeout(500);
		if (this.probeContext == null) {
			return plain;
		}
		SSLSocket tls = (SSLSocket) this.probeContext.getSocketFactory()
			.createSocket(plain, InetAddress.getLoopbackAddress().getHostAddress(), this.port, true);
		tls.startHandshake();
		return tls;
	}

	private void requireRunning() {
		if (!isRunning()) {
			throw new IllegalStateException(this.kind.binary() + " on port " + this.port + " is not running");
		}
	}

	private void signal(String name) {
		Process current = Objects.requireNonNull(this.process, "no process");
		try {
			Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(current.pid())).inheritIO().start();
			if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
				throw new IllegalStateException("kill -" + name + " " + current.pid() + " failed");
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException("cannot send SIG" + name + " to " + current.pid(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted sending SIG" + name, ex);
		}
	}

	/**
	 * Waits until every thread of the process is in the stopped state, read from
	 * {@code /proc}: {@code kill} returns once the signal is sent, and a thread that is
	 * still running could answer one more request.
	 */
	private void awaitAllThreadsStopped() {
		Process current = Objects.requireNonNull(this.process, "no process");
		Path tasks = Path.of("/proc", Long.toString(current.pid()), "task");
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		while (System.nanoTime() < deadline) {
			try (var threads = Files.list(tasks)) {
				if (threads.allMatch(ServerProcess::isStopped)) {
					return;
				}
			}
			catch (IOException ex) {
				// No /proc (not Linux): the signal is all there is to go on.
				return;
			}
			sleep(5);
		}
		throw new IllegalStateException(this.kind.binary() + " (pid " + current.pid() + ") did not stop on SIGSTOP");
	}

	private static boolean isStopped(Path task) {
		try {
			String stat = Files.readString(task.resolve("stat"));
			// The state follows the command name, which is in parentheses.
			char state = stat.charAt(stat.lastIndexOf(')') + 2);
			return state == 'T' || state == 't';
		}
		catch (IOException | RuntimeException ex) {
			return true;
		}
	}

	private String readLog() {
		try {
			return Files.readString(this.log).strip();
		}
		catch (IOException ex) {
			return "(no log: " + ex.getMessage() + ")";
		}
	}

	private static String findExecutable(ServerKind kind) {
		String path = System.getenv("PATH");
		if (path != null) {
			for (String directory : path.split(java.io.File.pathSeparator, -1)) {
				Path candidate = Path.of(directory, kind.binary());
				if (Files.isExecutable(candidate)) {
					return candidate.toString();
				}
			}
		}
		for (String directory : new String[] { "/usr/bin", "/usr/sbin", "/usr/local/bin" }) {
			Path candidate = Path.of(directory, kind.binary());
			if (Files.isExecutable(candidate)) {
				return candidate.toString();
			}
		}
		throw new IllegalStateException(kind.installHint());
	}

	/**
	 * Returns a loopback port that was free a moment ago, such as a Redis Cluster bus
	 * port; another process may still take it before it is bound.
	 */
	static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			socket.setReuseAddress(true);
			return socket.getLocalPort();
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted waiting for a server", ex);
		}
	}

}
