package io.cachekit.backend.redis;

import java.io.IOException;
import java.nio.channels.UnresolvedAddressException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLException;

import io.cachekit.backend.BackendErrorType;
import io.cachekit.backend.BackendException;
import io.cachekit.backend.BackendOperation;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandInterruptedException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.cluster.PartitionSelectorException;
import io.netty.channel.ChannelException;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.InvalidDataAccessApiUsageException;
import org.springframework.dao.NonTransientDataAccessResourceException;
import org.springframework.dao.PermissionDeniedDataAccessException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.data.redis.RedisConnectionFailureException;

/**
 * The one place where Spring Data Redis and Lettuce failures become
 * {@link BackendException}s.
 *
 * <p>
 * Spring translates Lettuce's exceptions into its own
 * ({@code RedisConnectionFailureException}, {@code QueryTimeoutException},
 * {@code RedisSystemException}, ...) and keeps Lettuce's as the cause, so the whole cause
 * chain is read, in this order:
 * <ol>
 * <li>{@code AUTHENTICATION}: the server refused the credentials or their rights, in a
 * command or in the connection handshake ({@code NOAUTH}, {@code WRONGPASS},
 * {@code NOPERM}, "invalid password", {@code AUTH} sent to a server without a password),
 * or Spring's {@code PermissionDeniedDataAccessException}.</li>
 * <li>{@code TIMEOUT}: {@code QueryTimeoutException}, Lettuce's
 * {@code RedisCommandTimeoutException}, {@code TimeoutException}.</li>
 * <li>{@code TRANSIENT}: an error reply that says the server cannot serve now
 * ({@code LOADING}, {@code BUSY}, {@code TRYAGAIN}, {@code MASTERDOWN},
 * {@code CLUSTERDOWN}, {@code READONLY}, {@code OOM}, too many clients).</li>
 * <li>{@code PERMANENT}: any other error reply ({@code ERR}, {@code WRONGTYPE}, ...),
 * also when Spring wraps it in {@code RedisSystemException} or
 * {@code InvalidDataAccessApiUsageException}. A cluster's {@code MOVED} or {@code ASK}
 * redirect, which a URL naming one cluster node meets, says to set the cluster's nodes
 * instead; on a cluster connection, which follows redirects itself, it says that the
 * redirect limit was reached.</li>
 * <li>{@code TRANSIENT}: connection failures ({@code RedisConnectionFailureException},
 * {@code RedisConnectionException}, I/O and channel errors, unresolved hosts, a refused
 * TLS handshake, whose message then says what to check), Lettuce's own rejections while
 * disconnected or overloaded (a {@code RedisException} with no cause), a cluster client's
 * refusal of a key whose slot no reachable master serves (while a replica takes over),
 * interruptions, and Spring's other transient or resource failures.</li>
 * <li>{@code PERMANENT}: API misuse ({@code InvalidDataAccessApiUsageException},
 * {@code IllegalArgumentException}).</li>
 * <li>{@code UNKNOWN}: anything else.</li>
 * </ol>
 * Error replies are read before connection failures because a handshake that fails on an
 * error reply (a wrong database number, protected mode) is reported as a connection
 * failure, yet trying again cannot help.
 */
final class RedisErrors {

	private static final int MAX_CAUSES = 10;

	private static final List<String> UNAVAILABLE_REPLIES = List.of("LOADING", "BUSY", "TRYAGAIN", "MASTERDOWN",
			"CLUSTERDOWN", "READONLY", "OOM", "ERR MAX NUMBER OF CLIENTS REACHED");

	private RedisErrors() {
	}

	/**
	 * Classifies a failure of a Redis operation on a connection to one server (a URL, a
	 * sentinel's master).
	 * @param operation the operation that failed
	 * @param key the caller's key, or {@code null}
	 * @param failure what was thrown
	 * @return the classified exception; {@code failure} itself when it already is one
	 */
	static BackendException classify(BackendOperation operation, @Nullable String key, Throwable failure) {
		return classify(operation, key, failure, false);
	}

