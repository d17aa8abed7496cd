package io.cachekit.test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS client contexts that trust one certificate authority, for tests against servers
 * with {@link TestCertificates}.
 */
public final class TrustingContexts {

	private TrustingContexts() {
	}

	/**
	 * Creates a context that trusts only the authority in {@code caCertificate}, with the
	 * JDK's usual certificate checks.
	 * @param caCertificate a PEM certificate, such as
	 * {@link TestCertificates#caCertificate()}
	 * @return an initialized TLS context
	 * @throws IllegalStateException when the certificate cannot be read
	 */
	public static SSLContext trusting(Path caCertificate) {
		try (InputStream in = Files.newInputStream(caCertificate)) {
			Certificate certificate = CertificateFactory.getInstance("X.509").generateCertificate(in);
			KeyStore trustStore = KeyStore.getInstance(KeyStore.getDefaultType());
			trustStore.load(null, null);
			trustStore.setCertificateEntry("ca", certificate);
			TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
			trust.init(trustStore);
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(null, trust.getTrustManagers(), null);
			return context;
		}
		catch (IOException | GeneralSecurityException ex) {
			throw new IllegalStateException("cannot make a TLS context trusting " + caCertificate, ex);
		}
	}

}
