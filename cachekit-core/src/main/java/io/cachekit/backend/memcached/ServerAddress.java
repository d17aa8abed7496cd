package io.cachekit.backend.memcached;

import java.util.Objects;

/**
 * A memcached server's host, port and weight, parsed from {@code host:port} or
 * {@code host:port:weight}.
 *
 * <p>
 * IPv6 literals are written in brackets, as in {@code [::1]:11211}. The host is not
 * resolved until a backend connects. The weight (1 to {@value #MAX_WEIGHT}, 1 when not
 * given) is the server's share of the keys relative to the others': a server of weight 3
 * next to one of weight 1 holds about three quarters of them. Two addresses are the same
 * server when host and port match ({@link #sameServer(ServerAddress)}); equality also
 * compares the weight.
 *
 * @param host the host name or IP literal, without brackets
 * @param port the TCP port, 1 to 65535
 * @param weight the server's weight, 1 to {@value #MAX_WEIGHT}
 */
public record ServerAddress(String host, int port, int weight) {

	/** The largest weight a server can have: {@value}. */
	public static final int MAX_WEIGHT = 1000;

	/**
	 * Creates an address, checking every part.
	 * @param host the host name or IP literal, without brackets
	 * @param port the TCP port, 1 to 65535
	 * @param weight the server's weight, 1 to {@value #MAX_WEIGHT}
	 * @throws IllegalArgumentException when the host is blank or the port or weight is
	 * out of range
	 */
	public ServerAddress {
		Objects.requireNonNull(host, "host must not be null");
		if (host.isBlank()) {
			throw new IllegalArgumentException("host must not be blank");
		}
		if (port < 1 || port > 65535) {
			throw new IllegalArgumentException("port must be between 1 and 65535, was " + port);
		}
		if (weight < 1 || weight > MAX_WEIGHT) {
			throw new IllegalArgumentException("weight must be between 1 and " + MAX_WEIGHT + ", was " + weight);
		}
	}

	/**
	 * Creates an address of weight 1.
	 * @param host the host name or IP literal, without brackets
	 * @param port the TCP port, 1 to 65535
	 * @throws IllegalArgumentException when the host is blank or the port out of range
	 */
	public ServerAddress(String host, int port) {
		this(host, port, 1);
	}

	/**
	 * Returns this address with another weight.
	 * @param weight the weight, 1 to {@value #MAX_WEIGHT}
	 * @return the address
	 * @throws IllegalArgumentException when the weight is out of range
	 */
	public ServerAddress withWeight(int weight) {
		return (weight == this.weight) ? this : new ServerAddress(this.host, this.port, weight);
	}

	/**
	 * Tells whether {@code other} names the same server: the same host (ignoring case)
	 * and port, whatever the weights.
	 * @param other another address
	 * @return {@code true} for the same server
	 */
	public boolean sameServer(ServerAddress other) {
		return this.port == other.port && this.host.equalsIgnoreCase(other.host);
	}

	/**
	 * Parses {@code host:port}, {@code host:port:weight}, {@code [ipv6]:port} or
	 * {@code [ipv6]:port:weight}.
	 * @param text the address
	 * @return the address, of weight 1 when none is given
	 * @throws IllegalArgumentException with a message that quotes {@code text} and says
	 * what form is expected, when the text is not an address with a port
	 */
	public static ServerAddress parse(String text) {
		Objects.requireNonNull(text, "address must not be null");
		String trimmed = text.strip();
		String host;
		String rest;
		if (trimmed.startsWith("[")) {
			int close = trimmed.indexOf(']');
			if (close < 0 || close + 1 >= trimmed.length() || trimmed.charAt(close + 1) != ':') {
				throw invalid(text, "an IPv6 address must be written as [address]:port");
			}
			host = trimmed.substring(1, close);
			rest = trimmed.substring(close + 2);
		}
		else {
			int colon = trimmed.indexOf(':');
			if (colon < 0) {
				throw invalid(text, "the port is missing");
			}
			if (trimmed.chars().filter((c) -> c == ':').count() > 2) {
				throw invalid(text, "an IPv6 address must be written as [address]:port");
			}
			host = trimmed.substring(0, colon);
			rest = trimmed.substring(colon + 1);
		}
		if (host.isBlank()) {
			throw invalid(text, "the host is missing");
		}
		int weightColon = rest.indexOf(':');
		String port = (weightColon >= 0) ? rest.substring(0, weightColon) : rest;
		int number = number(port, 65535);
		if (number < 1) {
			throw invalid(text, "the port must be a number from 1 to 65535");
		}
		if (weightColon < 0) {
			return new ServerAddress(host, number);
		}
		int weight = number(rest.substring(weightColon + 1), MAX_WEIGHT);
		if (weight < 1) {
			throw invalid(text, "the weight must be a number from 1 to " + MAX_WEIGHT);
		}
		return new ServerAddress(host, number, weight);
	}

	/**
	 * Reads a decimal number from 1 to {@code max}; 0 when the text is anything else.
	 */
	private static int number(String text, int max) {
		if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch((c) -> c >= '0' && c <= '9')) {
			return 0;
		}
		int number = Integer.parseInt(text);
		return (number <= max) ? number : 0;
	}

	/**
	 * Returns the address as {@code host:port}, with brackets around IPv6 literals; the
	 * weight is left out, so that the text names the server.
	 */
	@Override
	public String toString() {
		return (this.host.indexOf(':') >= 0) ? "[" + this.host + "]:" + this.port : this.host + ":" + this.port;
	}

	private static IllegalArgumentException invalid(String text, String reason) {
		return new IllegalArgumentException("'" + text + "' is not a memcached server address: " + reason
				+ " (expected host:port or host:port:weight, such as localhost:11211, cache1:11211:3 or [::1]:11211)");
	}

}