	/**
	 * Classifies a failure of a Redis operation.
	 * @param operation the operation that failed
	 * @param key the caller's key, or {@code null}
	 * @param failure what was thrown
	 * @param cluster whether the connection is a Redis Cluster one, which follows
	 * redirects itself
	 * @return the classified exception; {@code failure} itself when it already is one
	 */
	static BackendException classify(BackendOperation operation, @Nullable String key, Throwable failure,
			boolean cluster) {
		if (failure instanceof BackendException backendException) {
			return backendException;
		}
		BackendErrorType type = typeOf(failure);
		String message = describe(failure);
		if (type == BackendErrorType.AUTHENTICATION) {
			message += "; check the user name and password (of the Redis URL or the connection factory) and the "
					+ "user's ACL rights";
		}
		else if (cluster && redirect(failure) != null) {
			message = "Redis answered " + redirect(failure) + " after the cluster connection had followed as many "
					+ "redirects as it may (cachekit.redis.cluster.max-redirects, or "
					+ "spring.data.redis.cluster.max-redirects for Spring Boot's factory), as while slots move "
					+ "between nodes; raise the limit if resharding takes longer";
		}
		else if (redirect(failure) != null) {
			message = "Redis answered " + redirect(failure) + ": the server is a node of a Redis Cluster, which "
					+ "one URL cannot serve; set cachekit.redis.cluster.nodes (or spring.data.redis.cluster.nodes) "
					+ "to the cluster's nodes instead of one URL";
		}
		else if (isTlsFailure(failure)) {
			message += "; the TLS handshake failed: check that the server listens for TLS on that port, that the "
					+ "client trusts the authority that signed the server's certificate, and that the certificate "
					+ "names the host";
		}
		else if (isUncoveredSlot(failure)) {
			message += "; no reachable master serves this key's slot now, as while a replica takes over a failed "
					+ "master";
		}
		else if (isUnreachable(failure)) {
			message += "; check that the Redis server runs and is reachable";
		}
		return new BackendException(type, operation, key, message, failure);
	}

	static BackendErrorType typeOf(Throwable failure) {
		List<Throwable> chain = chain(failure);
		for (Throwable cause : chain) {
			if (isAuthenticationFailure(cause)) {
				return BackendErrorType.AUTHENTICATION;
			}
		}
		for (Throwable cause : chain) {
			if (cause instanceof QueryTimeoutException || cause instanceof RedisCommandTimeoutException
					|| cause instanceof TimeoutException) {
				return BackendErrorType.TIMEOUT;
			}
		}
		for (Throwable cause : chain) {
			if (cause instanceof RedisCommandExecutionException) {
				return isUnavailableReply(cause.getMessage()) ? BackendErrorType.TRANSIENT : BackendErrorType.PERMANENT;
			}
		}
		for (Throwable cause : chain) {
			if (isConnectionFailure(cause) || cause instanceof RedisCommandInterruptedException
					|| cause instanceof InterruptedException || cause instanceof TransientDataAccessException
					|| (cause instanceof DataAccessResourceFailureException
							&& !(cause instanceof NonTransientDataAccessResourceException))) {
				return BackendErrorType.TRANSIENT;
			}
		}
		for (Throwable cause : chain) {
			if (isClientRejection(cause) || cause instanceof PartitionSelectorException) {
				return BackendErrorType.TRANSIENT;
			}
		}
		for (Throwable cause : chain) {
			if (cause instanceof InvalidDataAccessApiUsageException || cause instanceof IllegalArgumentException) {
				return BackendErrorType.PERMANENT;
			}
		}
		return BackendErrorType.UNKNOWN;
	}

