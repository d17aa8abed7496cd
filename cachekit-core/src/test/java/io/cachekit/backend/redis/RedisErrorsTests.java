package io.cachekit.backend.redis;

import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLHandshakeException;

import io.cachekit.backend.BackendErrorType;
import io.cachekit.backend.BackendException;
import io.cachekit.backend.BackendOperation;
import io.lettuce.core.RedisBusyException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandInterruptedException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisLoadingException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisReadOnlyException;
import io.lettuce.core.cluster.PartitionSelectorException;
import io.lettuce.core.cluster.models.partitions.Partitions;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.InvalidDataAccessApiUsageException;
import org.springframework.dao.PermissionDeniedDataAccessException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.RedisSystemException;
import org.springframework.data.redis.connection.lettuce.LettuceExceptionConverter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Classification of Spring Data Redis and Lettuce failures. Lettuce's exceptions are
 * built here and translated by Spring's own {@link LettuceExceptionConverter}, as they
 * are on a real connection, because a real server cannot produce each of them on demand;
 * the integration tests check the common ones against redis-server.
 */
class RedisErrorsTests {

	private static final LettuceExceptionConverter spring = new LettuceExceptionConverter();

	@Test
	void refusedCredentialsAreAuthentication() {
		assertThat(type(translated(new RedisCommandExecutionException("NOAUTH Authentication required."))))
			.isEqualTo(BackendErrorType.AUTHENTICATION);
		assertThat(type(translated(
				new RedisCommandExecutionException("WRONGPASS invalid username-password pair or user is disabled."))))
			.isEqualTo(BackendErrorType.AUTHENTICATION);
		assertThat(type(translated(new RedisCommandExecutionException("ERR invalid password"))))
			.isEqualTo(BackendErrorType.AUTHENTICATION);
		assertThat(type(translated(new RedisCommandExecutionException(
				"ERR AUTH <password> called without any password configured for the default user."))))
			.isEqualTo(BackendErrorType.AUTHENTICATION);
		assertThat(type(translated(
				new RedisCommandExecutionException("NOPERM this user has no permissions to run the 'get' command"))))
			.isEqualTo(BackendErrorType.AUTHENTICATION);
		assertThat(type(new PermissionDeniedDataAccessException("denied", null)))
			.isEqualTo(BackendErrorType.AUTHENTICATION);
	}

	@Test
	void handshakeRefusedForCredentialsIsAuthenticationNotTransient() {
		// As LettuceConnectionFactory reports a connection whose HELLO/AUTH was refused.
		RuntimeException failure = new RedisConnectionFailureException("Unable to connect to Redis",
				new RedisConnectionException("Unable to connect to 127.0.0.1/<unresolved>:6379",
						new RedisCommandExecutionException(
								"WRONGPASS invalid username-password pair or user is disabled.")));
		assertThat(type(failure)).isEqualTo(BackendErrorType.AUTHENTICATION);
		assertThat(RedisErrors.classify(BackendOperation.GET, "k", failure).getMessage()).contains("WRONGPASS")
			.contains("check the user name and password");
	}

	@Test
	void refusedTlsHandshakeIsTransientAndSaysWhatToCheck() {
		// As LettuceConnectionFactory reports a server certificate the client does not
		// trust.
		RuntimeException failure = new RedisConnectionFailureException("Unable to connect to Redis",
				new RedisConnectionException("Unable to connect to 127.0.0.1/<unresolved>:6380",
						new SSLHandshakeException("PKIX path building failed")));
		assertThat(type(failure)).isEqualTo(BackendErrorType.TRANSIENT);
		assertThat(RedisErrors.isTlsFailure(failure)).isTrue();
		assertThat(RedisErrors.classify(BackendOperation.GET, "k", failure).getMessage())
			.contains("PKIX path building failed")
			.contains("the TLS handshake failed")
			.contains("trusts the authority");
		assertThat(RedisErrors.isTlsFailure(new RedisConnectionFailureException("refused", new ConnectException())))
			.isFalse();
	}

	@Test
	void timeoutsAreTimeout() {
		assertThat(type(translated(new RedisCommandTimeoutException("Command timed out after 1 second(s)"))))
			.isEqualTo(BackendErrorType.TIMEOUT);
		assertThat(type(new QueryTimeoutException("Redis command timed out"))).isEqualTo(BackendErrorType.TIMEOUT);
		assertThat(type(translated(new TimeoutException()))).isEqualTo(BackendErrorType.TIMEOUT);
	}

