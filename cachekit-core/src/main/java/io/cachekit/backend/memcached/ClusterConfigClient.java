package io.cachekit.backend.memcached;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import io.cachekit.backend.Durations;
import net.spy.memcached.AddrUtil;
import net.spy.memcached.config.ClusterConfiguration;
import net.spy.memcached.config.NodeEndPoint;
import org.jspecify.annotations.Nullable;

/**
 * Asks a configuration endpoint for the cluster's nodes, over a socket of its own.
 *
 * <p>
 * Speaks the ElastiCache auto-discovery protocol in ASCII: {@code config get cluster},
 * answered by {@code CONFIG cluster <flags> <bytes>}, the data (the configuration's
 * version, then the nodes as {@code host|ip|port} separated by spaces) and {@code END};
 * an engine that answers {@code ERROR} (memcached before 1.4.14) is asked
 * {@code get AmazonElastiCache:cluster} instead. Each question opens a connection, with
 * TLS when the backend uses it (the certificate must name the endpoint's host, or the
 * configured TLS host name), and closes it. One question takes at most the timeout, from
 * connecting to the last byte, however slowly the endpoint answers. A node's IP address
 * must be empty or an IP literal, as its port must be valid: the client would retry a
 * node it cannot resolve forever. The clients' own connections are not used: they speak
 * the binary protocol. Thread-safe.
 */
final class ClusterConfigClient {

	private static final int MAX_CONFIG_BYTES = 1024 * 1024;

	private static final Pattern IPV4 = Pattern
		.compile("((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");

	private static final Pattern IPV6 = Pattern.compile("(?=.*:)[0-9A-Fa-f:][0-9A-Fa-f:.]*");

	private final Duration timeout;

	private final ServerAddress endpoint;

	private final int timeoutMillis;

	private final @Nullable SSLContext sslContext;

	private final @Nullable String tlsHostName;

	ClusterConfigClient(ServerAddress endpoint, Duration timeout, @Nullable SSLContext sslContext,
			@Nullable String tlsHostName) {
		this.endpoint = endpoint;
		this.timeout = timeout;
		this.timeoutMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
		this.sslContext = sslContext;
		this.tlsHostName = tlsHostName;
	}

	/**
	 * Returns the endpoint asked.
	 * @return the endpoint
	 */
	ServerAddress endpoint() {
		return this.endpoint;
	}

	/**
	 * Returns how long one question may take.
	 * @return the timeout
	 */
	Duration timeout() {
		return this.timeout;
	}