	/**
	 * Tells whether a failure means the command never reached a server: no connection
	 * could be made, or the client refused the command while disconnected. Trying again
	 * at once would fail the same way, so such failures are not retried.
	 * @param failure what was thrown
	 * @return {@code true} when the server was not reached
	 */
	static boolean isUnreachable(Throwable failure) {
		for (Throwable cause : chain(failure)) {
			if (cause instanceof RedisConnectionFailureException || cause instanceof RedisConnectionException) {
				return true;
			}
			if (isClientRejection(cause) && String.valueOf(cause.getMessage()).startsWith("Currently not connected")) {
				return true;
			}
			if (cause instanceof PartitionSelectorException) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Tells whether a connection attempt failed in its handshake without saying why.
	 * Lettuce 7 reports a handshake refused by the server (a wrong password, for one) as
	 * "RedisHandshakeHandler not registered" or "Connection closed prematurely" when the
	 * refusal closes the channel before Lettuce's own connect listener runs; about one
	 * attempt in a hundred on a loopback connection. Trying once more shows the reason.
	 * @param failure what {@code RedisConnectionFactory.getConnection()} threw
	 * @return {@code true} when the reason may have been lost
	 */
	static boolean isInconclusiveHandshake(Throwable failure) {
		for (Throwable cause : chain(failure)) {
			String message = String.valueOf(cause.getMessage());
			if ((cause instanceof IllegalStateException && message.equals("RedisHandshakeHandler not registered"))
					|| (cause instanceof RedisConnectionException && message.equals("Connection closed prematurely"))) {
				return true;
			}
		}
		return false;
	}

	private static boolean isUncoveredSlot(Throwable failure) {
		return chain(failure).stream().anyMatch(PartitionSelectorException.class::isInstance);
	}

	/**
	 * Tells whether a failure is Redis's answer that it does not know a script by its
	 * SHA-1.
	 * @param failure what was thrown
	 * @return {@code true} for a {@code NOSCRIPT} reply
	 */
	static boolean isNoScript(Throwable failure) {
		for (Throwable cause : chain(failure)) {
			if (cause instanceof RedisNoScriptException || (cause instanceof RedisCommandExecutionException
					&& String.valueOf(cause.getMessage()).startsWith("NOSCRIPT"))) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Finds a cluster's redirect reply ({@code MOVED slot host:port} or
	 * {@code ASK slot host:port}), which only a connection to one node of a cluster sees:
	 * a cluster connection follows redirects itself.
	 * @param failure what was thrown
	 * @return the reply, or {@code null} when there is none
	 */
	static @Nullable String redirect(Throwable failure) {
		for (Throwable cause : chain(failure)) {
			String message = cause.getMessage();
			if (cause instanceof RedisCommandExecutionException && message != null
					&& (message.startsWith("MOVED ") || message.startsWith("ASK "))) {
				return message;
			}
		}
		return null;
	}

	/**
	 * Tells whether a failure happened in a TLS handshake (an untrusted certificate, a
	 * host name the certificate does not name, a server that does not speak TLS).
	 * @param failure what was thrown
	 * @return {@code true} when TLS refused the connection
	 */
	static boolean isTlsFailure(Throwable failure) {
		for (Throwable cause : chain(failure)) {
			if (cause instanceof SSLException) {
				return true;
			}
		}
		return false;
	}

	private static boolean isAuthenticationFailure(Throwable cause) {
		if (cause instanceof PermissionDeniedDataAccessException) {
			return true;
		}
		if (!(cause instanceof RedisException) || cause.getMessage() == null) {
			return false;
		}
		String message = cause.getMessage();
		String upper = message.toUpperCase(Locale.ROOT);
		return upper.startsWith("NOAUTH") || upper.startsWith("WRONGPASS") || upper.startsWith("NOPERM")
				|| upper.contains("INVALID PASSWORD") || upper.contains("INVALID USERNAME-PASSWORD")
				|| upper.contains("WITHOUT ANY PASSWORD CONFIGURED");
	}

	private static boolean isUnavailableReply(@Nullable String message) {
		if (message == null) {
			return false;
		}
		String upper = message.toUpperCase(Locale.ROOT);
		return UNAVAILABLE_REPLIES.stream().anyMatch(upper::startsWith);
	}

	private static boolean isConnectionFailure(Throwable cause) {
		return cause instanceof RedisConnectionFailureException || cause instanceof RedisConnectionException
				|| cause instanceof IOException || cause instanceof ChannelException
				|| cause instanceof UnresolvedAddressException;
	}

	/**
	 * Lettuce refuses a command itself, without a cause, when it is not connected, the
	 * connection closed, or its queue is full.
	 */
	private static boolean isClientRejection(Throwable cause) {
		return cause.getClass() == RedisException.class && cause.getCause() == null;
	}

	private static List<Throwable> chain(Throwable failure) {
		List<Throwable> chain = new ArrayList<>();
		Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
		for (Throwable cause = failure; cause != null && chain.size() < MAX_CAUSES
				&& seen.add(cause); cause = cause.getCause()) {
			chain.add(cause);
		}
		return chain;
	}

	/**
	 * Describes a failure by the distinct messages along its cause chain, so that
	 * Lettuce's detail under Spring's summary is kept; an exception's name only stands in
	 * when no cause has a message.
	 */
	private static String describe(Throwable failure) {
		StringBuilder text = new StringBuilder();
		String previous = null;
		for (Throwable cause : chain(failure)) {
			String message = cause.getMessage();
			if (message == null || message.equals(previous) || (previous != null && previous.endsWith(message))) {
				continue;
			}
			if (text.length() > 0) {
				text.append("; ");
			}
			text.append(message);
			previous = message;
		}
		return (text.length() > 0) ? text.toString() : "failed with " + failure.getClass().getSimpleName();
	}

}
