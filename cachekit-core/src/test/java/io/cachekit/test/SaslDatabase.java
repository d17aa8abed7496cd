package io.cachekit.test;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Cyrus SASL configuration for {@code memcached -S}, made at test time in a temporary
 * directory: a SASL database with one user, written by {@code saslpasswd2} (Debian
 * package {@code sasl2-bin}), and the {@code memcached.conf} that points memcached at it
 * and allows the {@code PLAIN} mechanism. memcached reads that file from the directory
 * named by {@code SASL_CONF_PATH}, which {@link #environment()} sets.
 *
 * <pre>{@code
 * try (SaslDatabase sasl = SaslDatabase.create("app", "secret")) {
 *     ServerProcess memcached = ServerProcess.start(ServerKind.MEMCACHED, sasl.environment(), "-S");
 * }
 * }</pre>
 *
 * <p>
 * When {@code saslpasswd2} is missing, creating fails with a message that says how to
 * install it. It never skips. {@link #close()} deletes the directory.
 */
public final class SaslDatabase implements AutoCloseable {

	private static final String INSTALL_HINT = "'saslpasswd2' was not found. Install it with "
			+ "'sudo apt-get install -y sasl2-bin' (the README's test command does this).";

	private final Path directory;

	private SaslDatabase(Path directory) {
		this.directory = directory;
	}

	/**
	 * Creates a SASL configuration whose database holds one user.
	 * @param username the user name
	 * @param password the user's password
	 * @return the configuration; close it when the server has stopped
	 * @throws IllegalStateException when {@code saslpasswd2} is missing or fails
	 */
	public static SaslDatabase create(String username, String password) {
		Path directory;
		try {
			directory = Files.createTempDirectory("cachekit-sasl-");
		}
		catch (IOException ex) {
			throw new IllegalStateException("cannot create a SASL configuration directory", ex);
		}
		SaslDatabase database = new SaslDatabase(directory);
		try {
			Path sasldb = directory.resolve("sasldb2");
			addUser(sasldb, username, password);
			Files.writeString(directory.resolve("memcached.conf"),
					"mech_list: plain\nsasldb_path: " + sasldb.toAbsolutePath() + "\n", StandardCharsets.US_ASCII);
			return database;
		}
		catch (IOException | RuntimeException ex) {
			database.close();
			throw (ex instanceof RuntimeException runtime) ? runtime
					: new IllegalStateException("cannot write the SASL configuration in " + directory, ex);
		}
	}

	/**
	 * Returns the environment memcached needs to find this configuration.
	 * @return {@code SASL_CONF_PATH} set to the configuration directory
	 */
	public Map<String, String> environment() {
		return Map.of("SASL_CONF_PATH", this.directory.toString());
	}

	/**
	 * Deletes the configuration directory.
	 */
	@Override
	public void close() {
		try (Stream<Path> files = Files.walk(this.directory)) {
			files.sorted(Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
		}
		catch (IOException ex) {
			// A leftover directory in the temp directory is harmless.
		}
	}

	private static void addUser(Path sasldb, String username, String password) throws IOException {
		// -p reads the password from standard input; -a memcached is the application
		// name memcached authenticates under.
		Process process = new ProcessBuilder(saslpasswd2(), "-p", "-c", "-a", "memcached", "-f", sasldb.toString(),
				username)
			.redirectErrorStream(true)
			.start();
		try (OutputStream in = process.getOutputStream()) {
			in.write(password.getBytes(StandardCharsets.UTF_8));
		}
		try {
			if (!process.waitFor(15, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new IllegalStateException("saslpasswd2 did not finish within 15 s");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			process.destroyForcibly();
			throw new IllegalStateException("interrupted waiting for saslpasswd2", ex);
		}
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
		if (process.exitValue() != 0) {
			throw new IllegalStateException("saslpasswd2 failed with code " + process.exitValue() + ": " + output);
		}
	}

	private static String saslpasswd2() {
		String path = System.getenv("PATH");
		Stream<String> directories = Stream.concat(
				(path != null) ? Stream.of(path.split(java.io.File.pathSeparator, -1)) : Stream.empty(),
				Stream.of("/usr/sbin", "/usr/bin", "/sbin"));
		return directories.map((directory) -> Path.of(directory, "saslpasswd2"))
			.filter(Files::isExecutable)
			.findFirst()
			.map(Path::toString)
			.orElseThrow(() -> new IllegalStateException(INSTALL_HINT));
	}

}
