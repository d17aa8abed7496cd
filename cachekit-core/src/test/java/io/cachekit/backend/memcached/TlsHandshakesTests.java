package io.cachekit.backend.memcached;

import java.security.NoSuchAlgorithmException;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link TlsHandshakes}: each server's handshake failure is its own.
 */
class TlsHandshakesTests {

	private final TlsHandshakes handshakes;

	TlsHandshakesTests() throws NoSuchAlgorithmException {
		this.handshakes = new TlsHandshakes(SSLContext.getDefault(), null);
	}

	@Test
	void successWithOneServerLeavesAnotherServersFailure() {
		this.handshakes.failed("10.0.0.2:11211", new SSLHandshakeException("no name matching 10.0.0.2"));
		this.handshakes.succeeded("10.0.0.1:11211");
		assertThat(this.handshakes.failure("10.0.0.1:11211")).isNull();
		assertThat(this.handshakes.failure("10.0.0.2:11211"))
			.startsWith("TLS handshake with memcached 10.0.0.2:11211 failed: no name matching 10.0.0.2;");
		assertThat(this.handshakes.failure()).contains("10.0.0.2:11211").doesNotContain("10.0.0.1:11211");
	}

	@Test
	void failureNamesEveryFailingServerUntilItsOwnHandshakeSucceeds() {
		this.handshakes.failed("10.0.0.2:11211", new SSLHandshakeException("untrusted"));
		this.handshakes.failed("10.0.0.1:11211", new SSLHandshakeException("not TLS"));
		assertThat(this.handshakes.failure()).contains("memcached 10.0.0.1:11211 failed: not TLS")
			.contains("memcached 10.0.0.2:11211 failed: untrusted")
			.contains("cachekit.memcached.ssl.bundle");
		this.handshakes.succeeded("10.0.0.2:11211");
		assertThat(this.handshakes.failure()).contains("10.0.0.1:11211").doesNotContain("10.0.0.2:11211");
		this.handshakes.succeeded("10.0.0.1:11211");
		assertThat(this.handshakes.failure()).isNull();
	}

}
