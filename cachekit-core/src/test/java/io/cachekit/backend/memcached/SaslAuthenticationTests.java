package io.cachekit.backend.memcached;

import net.spy.memcached.ops.OperationCallback;
import net.spy.memcached.ops.OperationStatus;
import net.spy.memcached.ops.StatusCode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which answers to a SASL exchange {@link SaslAuthentication} records as a refusal.
 */
class SaslAuthenticationTests {

	private static final String SERVER = "localhost/127.0.0.1:11211";

	private final SaslAuthentication authentication = new SaslAuthentication("orders");

	@Test
	void authFailureFromTheServerIsARefusalNamingServerAndUser() {
		answer(new OperationStatus(false, "Auth failure.", StatusCode.ERR_INTERNAL));
		assertThat(this.authentication.refusal()).contains("127.0.0.1:11211")
			.contains("user 'orders'")
			.contains("Auth failure.")
			.doesNotContain("localhost/");
	}

	@Test
	void exchangeCancelledOnThisSideIsNoRefusal() {
		answer(new OperationStatus(false, "cancelled", StatusCode.CANCELLED));
		answer(new OperationStatus(false, "interrupted", StatusCode.INTERRUPTED));
		answer(new OperationStatus(false, "timed out", StatusCode.TIMEDOUT));
		assertThat(this.authentication.refusal()).isNull();
	}

	@Test
	void exchangeCancelledAfterARefusalKeepsTheRefusal() {
		answer(new OperationStatus(false, "Auth failure.", StatusCode.ERR_INTERNAL));
		answer(new OperationStatus(false, "cancelled", StatusCode.CANCELLED));
		assertThat(this.authentication.refusal()).contains("Auth failure.");
	}

	@Test
	void endOfASuccessfulExchangeClearsTheRefusal() {
		answer(new OperationStatus(false, "Auth failure.", StatusCode.ERR_INTERNAL));
		answer(new OperationStatus(true, "", StatusCode.SUCCESS));
		assertThat(this.authentication.refusal()).isNull();
	}

	private void answer(OperationStatus status) {
		this.authentication.observed(SERVER, new NoCallback()).receivedStatus(status);
	}

	private static final class NoCallback implements OperationCallback {

		@Override
		public void receivedStatus(OperationStatus status) {
		}

		@Override
		public void complete() {
		}

	}

}