	@Test
	void connectionFailuresAreTransient() {
		assertThat(type(new RedisConnectionFailureException("Unable to connect to Redis", new RedisConnectionException(
				"Unable to connect to localhost:6379", new ConnectException("Connection refused")))))
			.isEqualTo(BackendErrorType.TRANSIENT);
		assertThat(type(translated(new RedisConnectionException("Connection closed prematurely"))))
			.isEqualTo(BackendErrorType.TRANSIENT);
		assertThat(type(new RedisSystemException("Unknown", new IOException("Connection reset by peer"))))
			.isEqualTo(BackendErrorType.TRANSIENT);
		assertThat(type(translated(new RedisCommandInterruptedException(new InterruptedException()))))
			.isEqualTo(BackendErrorType.TRANSIENT);
	}

	@Test
	void lettuceRejectingCommandsWhileDisconnectedIsTransientAndUnreachable() {
		RuntimeException failure = translated(new RedisException("Currently not connected. Commands are rejected."));
		assertThat(failure).isInstanceOf(RedisSystemException.class);
		assertThat(type(failure)).isEqualTo(BackendErrorType.TRANSIENT);
		assertThat(RedisErrors.isUnreachable(failure)).isTrue();
		assertThat(type(translated(new RedisException("Request queue size exceeded: 10."))))
			.isEqualTo(BackendErrorType.TRANSIENT);
		assertThat(RedisErrors.isUnreachable(translated(new RedisException("Connection closed")))).isFalse();
	}

	@Test
	void failuresToConnectAreUnreachableAndTimeoutsAreNot() {
		assertThat(RedisErrors.isUnreachable(new RedisConnectionFailureException("Unable to connect to Redis",
				new RedisConnectionException("Unable to connect"))))
			.isTrue();
		assertThat(RedisErrors.isUnreachable(new QueryTimeoutException("Redis command timed out"))).isFalse();
	}

	@Test
	void repliesThatTheServerCannotServeNowAreTransient() {
		assertThat(type(translated(new RedisLoadingException("LOADING Redis is loading the dataset in memory"))))
			.isEqualTo(BackendErrorType.TRANSIENT);
		assertThat(type(translated(new RedisBusyException("BUSY Redis is busy running a script."))))
			.isEqualTo(BackendErrorType.TRANSIENT);
		assertThat(
				type(translated(new RedisReadOnlyException("READONLY You can't write against a read only replica."))))
			.isEqualTo(BackendErrorType.TRANSIENT);
		assertThat(type(translated(
				new RedisCommandExecutionException("OOM command not allowed when used memory > 'maxmemory'."))))
			.isEqualTo(BackendErrorType.TRANSIENT);
		assertThat(type(translated(new RedisCommandExecutionException("ERR max number of clients reached"))))
			.isEqualTo(BackendErrorType.TRANSIENT);
	}

	@Test
	void otherErrorRepliesArePermanent() {
		RuntimeException wrongType = translated(new RedisCommandExecutionException(
				"WRONGTYPE Operation against a key holding the wrong kind of value"));
		assertThat(wrongType).isInstanceOf(RedisSystemException.class);
		assertThat(type(wrongType)).isEqualTo(BackendErrorType.PERMANENT);
		assertThat(type(translated(new RedisCommandExecutionException("ERR value is not an integer or out of range"))))
			.isEqualTo(BackendErrorType.PERMANENT);
		assertThat(type(new InvalidDataAccessApiUsageException("ERR syntax error",
				new RedisCommandExecutionException("ERR syntax error"))))
			.isEqualTo(BackendErrorType.PERMANENT);
		assertThat(type(new RedisConnectionFailureException("Unable to connect to Redis",
				new RedisConnectionException("Unable to connect",
						new RedisCommandExecutionException("ERR DB index is out of range")))))
			.isEqualTo(BackendErrorType.PERMANENT);
	}

	@Test
	void apiMisuseIsPermanent() {
		assertThat(type(new InvalidDataAccessApiUsageException("Cluster is not configured")))
			.isEqualTo(BackendErrorType.PERMANENT);
		assertThat(type(new IllegalArgumentException("Key must not be null"))).isEqualTo(BackendErrorType.PERMANENT);
	}

	@Test
	void anythingElseIsUnknown() {
		assertThat(type(new IllegalStateException("LettuceConnectionFactory has been STOPPED")))
			.isEqualTo(BackendErrorType.UNKNOWN);
		assertThat(type(new RedisSystemException("Redis exception",
				new RedisException(new UnsupportedOperationException("x")))))
			.isEqualTo(BackendErrorType.UNKNOWN);
		assertThat(type(new NullPointerException())).isEqualTo(BackendErrorType.UNKNOWN);
	}

