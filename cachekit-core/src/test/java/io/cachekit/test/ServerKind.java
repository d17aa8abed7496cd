package io.cachekit.test;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A kind of server the test support can run: its binary, its command line, how to tell it
 * is ready, and how to install it.
 */
public enum ServerKind {

	/**
	 * memcached, from the Debian package {@code memcached}. The probe is a binary
	 * protocol {@code VERSION} request, which memcached answers before authentication, so
	 * that a server with SASL on ({@code -S}, binary protocol only) is seen to be up too.
	 */
	MEMCACHED("memcached", "memcached", "CACHEKIT_TEST_MEMCACHED", "\u0080\u000b" + "\0".repeat(22), "\u0081\u000b"),

	/** Redis, from the Debian package {@code redis-server}. */
	REDIS("redis-server", "redis-server", "CACHEKIT_TEST_REDIS", "PING\r\n", "+PONG", "-NOAUTH"),

	/**
	 * A Redis Sentinel: {@code redis-server <config> --sentinel}, from the Debian package
	 * {@code redis-server} (Debian ships no {@code redis-sentinel} binary). Sentinel
	 * rewrites its configuration file and will not start without a writable one, so
	 * {@link ServerProcess} gives each process a file of its own; masters to monitor are
	 * passed as arguments, such as {@code --sentinel monitor mymaster 127.0.0.1 6379 2}.
	 */
	REDIS_SENTINEL("redis-server", "redis-server", "CACHEKIT_TEST_REDIS_SENTINEL", "PING\r\n", "+PONG", "-NOAUTH");

	private final String binary;

	private final String debianPackage;

	private final String externalVariable;

	private final String probe;

	@SuppressWarnings("ImmutableEnumChecker") // List.of(...) is immutable
	private final List<String> readyAnswers;

	ServerKind(String binary, String debianPackage, String externalVariable, String probe, String... readyAnswers) {
		this.binary = binary;
		this.debianPackage = debianPackage;
		this.externalVariable = externalVariable;
		this.probe = probe;
		this.readyAnswers = List.of(readyAnswers);
	}

	/**
	 * Returns the executable's name, looked up on the {@code PATH}.
	 * @return the binary name
	 */
	public String binary() {
		return this.binary;
	}

	/**
	 * Returns the environment variable that may name an external server
	 * ({@code host:port}) to use instead of starting one.
	 * @return the variable's name
	 */
	public String externalVariable() {
		return this.externalVariable;
	}

	/**
	 * Returns the request that tells the server is up, one character per byte
	 * (ISO-8859-1).
	 * @return the probe
	 */
	String probe() {
		return this.probe;
	}

	/**
	 * Tells whether an answer to the probe shows the server is up. A Redis server that
	 * requires a password answers {@code -NOAUTH}, which shows it is up too.
	 * @param answer the start of the server's answer, one character per byte (ISO-8859-1)
	 * @return {@code true} when the server is ready
	 */
	boolean isReadyAnswer(String answer) {
		return this.readyAnswers.stream().anyMatch(answer::startsWith);
	}

	String installHint() {
		return "'" + this.binary + "' was not found on the PATH. Install it with " + "'sudo apt-get install -y "
				+ this.debianPackage + "' (the README's test command does this), " + "or set " + this.externalVariable
				+ "=host:port to use a running server.";
	}

	/**
	 * Returns the arguments, added after {@link #command(String, int)}'s, that make the
	 * server accept TLS connections only, on {@code port}.
	 */
	List<String> tlsArguments(int port, TestCertificates certificates) {
		return switch (this) {
			case MEMCACHED, REDIS_SENTINEL ->
				throw new UnsupportedOperationException("a TLS " + this + " is not supported here");
			case REDIS -> List.of("--port", "0", "--tls-port", Integer.toString(port), "--tls-cert-file",
					certificates.serverCertificate().toString(), "--tls-key-file", certificates.serverKey().toString(),
					"--tls-ca-cert-file", certificates.caCertificate().toString(), "--tls-auth-clients", "no");
		};
	}

	/**
	 * Tells whether the server needs a configuration file of its own, passed to
	 * {@link #command(String, int, Path)}.
	 */
	boolean needsConfigFile() {
		return this == REDIS_SENTINEL;
	}

	List<String> command(String executable, int port, @Nullable Path configFile) {
		return switch (this) {
			case MEMCACHED -> {
				List<String> command = new java.util.ArrayList<>(List.of(executable, "-l", "127.0.0.1", "-p",
						Integer.toString(port), "-U", "0", "-m", "64", "-t", "2", "-c", "1024"));
				if ("root".equals(System.getProperty("user.name"))) {
					// memcached refuses to run as root unless told which user to run as.
					command.addAll(List.of("-u", "root"));
				}
				yield command;
			}
			case REDIS -> List.of(executable, "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "",
					"--appendonly", "no", "--daemonize", "no", "--protected-mode", "no");
			// The configuration file must be the first argument.
			case REDIS_SENTINEL ->
				List.of(executable, Objects.requireNonNull(configFile, "configFile").toString(), "--sentinel", "--port",
						Integer.toString(port), "--bind", "127.0.0.1", "--daemonize", "no", "--protected-mode", "no");
		};
	}

}
