package io.cachekit.backend.redis;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * Parses lists of Redis node addresses: {@code host:port}, or {@code [v6]:port} for an
 * IPv6 host.
 *
 * <p>
 * The port is required: a cluster node and a sentinel listen on ports of their own, and a
 * guessed default would hide a typing mistake.
 */
final class RedisNodes {

	private RedisNodes() {
	}

	/**
	 * Parses a non-empty list of addresses, dropping repeats.
	 * @param setting the setting's name for messages, such as {@code cluster nodes}
	 * @param addresses the addresses as given
	 * @return the nodes, in the order given
	 * @throws IllegalArgumentException when the list is empty or an address is not
	 * {@code host:port}; the message names the setting and the address
	 */
	static List<Node> parse(String setting, List<String> addresses) {
		Objects.requireNonNull(addresses, () -> setting + " must not be null");
		if (addresses.isEmpty()) {
			throw new IllegalArgumentException(setting + " must name at least one node as host:port, was empty");
		}
		LinkedHashSet<Node> nodes = new LinkedHashSet<>();
		for (String address : addresses) {
			nodes.add(parseOne(setting, address));
		}
		return List.copyOf(new ArrayList<>(nodes));
	}

	private static Node parseOne(String setting, String address) {
		if (address == null) {
			throw new IllegalArgumentException(setting + " must not contain null entries");
		}
		String text = address.strip();
		String host;
		String port;
		if (text.startsWith("[")) {
			int close = text.indexOf(']');
			if (close < 0 || !text.startsWith(":", close + 1)) {
				throw invalid(setting, address, "an IPv6 host is written [::1]:7000");
			}
			host = text.substring(1, close);
			port = text.substring(close + 2);
		}
		else {
			int colon = text.lastIndexOf(':');
			if (colon < 0) {
				throw invalid(setting, address, "the port is missing");
			}
			if (text.indexOf(':') != colon) {
				throw invalid(setting, address, "put an IPv6 host in brackets, as [::1]:7000");
			}
			host = text.substring(0, colon);
			port = text.substring(colon + 1);
		}
		if (host.isBlank()) {
			throw invalid(setting, address, "the host is missing");
		}
		if (!host.chars().allMatch((c) -> c > ' ' && c != 0x7f && c != '%' && c != '/' && c != '@')) {
			throw invalid(setting, address, "the host must not contain spaces, control characters, '%', '/' or '@'");
		}
		if (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
			throw invalid(setting, address, "the port must be a number from 1 to 65535");
		}
		return new Node(host, Integer.parseInt(port));
	}

	private static IllegalArgumentException invalid(String setting, String address, String reason) {
		return new IllegalArgumentException(
				setting + " entry '" + address + "' is not host:port: " + reason + "; expected host:port or [v6]:port");
	}

	/**
	 * One node's address.
	 *
	 * @param host the host name or IP address, IPv6 without brackets
	 * @param port the port
	 */
	record Node(String host, int port) {

		/**
		 * Returns {@code host:port}, an IPv6 host in brackets.
		 */
		@Override
		public String toString() {
			return (this.host.indexOf(':') >= 0) ? "[" + this.host + "]:" + this.port : this.host + ":" + this.port;
		}

	}

}
