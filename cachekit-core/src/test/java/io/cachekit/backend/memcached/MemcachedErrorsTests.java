package io.cachekit.backend.memcached;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;

import javax.security.sasl.SaslException;

import io.cachekit.backend.BackendErrorType;
import io.cachekit.backend.BackendException;
import io.cachekit.backend.BackendOperation;
import net.spy.memcached.OperationTimeoutException;
import net.spy.memcached.internal.CheckedOperationTimeoutException;
import net.spy.memcached.ops.OperationErrorType;
import net.spy.memcached.ops.OperationException;
import net.spy.memcached.ops.OperationStatus;
import net.spy.memcached.ops.StatusCode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Classification of spymemcached failures. The failures are built here because a real
 * server cannot be made to produce each of them on demand.
 */
class MemcachedErrorsTests {

	@Test
	void timeoutsAreTimeout() {
		assertThat(type(new CheckedOperationTimeoutException("timed out", (net.spy.memcached.ops.Operation) null)))
			.isEqualTo(BackendErrorType.TIMEOUT);
		assertThat(type(new OperationTimeoutException("timed out"))).isEqualTo(BackendErrorType.TIMEOUT);
		assertThat(type(new ExecutionException(
				new CheckedOperationTimeoutException("timed out", (net.spy.memcached.ops.Operation) null))))
			.isEqualTo(BackendErrorType.TIMEOUT);
	}

	@Test
	void connectionAndIoFailuresAreTransient() {
		assertThat(type(new ConnectException("refused"))).isEqualTo(BackendErrorType.TRANSIENT);
		assertThat(type(new ClosedChannelException())).isEqualTo(BackendErrorType.TRANSIENT);
		assertThat(type(new IOException("reset"))).isEqualTo(BackendErrorType.TRANSIENT);
		assertThat(type(new ExecutionException(new CancellationException("Cancelled"))))
			.isEqualTo(BackendErrorType.TRANSIENT);
		assertThat(type(new IllegalStateException("Timed out waiting to add op")))
			.isEqualTo(BackendErrorType.TRANSIENT);
	}

	@Test
	void illegalInputAndTooLargeArePermanent() {
		assertThat(type(new IllegalArgumentException("Key contains invalid characters")))
			.isEqualTo(BackendErrorType.PERMANENT);
		assertThat(type(new ExecutionException(
				new OperationException(OperationErrorType.SERVER, "object too large for cache"))))
			.isEqualTo(BackendErrorType.PERMANENT);
		assertThat(type(new OperationException(OperationErrorType.CLIENT, "bad data chunk")))
			.isEqualTo(BackendErrorType.PERMANENT);
	}

	@Test
	void authenticationFailuresAreAuthentication() {
		assertThat(type(new SaslException("bad credentials"))).isEqualTo(BackendErrorType.AUTHENTICATION);
		assertThat(type(new OperationException(OperationErrorType.SERVER, "Auth failure")))
			.isEqualTo(BackendErrorType.AUTHENTICATION);
	}

	@Test
	void anythingElseIsUnknown() {
		assertThat(type(new RuntimeException("surprise"))).isEqualTo(BackendErrorType.UNKNOWN);
		assertThat(type(new OperationException(OperationErrorType.GENERAL, "ERROR")))
			.isEqualTo(BackendErrorType.UNKNOWN);
	}

	@Test
	void classifiedExceptionKeepsTheCauseOperationAndKey() {
		ConnectException cause = new ConnectException("refused");
		BackendException ex = MemcachedErrors.classify(BackendOperation.SET, "user:1", new ExecutionException(cause));
		assertThat(ex.getCause()).isSameAs(cause);
		assertThat(ex.getOperation()).isEqualTo(BackendOperation.SET);
		assertThat(ex.getKey()).isEqualTo("user:1");
		assertThat(ex).hasMessageContaining("SET")
			.hasMessageContaining("TRANSIENT")
			.hasMessageContaining("user:1")
			.hasMessageContaining("refused");
	}

	@Test
	void backendExceptionPassesThroughUnchanged() {
		BackendException original = new BackendException(BackendErrorType.PERMANENT, BackendOperation.GET, "k", "no",
				null);
		assertThat(MemcachedErrors.classify(BackendOperation.SET, "other", original)).isSameAs(original);
	}

	@Test
	void statusCodesAreClassified() {
		assertThat(status(StatusCode.ERR_2BIG, "Too large.")).isEqualTo(BackendErrorType.PERMANENT);
		assertThat(status(StatusCode.ERR_INVAL, "Invalid arguments")).isEqualTo(BackendErrorType.PERMANENT);
		assertThat(status(StatusCode.ERR_DELTA_BADVAL, "Non-numeric")).isEqualTo(BackendErrorType.PERMANENT);
		assertThat(status(StatusCode.ERR_NO_MEM, "Out of memory")).isEqualTo(BackendErrorType.TRANSIENT);
		assertThat(status(StatusCode.ERR_TEMP_FAIL, "Temporary failure")).isEqualTo(BackendErrorType.TRANSIENT);
		assertThat(status(StatusCode.CANCELLED, "cancelled")).isEqualTo(BackendErrorType.TRANSIENT);
		assertThat(status(StatusCode.TIMEDOUT, "timed out")).isEqualTo(BackendErrorType.TIMEOUT);
		assertThat(status(StatusCode.ERR_CLIENT, "Auth failure")).isEqualTo(BackendErrorType.AUTHENTICATION);
		assertThat(status(StatusCode.ERR_INTERNAL, "Internal error")).isEqualTo(BackendErrorType.UNKNOWN);
	}

	@Test
	void missingStatusIsUnknown() {
		assertThat(MemcachedErrors.fromStatus(BackendOperation.SET, "k", null).getErrorType())
			.isEqualTo(BackendErrorType.UNKNOWN);
	}

	private static BackendErrorType type(Throwable failure) {
		return MemcachedErrors.classify(BackendOperation.GET, "k", failure).getErrorType();
	}

	private static BackendErrorType status(StatusCode code, String message) {
		BackendException ex = MemcachedErrors.fromStatus(BackendOperation.SET, "k",
				new OperationStatus(false, message, code));
		assertThat(ex).hasMessageContaining(code.name()).hasMessageContaining(message);
		return ex.getErrorType();
	}

}
