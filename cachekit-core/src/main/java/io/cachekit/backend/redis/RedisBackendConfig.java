package io.cachekit.backend.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

import io.cachekit.backend.Checks;
import io.cachekit.backend.Durations;
import io.cachekit.backend.Retry;
import org.jspecify.annotations.Nullable;

/**
 * Immutable settings of a {@link RedisBackend}.
 *
 * <p>
 * Built with {@link #builder()}. Every setter checks its value at once and throws
 * {@link IllegalArgumentException} with a message that names the setting and says what is
 * allowed.
 *
 * <p>
 * The key prefix, value size limit and retries apply to every backend. The URL and the
 * two timeouts are for {@link RedisBackend#create(RedisBackendConfig)}, which builds its
 * own Lettuce connection factory from them; a backend over an application's
 * {@code RedisConnectionFactory} uses that factory's settings instead.
 *
 * <pre>{@code
 * RedisBackendConfig config = RedisBackendConfig.builder()
 *     .url("redis://:secret@cache.example.com:6379/2")
 *     .commandTimeout(Duration.ofMillis(500))
 *     .keyPrefix("orders:")
 *     .build();
 * }</pre>
 *
 * <p>
 * Over TLS ({@code rediss://}) the server's certificate and host name are always
 * verified: against the JDK's default trusted authorities, or against
 * {@link Builder#trustManagerFactory(TrustManagerFactory)}. A client certificate, TLS
 * protocols and cipher suites may be set too. These TLS settings need a {@code rediss://}
 * URL; {@link Builder#build()} refuses them otherwise.
 *
 * <p>
 * {@link #toString()} and every message mask the URL's password.
 */
public final class RedisBackendConfig {

