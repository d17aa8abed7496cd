package io.cachekit.test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that gives a test class one real server, started before its first
 * test and stopped after its last.
 *
 * <pre>
 * &#64;RegisterExtension
 * static final TestServer memcached = TestServer.memcached();
 * </pre>
 *
 * <p>
 * When the kind's environment variable ({@code CACHEKIT_TEST_MEMCACHED},
 * {@code CACHEKIT_TEST_REDIS}) names a {@code host:port}, that server is used instead and
 * nothing is started; {@link #process()} then fails, since an external server cannot be
 * stopped by the tests.
 */
public final class TestServer implements BeforeAllCallback, AfterAllCallback {

	private final ServerKind kind;

	private final @Nullable String saslUsername;

	private final @Nullable String saslPassword;

	private final boolean tls;

	private @Nullable SaslDatabase sasl;

	private @Nullable TestCertificates certificates;

	private @Nullable ServerProcess process;

	private @Nullable String address;

	private TestServer(ServerKind kind) {
		this(kind, null, null, false);
	}

	private TestServer(ServerKind kind, @Nullable String saslUsername, @Nullable String saslPassword, boolean tls) {
		this.kind = kind;
		this.saslUsername = saslUsername;
		this.saslPassword = saslPassword;
		this.tls = tls;
	}

	/**
	 * Returns an extension that provides a memcached server.
	 * @return the extension
	 */
	public static TestServer memcached() {
		return new TestServer(ServerKind.MEMCACHED);
	}

	/**
	 * Returns an extension that provides a memcached server with SASL authentication on
	 * ({@code memcached -S}, binary protocol only) and one user in its SASL database,
	 * made for the test class ({@link SaslDatabase}). Always started locally: the
	 * external-server variable is ignored, since the tests must know the credentials.
	 * @param username the user memcached accepts
	 * @param password the user's password
	 * @return the extension
	 */
	public static TestServer memcachedWithSasl(String username, String password) {
		return new TestServer(ServerKind.MEMCACHED, username, password, false);
	}

	/**
	 * Returns an extension that provides a memcached server that speaks only TLS
	 * ({@code memcached -Z}), with a certificate for {@code 127.0.0.1} and
	 * {@code localhost} from {@link TestCertificates} made for the test class
	 * ({@link #certificates()}). Always started locally.
	 * @return the extension
	 */
	public static TestServer memcachedWithTls() {
		return new TestServer(ServerKind.MEMCACHED, null, null, true);
	}

	/**
	 * Returns an extension that provides a memcached server with both TLS and SASL, as
	 * {@link #memcachedWithTls()} and {@link #memcachedWithSasl(String, String)}.
	 * @param username the user memcached accepts
	 * @param password the user's password
	 * @return the extension
	 */
	public static TestServer memcachedWithTlsAndSasl(String username, String password) {
		return new TestServer(ServerKind.MEMCACHED, username, password, true);
	}

	/**
	 * Returns an extension that provides a Redis server.
	 * @return the extension
	 */
	public static TestServer redis() {
		return new TestServer(ServerKind.REDIS);
	}

	/**
	 * Returns an extension that provides a Redis server that accepts TLS connections only
	 * ({@code --tls-port}), with a server certificate for {@code 127.0.0.1} made for the
	 * test class ({@link #certificates()}). Always started locally.
	 * @return the extension
	 */
	public static TestServer redisWithTls() {
		return new TestServer(ServerKind.REDIS, null, null, true);
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		String external = System.getenv(this.kind.externalVariable());
		if (this.tls) {
			TestCertificates made = TestCertificates.create();
			this.certificates = made;
			if (this.kind == ServerKind.REDIS) {
				this.process = ServerProcess.startWithTls(this.kind, made);
			}
			else {
				Map<String, String> environment = Map.of();
				List<String> arguments = new ArrayList<>(List.of("-Z", "-o",
						"ssl_chain_cert=" + made.serverCertificate() + ",ssl_key=" + made.serverKey()));
				if (this.saslUsername != null && this.saslPassword != null) {
					SaslDatabase database = SaslDatabase.create(this.saslUsername, this.saslPassword);
					this.sasl = database;
					environment = database.environment();
					arguments.add("-S");
				}
				this.process = ServerProcess.startWithTls(this.kind, TrustingContexts.trusting(made.caCertificate()),
						environment, arguments.toArray(String[]::new));
			}
			this.address = this.process.address();
		}
		else if (this.saslUsername != null && this.saslPassword != null) {
			SaslDatabase database = SaslDatabase.create(this.saslUsername, this.saslPassword);
			this.sasl = database;
			this.process = ServerProcess.start(this.kind, database.environment(), "-S");
			this.address = this.process.address();
		}
		else if (external != null && !external.isBlank()) {
			this.address = external.strip();
		}
		else {
			this.process = ServerProcess.start(this.kind);
			this.address = this.process.address();
		}
	}

	@Override
	public void afterAll(ExtensionContext context) {
		if (this.process != null) {
			this.process.close();
			this.process = null;
		}
		if (this.sasl != null) {
			this.sasl.close();
			this.sasl = null;
		}
		if (this.certificates != null) {
			this.certificates.close();
			this.certificates = null;
		}
	}

	/**
	 * Returns the certificates of a TLS server.
	 * @return the certificates: trust {@link TestCertificates#caCertificate()} to connect
	 * @throws IllegalStateException when the server does not use TLS
	 */
	public TestCertificates certificates() {
		if (this.certificates == null) {
			throw new IllegalStateException(
					"this server does not use TLS; use TestServer.memcachedWithTls() or TestServer.redisWithTls()");
		}
		return this.certificates;
	}

	/**
	 * Returns the server's address.
	 * @return {@code host:port}
	 */
	public String address() {
		return Objects.requireNonNull(this.address, "the server is started before the test class runs");
	}

	/**
	 * Returns the local process, for tests that stop, pause or restart it.
	 * @return the process
	 * @throws IllegalStateException when an external server is in use
	 */
	public ServerProcess process() {
		if (this.process == null) {
			throw new IllegalStateException("this test controls the server process; unset "
					+ this.kind.externalVariable() + " to let the tests start their own " + this.kind.binary());
		}
		return this.process;
	}

}
