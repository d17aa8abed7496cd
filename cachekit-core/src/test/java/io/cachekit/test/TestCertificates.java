package io.cachekit.test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A certificate authority and a server certificate made at test time by {@code openssl}
 * (Debian package {@code openssl}) in a temporary directory, for TLS servers on loopback:
 * the server certificate is signed by the authority and names {@code 127.0.0.1} and
 * {@code localhost} as subject alternative names, so a client that verifies certificates
 * and host names accepts it when it trusts {@link #caCertificate()}. A second, unrelated
 * authority ({@link #otherCaCertificate()}) lets a test show that verification is on.
 *
 * <pre>{@code
 * try (TestCertificates certificates = TestCertificates.create()) {
 *     ServerProcess redis = ServerProcess.start(ServerKind.REDIS, Map.of(), "--tls-port", ...,
 *             "--tls-cert-file", certificates.serverCertificate().toString(), ...);
 * }
 * }</pre>
 *
 * <p>
 * All files are PEM. When {@code openssl} is missing, creating fails with a message that
 * says how to install it; it never skips. {@link #close()} deletes the directory.
 */
public final class TestCertificates implements AutoCloseable {

	private static final String INSTALL_HINT = "'openssl' was not found. Install it with "
			+ "'sudo apt-get install -y openssl' (the README's test command does this).";

	private final Path directory;

	private TestCertificates(Path directory) {
		this.directory = directory;
	}

	/**
	 * Creates the authorities and the server certificate, valid for one day.
	 * @return the certificates; close them when the servers have stopped
	 * @throws IllegalStateException when {@code openssl} is missing or fails
	 */
	public static TestCertificates create() {
		Path directory;
		try {
			directory = Files.createTempDirectory("cachekit-tls-");
		}
		catch (IOException ex) {
			throw new IllegalStateException("cannot create a certificate directory", ex);
		}
		TestCertificates certificates = new TestCertificates(directory);
		try {
			certificates.authority("ca", "cachekit test CA");
			certificates.authority("other-ca", "unrelated test CA");
			Files.writeString(directory.resolve("server.ext"),
					"subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n"
							+ "keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n",
					StandardCharsets.US_ASCII);
			certificates.openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-subj",
					"/CN=localhost", "-out", "server.csr");
			certificates.openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
					"-CAcreateserial", "-days", "1", "-sha256", "-extfile", "server.ext", "-out", "server.crt");
			return certificates;
		}
		catch (IOException | RuntimeException ex) {
			certificates.close();
			throw (ex instanceof RuntimeException runtime) ? runtime
					: new IllegalStateException("cannot write the certificates in " + directory, ex);
		}
	}

	/**
	 * Returns the certificate of the authority that signed the server certificate.
	 * @return the PEM file
	 */
	public Path caCertificate() {
		return this.directory.resolve("ca.crt");
	}

	/**
	 * Returns the certificate of an authority that signed nothing here: a client that
	 * trusts only it must refuse the server.
	 * @return the PEM file
	 */
	public Path otherCaCertificate() {
		return this.directory.resolve("other-ca.crt");
	}

	/**
	 * Returns the server certificate, for {@code 127.0.0.1} and {@code localhost}.
	 * @return the PEM file
	 */
	public Path serverCertificate() {
		return this.directory.resolve("server.crt");
	}

	/**
	 * Returns the server certificate's private key, unencrypted.
	 * @return the PEM file
	 */
	public Path serverKey() {
		return this.directory.resolve("server.key");
	}

	/**
	 * Deletes the certificate directory.
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

	/**
	 * Returns trust managers that trust one authority's certificate and nothing else (not
	 * the JDK's default authorities).
	 * @param caCertificate the authority's PEM file, such as {@link #caCertificate()}
	 * @return the initialized trust manager factory
	 * @throws IllegalStateException when the file cannot be read
	 */
	public static TrustManagerFactory trusting(Path caCertificate) {
		try (var in = Files.newInputStream(caCertificate)) {
			KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
			store.load(null, null);
			store.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
			TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
			trust.init(store);
			return trust;
		}
		catch (IOException | GeneralSecurityException ex) {
			throw new IllegalStateException("cannot read the certificate " + caCertificate, ex);
		}
	}

	/**
	 * Returns a TLS context that trusts only {@link #caCertificate()}, for a plain client
	 * such as a readiness probe.
	 * @return the context
	 */
	public SSLContext clientContext() {
		return TrustingContexts.trusting(caCertificate());
	}

	private void authority(String name, String commonName) {
		openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-subj", "/CN=" + commonName,
				"-days", "1", "-sha256", "-addext", "basicConstraints=critical,CA:TRUE", "-addext",
				"keyUsage=critical,keyCertSign,cRLSign", "-out", name + ".crt");
	}

	private void openssl(String... arguments) {
		List<String> command = new ArrayList<>();
		command.add(opensslPath());
		command.addAll(List.of(arguments));
		try {
			Process process = new ProcessBuilder(command).directory(this.directory.toFile())
				.redirectErrorStream(true)
				.start();
			process.getOutputStream().close();
			if (!process.waitFor(30, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new IllegalStateException("openssl " + arguments[0] + " did not finish within 30 s");
			}
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
			if (process.exitValue() != 0) {
				throw new IllegalStateException("openssl " + String.join(" ", arguments) + " failed with code "
						+ process.exitValue() + ": " + output);
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException("cannot run openssl", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted waiting for openssl", ex);
		}
	}

	private static String opensslPath() {
		String path = System.getenv("PATH");
		Stream<String> directories = Stream.concat(
				(path != null) ? Stream.of(path.split(java.io.File.pathSeparator, -1)) : Stream.empty(),
				Stream.of("/usr/bin", "/usr/local/bin"));
		return directories.map((directory) -> Path.of(directory, "openssl"))
			.filter(Files::isExecutable)
			.findFirst()
			.map(Path::toString)
			.orElseThrow(() -> new IllegalStateException(INSTALL_HINT));
	}

}