	/** The default time to wait for a connection to be established. */
	public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);

	/** The default time one command may take before it fails as a timeout. */
	public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(1);

	/** The default number of retries after a failed first attempt. */
	public static final int DEFAULT_RETRY_ATTEMPTS = 2;

	/**
	 * The default largest value, in bytes, that is sent to Redis: 16 MiB. Redis itself
	 * takes up to 512 MB, but one large value holds up its single command thread and
	 * every other client while it is copied, so a cache should refuse values far smaller.
	 */
	public static final int DEFAULT_MAX_VALUE_SIZE = 16 * 1024 * 1024;

	/** The largest value size that may be configured: Redis's own limit of 512 MiB. */
	public static final int MAX_VALUE_SIZE_LIMIT = 512 * 1024 * 1024;

	/** The longest key prefix, in UTF-8 bytes. */
	public static final int MAX_KEY_PREFIX_BYTES = 128;

	private final @Nullable RedisUrl url;

	private final Duration connectTimeout;

	private final Duration commandTimeout;

	private final int retryAttempts;

	private final String keyPrefix;

	private final int maxValueSize;

	private final @Nullable TrustManagerFactory trustManagerFactory;

	private final @Nullable KeyManagerFactory keyManagerFactory;

	private final List<String> tlsProtocols;

	private final List<String> tlsCipherSuites;

	private RedisBackendConfig(Builder builder) {
		this.trustManagerFactory = builder.trustManagerFactory;
		this.keyManagerFactory = builder.keyManagerFactory;
		this.tlsProtocols = builder.tlsProtocols;
		this.tlsCipherSuites = builder.tlsCipherSuites;
		this.url = builder.url;
		this.connectTimeout = builder.connectTimeout;
		this.commandTimeout = builder.commandTimeout;
		this.retryAttempts = builder.retryAttempts;
		this.keyPrefix = builder.keyPrefix;
		this.maxValueSize = builder.maxValueSize;
	}

	/**
	 * Starts a configuration with every default and no URL.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Starts a builder that holds this configuration's values.
	 * @return a new builder
	 */
	public Builder toBuilder() {
		Builder builder = new Builder();
		builder.url = this.url;
		builder.connectTimeout = this.connectTimeout;
		builder.commandTimeout = this.commandTimeout;
		builder.retryAttempts = this.retryAttempts;
		builder.keyPrefix = this.keyPrefix;
		builder.maxValueSize = this.maxValueSize;
		builder.trustManagerFactory = this.trustManagerFactory;
		builder.keyManagerFactory = this.keyManagerFactory;
		builder.tlsProtocols = this.tlsProtocols;
		builder.tlsCipherSuites = this.tlsCipherSuites;
		return builder;
	}

	/**
	 * Returns the server's URL with its password masked as {@code ****}, normalized to
	 * {@code redis[s]://[user][:****@]host:port/database}.
	 * @return the URL, safe to log, or empty when none was set
	 */
	public Optional<String> url() {
		return Optional.ofNullable(this.url).map(RedisUrl::toString);
	}

	/**
	 * Returns how long establishing a connection may take.
	 * @return the connect timeout
	 */
	public Duration connectTimeout() {
		return this.connectTimeout;
	}

	/**
	 * Returns how long one command may take before it fails as {@code TIMEOUT}.
	 * @return the command timeout
	 */
	public Duration commandTimeout() {
		return this.commandTimeout;
	}

	/**
	 * Returns how many times an idempotent operation is tried again after a
	 * {@code TRANSIENT} failure (timeouts are not retried).
	 * @return the retry attempts, zero or more
	 */
	public int retryAttempts() {
		return this.retryAttempts;
	}

	/**
	 * Returns the prefix put before every key.
	 * @return the prefix, possibly empty
	 */
	public String keyPrefix() {
		return this.keyPrefix;
	}

	/**
	 * Returns the largest value, in bytes, that is sent to Redis.
	 * @return the value size limit
	 */
	public int maxValueSize() {
		return this.maxValueSize;
	}

	/**
	 * Tells whether TLS settings other than the defaults are made (trust, client
	 * certificate, protocols or cipher suites).
	 */
	boolean hasTlsSettings() {
		return this.trustManagerFactory != null || this.keyManagerFactory != null || !this.tlsProtocols.isEmpty()
				|| !this.tlsCipherSuites.isEmpty();
	}

	@Nullable RedisUrl parsedUrl() {
		return this.url;
	}

	@Nullable TrustManagerFactory trustManagerFactory() {
		return this.trustManagerFactory;
	}

	@Nullable KeyManagerFactory keyManagerFactory() {
		return this.keyManagerFactory;
	}

	List<String> tlsProtocols() {
		return this.tlsProtocols;
	}

	List<String> tlsCipherSuites() {
		return this.tlsCipherSuites;
	}

	@Override
	public String toString() {
		return "RedisBackendConfig[url=" + ((this.url != null) ? this.url : "(none)") + ", connectTimeout="
				+ Durations.format(this.connectTimeout) + ", commandTimeout=" + Durations.format(this.commandTimeout)
				+ ", retryAttempts=" + this.retryAttempts + ", keyPrefix='" + this.keyPrefix + "', maxValueSize="
				+ this.maxValueSize + ((this.url != null && this.url.ssl()) ? ", tls=" + describeTls() : "") + "]";
	}

	private String describeTls() {
		StringBuilder text = new StringBuilder((this.trustManagerFactory != null) ? "trust given" : "default trust");
		if (this.keyManagerFactory != null) {
			text.append(", client certificate");
		}
		if (!this.tlsProtocols.isEmpty()) {
			text.append(", protocols ").append(this.tlsProtocols);
		}
		if (!this.tlsCipherSuites.isEmpty()) {
			text.append(", cipher suites ").append(this.tlsCipherSuites);
		}
		return "[" + text + "]";
	}

	/**
	 * Builds a {@link RedisBackendConfig}. Not thread-safe.
	 */
	public static final class Builder {

		private @Nullable RedisUrl url;

		private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;

		private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;

		private int retryAttempts = DEFAULT_RETRY_ATTEMPTS;

		private String keyPrefix = "";

		private int maxValueSize = DEFAULT_MAX_VALUE_SIZE;

		private @Nullable TrustManagerFactory trustManagerFactory;

		private @Nullable KeyManagerFactory keyManagerFactory;

		private List<String> tlsProtocols = List.of();

		private List<String> tlsCipherSuites = List.of();

		private Builder() {
		}

		/**
		 * Sets the server {@link RedisBackend#create(RedisBackendConfig)} connects to.
		 * @param url {@code redis://[[user]:password@]host[:port][/database]}, or
		 * {@code rediss://...} for TLS; the port defaults to 6379 and the database to 0;
		 * reserved characters in the user name and password percent-encoded
		 * @return this builder
		 * @throws IllegalArgumentException when the scheme, host, port or database is
		 * invalid; the message names {@code url} and never holds the password
		 */
		public Builder url(String url) {
			Objects.requireNonNull(url, "url must not be null");
			this.url = RedisUrl.parse(url);
			return this;
		}

		/**
		 * Sets how long establishing a connection (TCP, TLS and authentication) may take
		 * before it fails as {@code TRANSIENT}.
		 * @param connectTimeout a positive duration of at least one millisecond
		 * @return this builder
		 * @throws IllegalArgumentException when not positive
		 */
		public Builder connectTimeout(Duration connectTimeout) {
			this.connectTimeout = Checks.positive("connect timeout", connectTimeout);
			return this;
		}

		/**
		 * Sets how long one command may take before it fails as {@code TIMEOUT}; also the
		 * bound on a health check's ping.
		 * @param commandTimeout a positive duration of at least one millisecond
		 * @return this builder
		 * @throws IllegalArgumentException when not positive
		 */
		public Builder commandTimeout(Duration commandTimeout) {
			this.commandTimeout = Checks.positive("command timeout", commandTimeout);
			return this;
		}

		/**
		 * Sets how many times an idempotent operation (get, set, delete, exists, bulk
		 * get, TTL inspection) is tried again after a {@code TRANSIENT} failure.
		 * Add-if-absent and increment are never retried, and neither is an operation that
		 * timed out or failed because the server could not be reached.
		 * @param retryAttempts from 0 to {@value Retry#MAX_RETRY_ATTEMPTS}
		 * @return this builder
		 * @throws IllegalArgumentException when out of range
		 */
		public Builder retryAttempts(int retryAttempts) {
			this.retryAttempts = Checks.between("retry attempts", retryAttempts, 0, Retry.MAX_RETRY_ATTEMPTS);
			return this;
		}

		/**
		 * Sets the prefix put before every key, so that several applications can share a
		 * server without meeting. Redis keys are binary-safe, so any character is
		 * allowed.
		 * @param keyPrefix at most {@value RedisBackendConfig#MAX_KEY_PREFIX_BYTES} UTF-8
		 * bytes
		 * @return this builder
		 * @throws IllegalArgumentException when too long
		 */
		public Builder keyPrefix(String keyPrefix) {
			Objects.requireNonNull(keyPrefix, "key prefix must not be null");
			int length = RedisKeys.encodedLength(keyPrefix);
			if (length > MAX_KEY_PREFIX_BYTES) {
				throw new IllegalArgumentException("key prefix must be at most " + MAX_KEY_PREFIX_BYTES
						+ " UTF-8 bytes, was " + length + " bytes");
			}
			this.keyPrefix = keyPrefix;
			return this;
		}

		/**
		 * Sets the largest value that is sent to Redis. A larger value fails with
		 * {@code PERMANENT} before anything is sent.
		 * @param maxValueSize bytes, from 1 to
		 * {@value RedisBackendConfig#MAX_VALUE_SIZE_LIMIT}
		 * @return this builder
		 * @throws IllegalArgumentException when out of range
		 */
		public Builder maxValueSize(int maxValueSize) {
			Checks.bytesBetween("max value size", maxValueSize, 1, MAX_VALUE_SIZE_LIMIT);
			this.maxValueSize = maxValueSize;
			return this;
		}

		/**
		 * Sets the authorities a {@code rediss://} server's certificate must be signed
		 * by, instead of the JDK's default ones; the host name is verified either way. A
		 * Spring Boot SSL bundle's {@code getManagers().getTrustManagerFactory()} fits.
		 * @param trustManagerFactory an initialized trust manager factory
		 * @return this builder
		 */
		public Builder trustManagerFactory(TrustManagerFactory trustManagerFactory) {
			this.trustManagerFactory = Objects.requireNonNull(trustManagerFactory,
					"trust manager factory must not be null");
			return this;
		}

		/**
		 * Sets the client certificate and key offered to a {@code rediss://} server that
		 * asks for one ({@code tls-auth-clients}).
		 * @param keyManagerFactory an initialized key manager factory
		 * @return this builder
		 */
		public Builder keyManagerFactory(KeyManagerFactory keyManagerFactory) {
			this.keyManagerFactory = Objects.requireNonNull(keyManagerFactory, "key manager factory must not be null");
			return this;
		}

		/**
		 * Limits the TLS protocol versions offered, such as {@code TLSv1.3}.
		 * @param protocols the protocol names; none for the JDK's defaults
		 * @return this builder
		 * @throws IllegalArgumentException when a name is blank
		 */
		public Builder tlsProtocols(List<String> protocols) {
			this.tlsProtocols = names("tls protocols", protocols);
			return this;
		}

		/**
		 * Limits the TLS cipher suites offered.
		 * @param cipherSuites the cipher suite names; none for the JDK's defaults
		 * @return this builder
		 * @throws IllegalArgumentException when a name is blank
		 */
		public Builder tlsCipherSuites(List<String> cipherSuites) {
			this.tlsCipherSuites = names("tls cipher suites", cipherSuites);
			return this;
		}

		/**
		 * Creates the configuration.
		 * @return the configuration
		 * @throws IllegalArgumentException when TLS settings are made but the URL is not
		 * {@code rediss://} (a backend over an application's connection factory takes TLS
		 * from that factory)
		 */
		public RedisBackendConfig build() {
			RedisBackendConfig config = new RedisBackendConfig(this);
			if (config.hasTlsSettings() && (this.url == null || !this.url.ssl())) {
				throw new IllegalArgumentException("url must start with rediss:// when TLS settings are made (trust, "
						+ "client certificate, protocols or cipher suites), was "
						+ ((this.url != null) ? "'" + this.url + "'" : "not set"));
			}
			return config;
		}

		private static List<String> names(String setting, List<String> names) {
			Objects.requireNonNull(names, setting + " must not be null");
			for (String name : names) {
				if (name == null || name.isBlank()) {
					throw new IllegalArgumentException(setting + " must not contain blank names, was " + names);
				}
			}
			return List.copyOf(names);
		}

	}

}