	@Test
	void noScriptIsRecognizedThroughSpringsWrapper() {
		assertThat(RedisErrors.isNoScript(translated(new RedisNoScriptException("NOSCRIPT No matching script."))))
			.isTrue();
		assertThat(RedisErrors.isNoScript(translated(new RedisCommandExecutionException("ERR unknown command"))))
			.isFalse();
	}

	@Test
	void handshakeFailuresThatLostTheirReasonAreInconclusive() {
		assertThat(
				RedisErrors
					.isInconclusiveHandshake(
							new RedisConnectionFailureException("Unable to connect to Redis",
									new RedisConnectionException("Unable to connect to localhost:6379",
											new IllegalStateException("RedisHandshakeHandler not registered")))))
			.isTrue();
		assertThat(RedisErrors.isInconclusiveHandshake(new RedisConnectionFailureException("Unable to connect to Redis",
				new RedisConnectionException("Unable to connect to localhost:6379",
						new RedisConnectionException("Connection closed prematurely")))))
			.isTrue();
		assertThat(RedisErrors.isInconclusiveHandshake(new RedisConnectionFailureException("Unable to connect to Redis",
				new RedisConnectionException("Unable to connect to localhost:6379", new ConnectException("refused")))))
			.isFalse();
	}

	@Test
	void messageKeepsLettucesDetailUnderSpringsSummary() {
		BackendException classified = RedisErrors.classify(BackendOperation.GET, "k",
				new RedisConnectionFailureException("Unable to connect to Redis", new RedisConnectionException(
						"Unable to connect to 127.0.0.1:1", new ConnectException("Connection refused"))));
		assertThat(classified.getMessage()).contains("GET failed (TRANSIENT) for key 'k'")
			.contains("Unable to connect to Redis")
			.contains("Unable to connect to 127.0.0.1:1")
			.contains("Connection refused");
		assertThat(classified.getOperation()).isEqualTo(BackendOperation.GET);
		assertThat(classified.getCause()).isInstanceOf(RedisConnectionFailureException.class);
	}

	@Test
	void backendExceptionIsReturnedAsItIs() {
		BackendException original = new BackendException(BackendErrorType.PERMANENT, BackendOperation.SET, "k",
				"too big", null);
		assertThat(RedisErrors.classify(BackendOperation.SET, "k", original)).isSameAs(original);
	}

	private static RuntimeException translated(Exception lettuce) {
		DataAccessException translated = spring.convert(lettuce);
		return (translated != null) ? translated : new RedisSystemException(lettuce.getMessage(), lettuce);
	}

	private static BackendErrorType type(Throwable failure) {
		return RedisErrors.classify(BackendOperation.GET, "k", failure).getErrorType();
	}

	@Test
	void clusterRedirectsArePermanentAndSayToSetTheClusterNodes() {
		for (String reply : new String[] { "MOVED 12182 127.0.0.1:7002", "ASK 3999 127.0.0.1:7000" }) {
			DataAccessException failure = spring.convert(new RedisCommandExecutionException(reply));
			BackendException classified = RedisErrors.classify(BackendOperation.GET, "k", failure);
			assertThat(classified.getErrorType()).isEqualTo(BackendErrorType.PERMANENT);
			assertThat(classified.getMessage()).contains("Redis answered " + reply)
				.contains("node of a Redis Cluster")
				.contains("set cachekit.redis.cluster.nodes (or spring.data.redis.cluster.nodes)");
		}
		assertThat(RedisErrors.redirect(new RedisCommandExecutionException("ERR MOVED elsewhere"))).isNull();
	}

	@Test
	void aRedirectOnAClusterConnectionSaysTheRedirectLimitWasReached() {
		BackendException classified = RedisErrors.classify(BackendOperation.GET, "k",
				spring.convert(new RedisCommandExecutionException("MOVED 12182 127.0.0.1:7002")), true);
		assertThat(classified.getMessage()).contains("Redis answered MOVED 12182 127.0.0.1:7002")
			.contains("cachekit.redis.cluster.max-redirects")
			.doesNotContain("set cachekit.redis.cluster.nodes");
	}

	@Test
	void aSlotNoReachableMasterServesIsTransientAndUnreachable() {
		RuntimeException failure = new PartitionSelectorException("Cannot determine a partition for slot 13150.",
				new Partitions());
		BackendException classified = RedisErrors.classify(BackendOperation.INCREMENT, "k", failure);
		assertThat(classified.getErrorType()).isEqualTo(BackendErrorType.TRANSIENT);
		assertThat(classified.getMessage()).contains("no reachable master serves this key's slot now");
		assertThat(RedisErrors.isUnreachable(failure)).isTrue();
	}

}