	/**
	 * Asks the endpoint for the cluster configuration, within the timeout.
	 * @return the configuration
	 * @throws IOException when the endpoint cannot be reached, does not answer in time
	 * ({@link SocketTimeoutException}), or answers something that is not a cluster
	 * configuration (the message says what)
	 */
	ClusterConfiguration fetch() throws IOException {
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(this.timeoutMillis);
		try (Socket socket = connect()) {
			InputStream in = new DeadlineInputStream(socket, deadline);
			OutputStream out = socket.getOutputStream();
			out.write("config get cluster\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			String header = readLine(in);
			if (header.equals("ERROR")) {
				out.write("get AmazonElastiCache:cluster\r\n".getBytes(StandardCharsets.US_ASCII));
				out.flush();
				header = readLine(in);
			}
			if (header.equals("END")) {
				throw new IOException(this.endpoint + " holds no cluster configuration");
			}
			String[] parts = header.split(" ");
			boolean config = parts.length == 4 && parts[0].equals("CONFIG") && parts[1].equals("cluster");
			boolean value = parts.length == 4 && parts[0].equals("VALUE")
					&& parts[1].equals("AmazonElastiCache:cluster");
			if (!config && !value) {
				throw new IOException(this.endpoint + " answered '" + abbreviate(header)
						+ "' to config get cluster; is it an ElastiCache configuration endpoint?");
			}
			int length = length(parts[3]);
			// Read in pieces, each one bounded by what is left of the deadline.
			byte[] data = in.readNBytes(length);
			if (data.length < length) {
				throw new EOFException(this.endpoint + " closed the connection in the middle of a configuration");
			}
			String crlf = readLine(in);
			if (!crlf.isEmpty()) {
				throw new IOException(this.endpoint + " sent more configuration than announced");
			}
			String end = readLine(in);
			if (!end.equals("END")) {
				throw new IOException(this.endpoint + " ended a configuration with '" + abbreviate(end) + "'");
			}
			ClusterConfiguration configuration;
			try {
				configuration = AddrUtil.parseClusterTypeConfiguration(new String(data, StandardCharsets.US_ASCII));
			}
			catch (RuntimeException ex) {
				throw new IOException(this.endpoint + " sent an invalid cluster configuration: " + ex.getMessage(), ex);
			}
			for (NodeEndPoint node : configuration.getCacheNodeEndPoints()) {
				if (node.getPort() < 1 || node.getPort() > 65535) {
					throw new IOException(this.endpoint + " sent an invalid cluster configuration: node "
							+ node.getHostName() + " has port " + node.getPort());
				}
				String ip = node.getIpAddress();
				if (ip != null && !ip.isEmpty() && !isIpLiteral(ip)) {
					throw new IOException(this.endpoint + " sent an invalid cluster configuration: node "
							+ node.getHostName() + " has IP address '" + abbreviate(ip)
							+ "', which is neither empty nor an IPv4 or IPv6 literal");
				}
			}
			return configuration;
		}
	}

	private Socket connect() throws IOException {
		Socket socket = new Socket();
		try {
			socket.connect(new InetSocketAddress(this.endpoint.host(), this.endpoint.port()), this.timeoutMillis);
			socket.setSoTimeout(this.timeoutMillis);
			if (this.sslContext == null) {
				return socket;
			}
			String host = (this.tlsHostName != null) ? this.tlsHostName : this.endpoint.host();
			SSLSocket tls = (SSLSocket) this.sslContext.getSocketFactory()
				.createSocket(socket, host, this.endpoint.port(), true);
			SSLParameters parameters = tls.getSSLParameters();
			parameters.setEndpointIdentificationAlgorithm("HTTPS");
			tls.setSSLParameters(parameters);
			tls.setSoTimeout(this.timeoutMillis);
			tls.startHandshake();
			return tls;
		}
		catch (IOException | RuntimeException ex) {
			socket.close();
			throw ex;
		}
	}

	/**
	 * Tells whether a text is an IP literal, without a name lookup: a string of hex
	 * digits, colons and dots holding a colon is parsed as IPv6 and never looked up.
	 */
	static boolean isIpLiteral(String text) {
		if (IPV4.matcher(text).matches()) {
			return true;
		}
		if (!IPV6.matcher(text).matches()) {
			return false;
		}
		try {
			InetAddress.getByName(text);
			return true;
		}
		catch (UnknownHostException ex) {
			return false;
		}
	}

	private int length(String text) throws IOException {
		try {
			int length = Integer.parseInt(text);
			if (length >= 0 && length <= MAX_CONFIG_BYTES) {
				return length;
			}
		}
		catch (NumberFormatException ex) {
			// Reported below.
		}
		throw new IOException(this.endpoint + " announced a configuration of '" + abbreviate(text) + "' bytes");
	}

	/**
	 * Reads one line ending in CRLF, without it.
	 */
	private String readLine(InputStream in) throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		while (true) {
			int b = in.read();
			if (b < 0) {
				throw new EOFException(this.endpoint + " closed the connection before answering config get cluster");
			}
			if (b == '\n') {
				byte[] bytes = line.toByteArray();
				int length = (bytes.length > 0 && bytes[bytes.length - 1] == '\r') ? bytes.length - 1 : bytes.length;
				return new String(bytes, 0, length, StandardCharsets.US_ASCII);
			}
			if (line.size() > 1024) {
				throw new IOException(this.endpoint + " sent a line of over 1 KB; is it a memcached endpoint?");
			}
			line.write(b);
		}
	}

	/**
	 * The input of one question's socket: every read waits at most for what is left of
	 * the question's deadline, so that an endpoint that trickles its answer cannot hold
	 * the question longer than the timeout.
	 */
	private final class DeadlineInputStream extends InputStream {

		private final Socket socket;

		private final InputStream in;

		private final long deadline;

		DeadlineInputStream(Socket socket, long deadline) throws IOException {
			this.socket = socket;
			this.in = new BufferedInputStream(socket.getInputStream());
			this.deadline = deadline;
		}

		@Override
		public int read() throws IOException {
			bound();
			try {
				return this.in.read();
			}
			catch (SocketTimeoutException ex) {
				throw timedOut();
			}
		}

		@Override
		public int read(byte[] bytes, int offset, int length) throws IOException {
			bound();
			try {
				return this.in.read(bytes, offset, length);
			}
			catch (SocketTimeoutException ex) {
				throw timedOut();
			}
		}

		private void bound() throws IOException {
			long left = TimeUnit.NANOSECONDS.toMillis(this.deadline - System.nanoTime());
			if (left <= 0) {
				throw timedOut();
			}
			this.socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
		}

		private SocketTimeoutException timedOut() {
			return new SocketTimeoutException(
					ClusterConfigClient.this.endpoint + " did not answer config get cluster within "
							+ Durations.format(ClusterConfigClient.this.timeout));
		}

	}

	private static String abbreviate(String text) {
		return (text.length() > 80) ? text.substring(0, 80) + "..." : text;
	}

}
