package io.cachekit.test;

import java.nio.file.Path;
import java.security.GeneralSecurityException;

import javax.net.ssl.SSLContext;

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
		try {
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(null, TestCertificates.trusting(caCertificate).getTrustManagers(), null);
			return context;
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("cannot make a TLS context trusting " + caCertificate, ex);
		}
	}

}
