package io.cachekit.backend.redis;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.SocketOptions;
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
	static OwnedConnectionFactory create(RedisUrl url, Duration connectTimeout, Duration commandTimeout) {
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
			ClientOptions options = ClientOptions.builder()
				.socketOptions(SocketOptions.builder().connectTimeout(connectTimeout).build())
				.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
				.build();
			LettuceClientConfiguration.LettuceClientConfigurationBuilder client = LettuceClientConfiguration.builder()
				.clientResources(resources)
				.clientOptions(options)
				.commandTimeout(commandTimeout)
				.shutdownQuietPeriod(Duration.ZERO)
				.shutdownTimeout(Duration.ofSeconds(2));
			if (url.ssl()) {
				client.useSsl();
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
