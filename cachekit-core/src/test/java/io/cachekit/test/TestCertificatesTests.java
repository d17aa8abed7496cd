package io.cachekit.test;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SignatureException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class TestCertificatesTests {

	@Test
	void serverCertificateIsSignedByTheAuthorityAndNamesLoopback() throws Exception {
		try (TestCertificates certificates = TestCertificates.create()) {
			X509Certificate ca = read(certificates.caCertificate());
			X509Certificate other = read(certificates.otherCaCertificate());
			X509Certificate server = read(certificates.serverCertificate());
			server.verify(ca.getPublicKey());
			assertThatExceptionOfType(SignatureException.class).isThrownBy(() -> server.verify(other.getPublicKey()));
			assertThat(server.getSubjectAlternativeNames()).contains(List.of(7, "127.0.0.1"), List.of(2, "localhost"));
			assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
			assertThat(Files.readString(certificates.serverKey())).contains("PRIVATE KEY");
		}
	}

	private static X509Certificate read(Path file) throws Exception {
		try (InputStream in = Files.newInputStream(file)) {
			return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
		}
	}

}
