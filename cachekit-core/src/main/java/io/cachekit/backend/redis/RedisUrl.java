package io.cachekit.backend.redis;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A parsed {@code redis://[[user]:password@]host[:port][/database]} or {@code rediss://}
 * (TLS) URL.
 *
 * <p>
 * The port defaults to 6379 and the database to 0. User name and password are
 * percent-decoded. {@link #toString()} masks the password, so an instance may be logged.
 */
final class RedisUrl {

	static final int DEFAULT_PORT = 6379;

	private final boolean ssl;

	private final String host;

	private final int port;

	private final int database;

	private final @Nullable String username;

	private final @Nullable String password;

	private RedisUrl(boolean ssl, String host, int port, int database, @Nullable String username,
			@Nullable String password) {
		this.ssl = ssl;
		this.host = host;
		this.port = port;
		this.database = database;
		this.username = username;
		this.password = password;
	}

	/**
	 * Parses a Redis URL.
	 * <p>
	 * Without a colon in the user part ({@code redis://secret@host}) the whole part is
	 * the password, as Lettuce reads it. Characters that URLs reserve ({@code @ : / ? #})
	 * are percent-encoded in the user name and password.
	 * @param url the URL
	 * @return the parsed URL
	 * @throws IllegalArgumentException when the scheme is not {@code redis} or
	 * {@code rediss}, the host is missing, the port is not from 1 to 65535, the path is
	 * not a database number, or the URL has a query or fragment; the message never holds
	 * the password
	 */
	static RedisUrl parse(String url) {
		Objects.requireNonNull(url, "url must not be null");
		String text = url.strip();
		int schemeEnd = text.indexOf("://");
		if (schemeEnd < 0) {
			throw invalid(text, "it must start with redis:// or rediss://");
		}
		String scheme = text.substring(0, schemeEnd);
		boolean ssl;
		if (scheme.equalsIgnoreCase("redis")) {
			ssl = false;
		}
		else if (scheme.equalsIgnoreCase("rediss")) {
			ssl = true;
		}
		else {
			throw invalid(text, "the scheme must be redis or rediss (TLS), was '" + scheme + "'");
		}
		String rest = text.substring(schemeEnd + 3);
		int at = rest.lastIndexOf('@');
		String userInfo = (at >= 0) ? rest.substring(0, at) : null;
		String location = rest.substring(at + 1);
		if (location.indexOf('?') >= 0 || location.indexOf('#') >= 0) {
			throw invalid(text,
					"query parameters and fragments are not supported; the timeouts are settings of their own");
		}
		int slash = location.indexOf('/');
		String hostPort = (slash >= 0) ? location.substring(0, slash) : location;
		String path = (slash >= 0) ? location.substring(slash + 1) : "";
		String host;
		String port;
		if (hostPort.startsWith("[")) {
			int close = hostPort.indexOf(']');
			if (close < 0) {
				throw invalid(text, "the IPv6 host is missing its closing ']'");
			}
			host = hostPort.substring(1, close);
			String after = hostPort.substring(close + 1);
			if (!after.isEmpty() && !after.startsWith(":")) {
				throw invalid(text, "expected ':port' after the IPv6 host, found '" + after + "'");
			}
			port = after.isEmpty() ? null : after.substring(1);
		}
		else {
			int colon = hostPort.indexOf(':');
			if (colon >= 0 && hostPort.indexOf(':', colon + 1) >= 0) {
				throw invalid(text, "put an IPv6 host in brackets, as [::1]:6379");
			}
			host = (colon >= 0) ? hostPort.substring(0, colon) : hostPort;
			port = (colon >= 0) ? hostPort.substring(colon + 1) : null;
		}
		if (host.isBlank()) {
			throw invalid(text, "the host is missing");
		}
		if (!host.chars().allMatch((c) -> c > ' ' && c != 0x7f && c != '%')) {
			throw invalid(text, "the host must not contain spaces, control characters or '%'");
		}
		String username = null;
		String password = null;
		if (userInfo != null) {
			int colon = userInfo.indexOf(':');
			String user = (colon >= 0) ? userInfo.substring(0, colon) : "";
			String secret = (colon >= 0) ? userInfo.substring(colon + 1) : userInfo;
			username = user.isEmpty() ? null : decode(user);
			password = secret.isEmpty() ? null : decode(secret);
		}
		return new RedisUrl(ssl, host, parsePort(text, port), parseDatabase(text, path), username, password);
	}

	boolean ssl() {
		return this.ssl;
	}

	String host() {
		return this.host;
	}

	int port() {
		return this.port;
	}

	int database() {
		return this.database;
	}

	@Nullable String username() {
		return this.username;
	}

	@Nullable String password() {
		return this.password;
	}

	/**
	 * Returns the server as {@code host:port}, IPv6 hosts in brackets.
	 * @return the server address
	 */
	String server() {
		return (this.host.indexOf(':') >= 0) ? "[" + this.host + "]:" + this.port : this.host + ":" + this.port;
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return this == other || (other instanceof RedisUrl that && this.ssl == that.ssl && this.host.equals(that.host)
				&& this.port == that.port && this.database == that.database
				&& Objects.equals(this.username, that.username) && Objects.equals(this.password, that.password));
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.ssl, this.host, this.port, this.database, this.username);
	}

	/**
	 * Returns the URL with the password, if any, replaced by {@code ****}.
	 * @return the URL, safe to log
	 */
	@Override
	public String toString() {
		StringBuilder text = new StringBuilder(this.ssl ? "rediss://" : "redis://");
		if (this.username != null || this.password != null) {
			if (this.username != null) {
				text.append(this.username);
			}
			if (this.password != null) {
				text.append(":****");
			}
			text.append('@');
		}
		return text.append(server()).append('/').append(this.database).toString();
	}

	private static int parsePort(String url, @Nullable String port) {
		if (port == null) {
			return DEFAULT_PORT;
		}
		if (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
			throw invalid(url, "the port must be a number from 1 to 65535, was '" + port + "'");
		}
		return Integer.parseInt(port);
	}

	private static int parseDatabase(String url, String path) {
		if (path.isEmpty()) {
			return 0;
		}
		if (!path.matches("[0-9]{1,9}")) {
			throw invalid(url, "the path must be a database number, 0 or more, was '" + path + "'");
		}
		return Integer.parseInt(path);
	}

	private static String decode(String text) {
		return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
	}

	private static IllegalArgumentException invalid(String url, String reason) {
		return new IllegalArgumentException("url '" + mask(url) + "' is not a Redis URL: " + reason
				+ "; expected redis://[[user]:password@]host[:port][/database] or rediss://... for TLS");
	}

	/**
	 * Masks what may be a password in a URL: everything between the scheme and the last
	 * {@code @}.
	 * @param url the URL as given
	 * @return the URL, safe to put in a message
	 */
	static String mask(String url) {
		int schemeEnd = url.indexOf("://");
		int from = (schemeEnd >= 0) ? schemeEnd + 3 : 0;
		int at = url.lastIndexOf('@');
		return (at >= from) ? url.substring(0, from) + "****" + url.substring(at) : url;
	}

}
