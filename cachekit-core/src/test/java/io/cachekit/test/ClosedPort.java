package io.cachekit.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Finds a loopback port nothing listens on, so connections to it are refused.
 */
public final class ClosedPort {

	private ClosedPort() {
	}

	/**
	 * Returns a loopback port that was free a moment ago.
	 * @return the port
	 */
	public static int find() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
