package io.cachekit.backend.memcached;

import java.util.Objects;

/**
 * A memcached server's host and port, parsed from {@code host:port}.
 *
 * <p>
 * IPv6 literals are written in brackets, as in {@code [::1]:11211}. The host is not
 * resolved until a backend connects.
 *
 * @param host the host name or IP literal, without brackets
 * @param port the TCP port, 1 to 65535
 */
public record ServerAddress(String host, int port) {

	/**
	 * Creates an address, checking both parts.
	 * @param host the host name or IP literal, without brackets
	 * @param port the TCP port, 1 to 65535
	 * @throws IllegalArgumentException when the host is blank or the port out of range
	 */
	public ServerAddress {
		Objects.requireNonNull(host, "host must not be null");
		if (host.isBlank()) {
			throw new IllegalArgumentException("host must not be blank");
		}
		if (port < 1 || port > 65535) {
			throw new IllegalArgumentException("port must be between 1 and 65535, was " + port);
		}
	}

	/**
	 * Parses {@code host:port}, or {@code [ipv6]:port}.
	 * @param text the address
	 * @return the address
	 * @throws IllegalArgumentException with a message that quotes {@code text} and says
	 * what form is expected, when the text is not an address with a port
	 */
	public static ServerAddress parse(String text) {
		Objects.requireNonNull(text, "address must not be null");
		String trimmed = text.strip();
		String host;
		String port;
		if (trimmed.startsWith("[")) {
			int close = trimmed.indexOf(']');
			if (close < 0 || close + 1 >= trimmed.length() || trimmed.charAt(close + 1) != ':') {
				throw invalid(text, "an IPv6 address must be written as [address]:port");
			}
			host = trimmed.substring(1, close);
			port = trimmed.substring(close + 2);
		}
		else {
			int colon = trimmed.lastIndexOf(':');
			if (colon < 0) {
				throw invalid(text, "the port is missing");
			}
			if (trimmed.indexOf(':') != colon) {
				throw invalid(text, "an IPv6 address must be written as [address]:port");
			}
			host = trimmed.substring(0, colon);
			port = trimmed.substring(colon + 1);
		}
		if (host.isBlank()) {
			throw invalid(text, "the host is missing");
		}
		if (port.isEmpty() || !port.chars().allMatch((c) -> c >= '0' && c <= '9') || port.length() > 5) {
			throw invalid(text, "the port must be a number from 1 to 65535");
		}
		int number = Integer.parseInt(port);
		if (number < 1 || number > 65535) {
			throw invalid(text, "the port must be a number from 1 to 65535");
		}
		return new ServerAddress(host, number);
	}

	/**
	 * Returns the address as {@code host:port}, with brackets around IPv6 literals.
	 */
	@Override
	public String toString() {
		return (this.host.indexOf(':') >= 0) ? "[" + this.host + "]:" + this.port : this.host + ":" + this.port;
	}

	private static IllegalArgumentException invalid(String text, String reason) {
		return new IllegalArgumentException("'" + text + "' is not a memcached server address: " + reason
				+ " (expected host:port, such as " + "localhost:11211 or [::1]:11211)");
	}

}
