package io.cachekit.backend;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BackendExceptionTests {

	@Test
	void messageNamesOperationTypeAndKey() {
		BackendException ex = new BackendException(BackendErrorType.TIMEOUT, BackendOperation.GET, "user:1",
				"no answer within 1s", null);
		assertThat(ex).hasMessage("GET failed (TIMEOUT) for key 'user:1': no answer within 1s");
	}

	@Test
	void longKeyIsTruncatedInTheMessage() {
		BackendException ex = new BackendException(BackendErrorType.PERMANENT, BackendOperation.SET, "k".repeat(1000),
				"too large", null);
		assertThat(ex.getKey()).startsWith("k".repeat(64)).endsWith("...(1000 chars)").hasSize(64 + 15);
		assertThat(ex.getMessage()).doesNotContain("k".repeat(65));
	}

	@Test
	void controlCharactersInTheKeyAreEscaped() {
		BackendException ex = new BackendException(BackendErrorType.PERMANENT, BackendOperation.SET, "a\r\nb", "x",
				null);
		assertThat(ex.getKey()).isEqualTo("a\\u000d\\u000ab");
		assertThat(ex.getMessage()).doesNotContain("\n").doesNotContain("\r");
	}

	@Test
	void operationWithoutKeyOmitsIt() {
		BackendException ex = new BackendException(BackendErrorType.TRANSIENT, BackendOperation.HEALTH, null, "down",
				null);
		assertThat(ex.getKey()).isNull();
		assertThat(ex).hasMessage("HEALTH failed (TRANSIENT): down");
	}

	@Test
	void onlyTransientAndTimeoutAreRetryable() {
		assertThat(BackendErrorType.values()).filteredOn(BackendErrorType::isRetryable)
			.containsExactlyInAnyOrder(BackendErrorType.TRANSIENT, BackendErrorType.TIMEOUT);
	}

}
