package io.cachekit.test;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

/**
 * A configuration endpoint as ElastiCache runs one for auto-discovery, on a loopback
 * port: it answers {@code config get cluster} with the nodes it was last told to
 * {@link #publish(List) publish}, in the exact ASCII reply of the real endpoint:
 *
 * <pre>
 * CONFIG cluster 0 &lt;bytes&gt;\r\n
 * &lt;version&gt;\n
 * host|ip|port host|ip|port\n
 * \r\nEND\r\n
 * </pre>
 *
 * {@code version} is answered with {@code VERSION 1.6.0}, anything else with
 * {@code ERROR}, as an engine older than 1.4.14 would answer {@code config get cluster}
 * when {@link #legacy(boolean)} is set (it then answers
 * {@code get AmazonElastiCache:cluster} instead). {@link #available(boolean)} turns it
 * into one that is down. Each connection has its own thread. Thread-safe;
 * {@link #close()} stops it.
 */
public final class ConfigEndpointServer implements AutoCloseable {

	private final ServerSocket socket;

	private final Set<Socket> connections = ConcurrentHashMap.newKeySet();

	private final AtomicLong requests = new AtomicLong();

	private final AtomicLong accepted = new AtomicLong();

	private volatile boolean available = true;

	private volatile @Nullable String data;

	private volatile long version;

	private volatile boolean legacy;

	private volatile int fragment;

	private ConfigEndpointServer(ServerSocket socket) {
		this.socket = socket;
	}

	/**
	 * Starts an endpoint that publishes nothing yet (it answers {@code END}).
	 * @return the running endpoint
	 */
	public static ConfigEndpointServer start() {
		try {
			ConfigEndpointServer server = new ConfigEndpointServer(
					new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
			Thread acceptor = new Thread(server::accept, "config-endpoint-" + server.port());
			acceptor.setDaemon(true);
			acceptor.start();
			return server;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot open a configuration endpoint", ex);
		}
	}

	/**
	 * Publishes a new configuration of the given memcached servers, with a version one
	 * greater than the last.
	 * @param servers the servers
	 * @return the new version
	 */
	public long publish(List<ServerProcess> servers) {
		return publish(this.version + 1, servers);
	}

	/**
	 * Publishes a configuration of the given memcached servers with a given version,
	 * lower ones included.
	 * @param version the version
	 * @param servers the servers
	 * @return the version
	 */
	public long publish(long version, List<ServerProcess> servers) {
		return publishPorts(version, servers.stream().mapToInt(ServerProcess::port).toArray());
	}

	/**
	 * Publishes a configuration of loopback nodes on the given ports with a given
	 * version.
	 * @param version the version
	 * @param ports the nodes' ports
	 * @return the version
	 */
	public synchronized long publishPorts(long version, int... ports) {
		String nodes = Arrays.stream(ports)
			.mapToObj((port) -> "127.0.0.1|127.0.0.1|" + port)
			.collect(Collectors.joining(" "));
		return publishData(version, version + "\n" + nodes + "\n");
	}

	/**
	 * Publishes data as it is, a valid configuration or not.
	 * @param version the version the next {@link #publish(List)} counts from
	 * @param data the data between the {@code CONFIG} line and {@code END}
	 * @return the version
	 */
	public synchronized long publishData(long version, String data) {
		this.data = data;
		this.version = version;
		return version;
	}

	/**
	 * Makes the endpoint answer {@code config get cluster} with {@code ERROR}, as
	 * memcached before 1.4.14 does, and {@code get AmazonElastiCache:cluster} with the
	 * configuration.
	 * @param legacy whether to answer as an old engine
	 */
	public void legacy(boolean legacy) {
		this.legacy = legacy;
	}

	/**
	 * Makes the endpoint write its replies in pieces of this many bytes, each flushed on
	 * its own, so that the reader sees fragmented reads.
	 * @param bytes the size of a piece, 0 for whole replies
	 */
	public void fragment(int bytes) {
		this.fragment = bytes;
	}

	/**
	 * Makes the endpoint unavailable, as one that is down: connections are accepted and
	 * closed at once, unanswered.
	 * @param available whether to answer
	 */
	public void available(boolean available) {
		this.available = available;
	}

	/**
	 * Returns the number of connections accepted, answered or not.
	 * @return the count
	 */
	public long connections() {
		return this.accepted.get();
	}

	/**
	 * Returns the port the endpoint listens on.
	 * @return the port
	 */
	public int port() {
		return this.socket.getLocalPort();
	}

	/**
	 * Returns the endpoint as {@code 127.0.0.1:port}.
	 * @return the address
	 */
	public String address() {
		return "127.0.0.1:" + port();
	}

	/**
	 * Returns the number of {@code config get cluster} (and legacy {@code get}) requests
	 * answered.
	 * @return the count
	 */
	public long requests() {
		return this.requests.get();
	}

	/**
	 * Stops listening and closes every connection.
	 */
	@Override
	public void close() {
		try {
			this.socket.close();
		}
		catch (IOException ex) {
			// Closing anyway.
		}
		for (Socket connection : this.connections) {
			try {
				connection.close();
			}
			catch (IOException ex) {
				// Closing anyway.
			}
		}
	}

	private void accept() {
		while (!this.socket.isClosed()) {
			try {
				Socket connection = this.socket.accept();
				this.accepted.incrementAndGet();
				if (!this.available) {
					connection.close();
					continue;
				}
				this.connections.add(connection);
				Thread thread = new Thread(() -> serve(connection), "config-endpoint-connection");
				thread.setDaemon(true);
				thread.start();
			}
			catch (IOException ex) {
				return;
			}
		}
	}

	private void serve(Socket connection) {
		try (connection) {
			InputStream in = new BufferedInputStream(connection.getInputStream());
			OutputStream out = connection.getOutputStream();
			String line;
			while ((line = readLine(in)) != null) {
				String reply;
				if (line.equals("config get cluster") && !this.legacy) {
					reply = configuration("CONFIG cluster 0 ");
				}
				else if (line.equals("get AmazonElastiCache:cluster") && this.legacy) {
					reply = configuration("VALUE AmazonElastiCache:cluster 0 ");
				}
				else if (line.equals("version")) {
					reply = "VERSION 1.6.0\r\n";
				}
				else {
					reply = "ERROR\r\n";
				}
				write(out, reply.getBytes(StandardCharsets.US_ASCII));
			}
		}
		catch (IOException ex) {
			// The client went away.
		}
		finally {
			this.connections.remove(connection);
		}
	}

	private String configuration(String header) {
		this.requests.incrementAndGet();
		String data = this.data;
		if (data == null) {
			return "END\r\n";
		}
		return header + data.getBytes(StandardCharsets.US_ASCII).length + "\r\n" + data + "\r\nEND\r\n";
	}

	private void write(OutputStream out, byte[] reply) throws IOException {
		int piece = this.fragment;
		if (piece <= 0) {
			out.write(reply);
			out.flush();
			return;
		}
		for (int offset = 0; offset < reply.length; offset += piece) {
			out.write(reply, offset, Math.min(piece, reply.length - offset));
			out.flush();
			try {
				Thread.sleep(1);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	private static @Nullable String readLine(InputStream in) throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		int b;
		while ((b = in.read()) >= 0) {
			if (b == '\n') {
				String text = line.toString(StandardCharsets.US_ASCII);
				return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
			}
			line.write(b);
		}
		return null;
	}

}
