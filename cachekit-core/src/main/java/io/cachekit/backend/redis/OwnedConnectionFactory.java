package io.cachekit.backend.redis;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * A Lettuce connection factory, with its own client resources (event loops, timer), that
 * a {@link RedisBackend} builds from a {@link RedisUrl} and shuts down when it closes.
 *
 * <p>
 * Choices that differ from Lettuce's defaults, for a cache:
 * <ul>
 * <li>While disconnected, commands are rejected at once ({@code TRANSIENT}) instead of
 * being queued until the command timeout: a cache miss now beats a slow one.</li>
 * <li>Reconnection attempts back off exponentially up to {@link #MAX_RECONNECT_DELAY}
 * (Lettuce's default cap is 30 seconds), so a restarted server is connected to again
 * within half a second, whatever the phase of the back-off; an attempt on a server that
 * is down costs one refused connection.</li>
 * <li>Shutdown has no quiet period.</li>
 * <li>Over TLS ({@code rediss://}), the server's certificate and host name are verified
 * (against the configured trust, else the JDK's default authorities), through the JDK's
 * TLS provider.</li>
 * </ul>
 * The native connection is shared by every caller (Lettuce's default), and connected on
 * first use rather than at creation.
 */
final class OwnedConnectionFactory implements AutoCloseable {

	/** The cap of the back-off between reconnection attempts. */
	static final Duration MAX_RECONNECT_DELAY = Duration.ofMillis(500);

	private static final Logger logger = LoggerFactory.getLogger(OwnedConnectionFactory.class);

	private final ClientResources resources;

	private final LettuceConnectionFactory factory;

	private OwnedConnectionFactory(ClientResources resources, LettuceConnectionFactory factory) {
		this.resources = resources;
		this.factory = factory;
	}

	// Shutting down after a failure is best effort.
	@SuppressWarnings("FutureReturnValueIgnored")
	static OwnedConnectionFactory create(RedisUrl url, RedisBackendConfig config) {
		RedisStandaloneConfiguration server = new RedisStandaloneConfiguration(url.host(), url.port());
		server.setDatabase(url.database());
		if (url.username() != null) {
			server.setUsername(url.username());
		}
		if (url.password() != null) {
			server.setPassword(url.password());
		}
		ClientResources resources = DefaultClientResources.builder()
			.reconnectDelay(Delay.exponential(Duration.ZERO, MAX_RECONNECT_DELAY, 2, TimeUnit.MILLISECONDS))
			.build();
		try {
			ClientOptions.Builder options = ClientOptions.builder()
				.socketOptions(SocketOptions.builder().connectTimeout(config.connectTimeout()).build())
				.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
			if (url.ssl()) {
				options.sslOptions(sslOptions(config));
			}
			LettuceClientConfiguration.LettuceClientConfigurationBuilder client = LettuceClientConfiguration.builder()
				.clientResources(resources)
				.clientOptions(options.build())
				.commandTimeout(config.commandTimeout())
				.shutdownQuietPeriod(Duration.ZERO)
				.shutdownTimeout(Duration.ofSeconds(2));
			if (url.ssl()) {
				// Spring Data Redis verifies the peer by default: certificate and host
				// name.
				client.useSsl().verifyPeer(SslVerifyMode.FULL);
			}
			LettuceConnectionFactory factory = new LettuceConnectionFactory(server, client.build());
			factory.afterPropertiesSet();
			return new OwnedConnectionFactory(resources, factory);
		}
		catch (RuntimeException ex) {
			resources.shutdown(0, 0, TimeUnit.SECONDS);
			throw ex;
		}
	}

	private static SslOptions sslOptions(RedisBackendConfig config) {
		SslOptions.Builder ssl = SslOptions.builder().jdkSslProvider();
		TrustManagerFactory trust = config.trustManagerFactory();
		if (trust != null) {
			ssl.trustManager(trust);
		}
		KeyManagerFactory keys = config.keyManagerFactory();
		if (keys != null) {
			ssl.keyManager(keys);
		}
		if (!config.tlsProtocols().isEmpty()) {
			ssl.protocols(config.tlsProtocols().toArray(new String[0]));
		}
		if (!config.tlsCipherSuites().isEmpty()) {
			ssl.cipherSuites(config.tlsCipherSuites().toArray(new String[0]));
		}
		return ssl.build();
	}

	LettuceConnectionFactory factory() {
		return this.factory;
	}

	/**
	 * Closes the connections and the client, then stops the client resources' threads and
	 * waits (at most a few seconds) for them to end.
	 */
	@Override
	public void close() {
		try {
			this.factory.destroy();
		}
		finally {
			if (!this.resources.shutdown(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3000)) {
				logger.warn("Lettuce client resources did not shut down within 3 seconds");
			}
		}
	}

}
