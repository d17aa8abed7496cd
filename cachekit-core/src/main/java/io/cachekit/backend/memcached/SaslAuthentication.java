package io.cachekit.backend.memcached;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;

import javax.security.auth.callback.CallbackHandler;

import net.spy.memcached.MemcachedNode;
import net.spy.memcached.OperationFactory;
import net.spy.memcached.auth.AuthDescriptor;
import net.spy.memcached.auth.PlainCallbackHandler;
import net.spy.memcached.ops.GetOperation;
import net.spy.memcached.ops.OperationCallback;
import net.spy.memcached.ops.OperationStatus;
import net.spy.memcached.ops.SASLAuthOperation;
import net.spy.memcached.ops.SASLStepOperation;
import net.spy.memcached.ops.StatusCode;
import net.spy.memcached.protocol.binary.BinaryOperationFactory;
import net.spy.memcached.protocol.binary.MultiGetOperationImpl;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a pool knows about SASL: the {@code PLAIN} credentials spymemcached authenticates
 * every new connection with, and whether the servers refused them.
 *
 * <p>
 * spymemcached authenticates in a thread of its own and, when a server refuses, only
 * drops the connection and tries again after the reconnect delay; meanwhile operations
 * for that server wait, are redistributed, and end as timeouts, as if the server were
 * slow. So this class watches the answers to the SASL operations, through the operation
 * factory it hands to the clients, and remembers the latest refusal until a server
 * accepts the credentials again. The backend turns a failure during a refusal into
 * {@code AUTHENTICATION}, and with credentials set it fails at once instead of waiting. A
 * server that requires SASL from a client without credentials answers every operation
 * with an authentication error, which the backend records here too. A bulk read does not
 * report that error (spymemcached logs it and the server then closes the connection, so
 * the read ends cancelled), so the operation factory records it on the I/O thread, before
 * the read is cancelled: the backend then reports the cancelled read as the refusal it
 * is, not as a dropped connection. A SASL exchange cancelled, interrupted or timed out on
 * this side (the connection dropped, the client shut down) is no refusal.
 *
 * <p>
 * The refusal is logged once (WARN, under {@code MemcachedBackend}'s logger) until a
 * server accepts the credentials again; the password is never logged. Thread-safe.
 */
final class SaslAuthentication {

	private static final Logger logger = LoggerFactory.getLogger(MemcachedBackend.class);

	/** memcached's binary status for a command refused for want of authentication. */
	private static final int AUTH_ERROR = 0x20;

	private final @Nullable String username;

	private volatile @Nullable String refusal;

	SaslAuthentication(@Nullable String username) {
		this.username = username;
	}

	/**
	 * Returns the descriptor the clients authenticate with.
	 * @param config the backend's configuration
	 * @return {@code PLAIN} with the configured credentials, or {@code null} when none
	 * are set
	 */
	static @Nullable AuthDescriptor descriptor(MemcachedConfig config) {
		String username = config.username();
		String password = config.password();
		if (username == null || password == null) {
			return null;
		}
		return new AuthDescriptor(new String[] { "PLAIN" }, new PlainCallbackHandler(username, password));
	}

	/**
	 * Returns spymemcached's binary operation factory, with every SASL answer reported to
	 * this object.
	 * @return the operation factory
	 */
	OperationFactory operationFactory() {
		return new BinaryOperationFactory() {

			@Override
			public SASLAuthOperation saslAuth(String[] mech, String serverName, Map<String, ?> props,
					CallbackHandler cbh, OperationCallback cb) {
				return super.saslAuth(mech, serverName, props, cbh, SaslAuthentication.this.observed(serverName, cb));
			}

			@Override
			public SASLStepOperation saslStep(String[] mech, byte[] challenge, String serverName, Map<String, ?> props,
					CallbackHandler cbh, OperationCallback cb) {
				return super.saslStep(mech, challenge, serverName, props, cbh,
						SaslAuthentication.this.observed(serverName, cb));
			}

			@Override
			public GetOperation get(Collection<String> keys, GetOperation.Callback cb) {
				return new MultiGetOperationImpl(keys, cb) {

					@Override
					protected void finishedPayload(byte[] payload) throws IOException {
						if (this.errorCode == AUTH_ERROR) {
							refused(nameOf(getHandlingNode()), new String(payload, StandardCharsets.UTF_8));
						}
						super.finishedPayload(payload);
					}

				};
			}

		};
	}

	/**
	 * Tells whether the servers refused authentication since they last accepted it.
	 * @return the reason, naming the server and the user, or {@code null} when no refusal
	 * is known
	 */
	@Nullable String refusal() {
		return this.refusal;
	}

	/**
	 * Records that a server refused an operation for want of authentication.
	 * @param server the server, or a description of it
	 * @param answer the server's answer
	 */
	void refused(String server, @Nullable String answer) {
		String reason = "memcached " + server + " refused "
				+ ((this.username != null) ? "the SASL credentials of user '" + this.username + "'"
						: "the connection without SASL credentials")
				+ ((answer != null && !answer.isBlank()) ? " (" + answer.strip() + ")" : "")
				+ "; check cachekit.memcached.username and cachekit.memcached.password against the server's SASL "
				+ "database";
		String previous = this.refusal;
		this.refusal = reason;
		if (previous == null) {
			logger.warn("{}; retried in the background", reason);
		}
	}

	/**
	 * Records that a server accepted the credentials, or answered an operation.
	 */
	void accepted() {
		if (this.refusal != null) {
			this.refusal = null;
			logger.info("memcached accepts this client's connections again");
		}
	}

	/**
	 * Tells whether a failed status is the server's answer rather than this side giving
	 * up on the operation.
	 */
	private static boolean isServerAnswer(OperationStatus status) {
		StatusCode code = status.getStatusCode();
		return code != StatusCode.CANCELLED && code != StatusCode.INTERRUPTED && code != StatusCode.TIMEDOUT;
	}

	private static String nameOf(@Nullable MemcachedNode node) {
		return (node != null) ? nameOf(String.valueOf(node.getSocketAddress())) : "a server";
	}

	/** {@code host/1.2.3.4:11211} to {@code 1.2.3.4:11211}. */
	private static String nameOf(String socketAddress) {
		return socketAddress.replaceFirst("^[^/]*/", "");
	}

	/**
	 * Wraps the callback of a SASL operation so that the server's refusal, or its
	 * acceptance at the end of the exchange, is recorded before the callback hears it.
	 * @param serverName the server, as spymemcached names it
	 * @param callback spymemcached's callback
	 * @return the observing callback
	 */
	OperationCallback observed(String serverName, OperationCallback callback) {
		return new OperationCallback() {

			@Override
			public void receivedStatus(OperationStatus status) {
				if (!status.isSuccess()) {
					if (isServerAnswer(status)) {
						refused(nameOf(serverName), status.getMessage());
					}
				}
				else if (status.getMessage().isEmpty()) {
					// An empty success is the end of the exchange; a non-empty one is a
					// challenge to answer with the next step.
					accepted();
				}
				callback.receivedStatus(status);
			}

			@Override
			public void complete() {
				callback.complete();
			}

		};
	}

}
