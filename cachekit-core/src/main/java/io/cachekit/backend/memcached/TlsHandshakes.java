package io.cachekit.backend.memcached;

import java.nio.ByteBuffer;
import java.security.KeyManagementException;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.BiFunction;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a pool knows about TLS: the context its connections are made with, the host name
 * each server's certificate is checked against, and, per server, why its last handshake
 * failed.
 *
 * <p>
 * The client does the handshake on its I/O thread when a connection is made; when it
 * fails, it logs the cause at DEBUG, drops the connection and tries again after the
 * reconnect delay, so the caller would only see that no server is connected. The context
 * this class hands to each node therefore makes engines that report every handshake's
 * failure (an untrusted certificate, a certificate for another host, a server that does
 * not speak TLS) and success. The backend turns the failure into an
 * {@code AUTHENTICATION} error while no server is connected, so that health names it.
 *
 * <p>
 * Each server's state is its own: a handshake that succeeds with one server clears no
 * other server's failure. A server's failure is logged once (WARN, under
 * {@code MemcachedBackend}'s logger) until a handshake with that server succeeds again.
 * Thread-safe.
 */
final class TlsHandshakes {

	private static final Logger logger = LoggerFactory.getLogger(MemcachedBackend.class);

	private static final String HINT = "check that the trusted certificates (cachekit.memcached.ssl.bundle) hold "
			+ "the authority that signed the server's certificate, that the certificate names the server's host, and "
			+ "that the server runs with TLS (memcached -Z)";

	private final SSLContext context;

	private final @Nullable String hostName;

	/**
	 * Each failing server's last failure, by the server as shown in messages, sorted so
	 * that the message is stable.
	 */
	private final Map<String, String> failures = new ConcurrentSkipListMap<>();

	TlsHandshakes(SSLContext context, @Nullable String hostName) {
		this.context = context;
		this.hostName = hostName;
	}

	/**
	 * Returns the context the connections are made with.
	 * @return the configured context
	 */
	SSLContext context() {
		return this.context;
	}

	/**
	 * Returns the name a server's certificate must hold.
	 * @param host the host the server is configured by
	 * @return the configured host name for every server, or else {@code host}
	 */
	String hostNameFor(String host) {
		return (this.hostName != null) ? this.hostName : host;
	}

	/**
	 * Returns a context whose engines report their handshakes with {@code server} here.
	 * @param server the server, as shown in messages
	 * @return the reporting context
	 */
	SSLContext contextFor(String server) {
		return new ReportingContext(new ReportingContextSpi(this.context,
				(host, port) -> new ReportingEngine(this.context.createSSLEngine(host, port), server)));
	}

	/**
	 * Tells why the TLS handshakes fail, for every server whose last handshake failed.
	 * @return the reasons, each naming its server, in the order of the servers' names, or
	 * {@code null} when no server's last handshake failed
	 */
	@Nullable String failure() {
		String failed = String.join("; ", this.failures.values());
		return failed.isEmpty() ? null : failed + "; " + HINT;
	}

	/**
	 * Tells why the last TLS handshake with one server failed, if none succeeded since.
	 * @param server the server, as shown in messages
	 * @return the reason, or {@code null} when its last handshake did not fail
	 */
	@Nullable String failure(String server) {
		String failed = this.failures.get(server);
		return (failed != null) ? failed + "; " + HINT : null;
	}

	void failed(String server, SSLException ex) {
		String failed = "TLS handshake with memcached " + server + " failed: " + rootMessage(ex);
		if (this.failures.put(server, failed) == null) {
			logger.warn("{}; {}; retried in the background", failed, HINT);
		}
	}

	void succeeded(String server) {
		if (this.failures.remove(server) != null) {
			logger.info("TLS handshakes with memcached {} succeed again", server);
		}
	}

	private static String rootMessage(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		String message = root.getMessage();
		return (message != null && !message.isBlank()) ? message.strip() : root.getClass().getSimpleName();
	}

	/**
	 * An {@link SSLContext} over a {@link ReportingContextSpi}; its constructor is
	 * protected.
	 */
	private static final class ReportingContext extends SSLContext {

		ReportingContext(ReportingContextSpi spi) {
			super(spi, spi.delegate.getProvider(), spi.delegate.getProtocol());
		}

	}

	/**
	 * The configured context, with engines that report their handshakes.
	 */
	private static final class ReportingContextSpi extends SSLContextSpi {

		private final SSLContext delegate;

		private final BiFunction<@Nullable String, Integer, SSLEngine> engines;

		ReportingContextSpi(SSLContext delegate, BiFunction<@Nullable String, Integer, SSLEngine> engines) {
			this.delegate = delegate;
			this.engines = engines;
		}

		@Override
		protected void engineInit(KeyManager @Nullable [] km, TrustManager @Nullable [] tm,
				@Nullable SecureRandom random) throws KeyManagementException {
			throw new KeyManagementException("the configured context is initialized already");
		}

		@Override
		protected SSLSocketFactory engineGetSocketFactory() {
			return this.delegate.getSocketFactory();
		}

		@Override
		protected SSLServerSocketFactory engineGetServerSocketFactory() {
			return this.delegate.getServerSocketFactory();
		}

		@Override
		protected SSLEngine engineCreateSSLEngine() {
			return this.engines.apply(null, -1);
		}

		@Override
		protected SSLEngine engineCreateSSLEngine(String host, int port) {
			return this.engines.apply(host, port);
		}

		@Override
		protected SSLSessionContext engineGetServerSessionContext() {
			return this.delegate.getServerSessionContext();
		}

		@Override
		protected SSLSessionContext engineGetClientSessionContext() {
			return this.delegate.getClientSessionContext();
		}

	}

	/**
	 * An engine that does what the configured one does, and reports the handshake's
	 * failure or success.
	 */
	private final class ReportingEngine extends SSLEngine {

		private final SSLEngine delegate;

		private final String server;

		ReportingEngine(SSLEngine delegate, String server) {
			super(delegate.getPeerHost(), delegate.getPeerPort());
			this.delegate = delegate;
			this.server = server;
		}

		@Override
		public SSLEngineResult wrap(ByteBuffer[] sources, int offset, int length, ByteBuffer destination)
				throws SSLException {
			try {
				return reported(this.delegate.wrap(sources, offset, length, destination));
			}
			catch (SSLException ex) {
				failed(this.server, ex);
				throw ex;
			}
		}

		@Override
		public SSLEngineResult unwrap(ByteBuffer source, ByteBuffer[] destinations, int offset, int length)
				throws SSLException {
			try {
				return reported(this.delegate.unwrap(source, destinations, offset, length));
			}
			catch (SSLException ex) {
				failed(this.server, ex);
				throw ex;
			}
		}

		private SSLEngineResult reported(SSLEngineResult result) {
			if (result.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.FINISHED) {
				succeeded(this.server);
			}
			return result;
		}

		@Override
		public @Nullable Runnable getDelegatedTask() {
			return this.delegate.getDelegatedTask();
		}

		@Override
		public void closeInbound() throws SSLException {
			this.delegate.closeInbound();
		}

		@Override
		public boolean isInboundDone() {
			return this.delegate.isInboundDone();
		}

		@Override
		public void closeOutbound() {
			this.delegate.closeOutbound();
		}

		@Override
		public boolean isOutboundDone() {
			return this.delegate.isOutboundDone();
		}

		@Override
		public String[] getSupportedCipherSuites() {
			return this.delegate.getSupportedCipherSuites();
		}

		@Override
		public String[] getEnabledCipherSuites() {
			return this.delegate.getEnabledCipherSuites();
		}

		@Override
		public void setEnabledCipherSuites(String[] suites) {
			this.delegate.setEnabledCipherSuites(suites);
		}

		@Override
		public String[] getSupportedProtocols() {
			return this.delegate.getSupportedProtocols();
		}

		@Override
		public String[] getEnabledProtocols() {
			return this.delegate.getEnabledProtocols();
		}

		@Override
		public void setEnabledProtocols(String[] protocols) {
			this.delegate.setEnabledProtocols(protocols);
		}

		@Override
		public SSLSession getSession() {
			return this.delegate.getSession();
		}

		@Override
		public @Nullable SSLSession getHandshakeSession() {
			return this.delegate.getHandshakeSession();
		}

		@Override
		public void beginHandshake() throws SSLException {
			try {
				this.delegate.beginHandshake();
			}
			catch (SSLException ex) {
				failed(this.server, ex);
				throw ex;
			}
		}

		@Override
		public SSLEngineResult.HandshakeStatus getHandshakeStatus() {
			return this.delegate.getHandshakeStatus();
		}

		@Override
		public void setUseClientMode(boolean mode) {
			this.delegate.setUseClientMode(mode);
		}

		@Override
		public boolean getUseClientMode() {
			return this.delegate.getUseClientMode();
		}

		@Override
		public void setNeedClientAuth(boolean need) {
			this.delegate.setNeedClientAuth(need);
		}

		@Override
		public boolean getNeedClientAuth() {
			return this.delegate.getNeedClientAuth();
		}

		@Override
		public void setWantClientAuth(boolean want) {
			this.delegate.setWantClientAuth(want);
		}

		@Override
		public boolean getWantClientAuth() {
			return this.delegate.getWantClientAuth();
		}

		@Override
		public void setEnableSessionCreation(boolean flag) {
			this.delegate.setEnableSessionCreation(flag);
		}

		@Override
		public boolean getEnableSessionCreation() {
			return this.delegate.getEnableSessionCreation();
		}

		@Override
		public SSLParameters getSSLParameters() {
			return this.delegate.getSSLParameters();
		}

		@Override
		public void setSSLParameters(SSLParameters parameters) {
			// Carries the endpoint identification that checks the host name.
			this.delegate.setSSLParameters(parameters);
		}

		@Override
		public @Nullable String getApplicationProtocol() {
			return this.delegate.getApplicationProtocol();
		}

		@Override
		public @Nullable String getHandshakeApplicationProtocol() {
			return this.delegate.getHandshakeApplicationProtocol();
		}

		@Override
		public void setHandshakeApplicationProtocolSelector(
				@Nullable BiFunction<SSLEngine, List<String>, String> selector) {
			this.delegate.setHandshakeApplicationProtocolSelector(selector);
		}

		@Override
		public @Nullable BiFunction<SSLEngine, List<String>, String> getHandshakeApplicationProtocolSelector() {
			return this.delegate.getHandshakeApplicationProtocolSelector();
		}

	}

}
