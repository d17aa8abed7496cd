package io.cachekit.test;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A memcached connection that speaks the text protocol itself, for tests that read and
 * write a server from outside cachekit: entries under keys cachekit does not own,
 * {@code stats}, and the {@code me} (meta debug) view of one item.
 *
 * <p>
 * It counts the commands it sends ({@link #sentGets()}, {@link #sentSets()}), so that a
 * test can tell the server's {@code cmd_*} counters apart from its own. Keys must be
 * valid memcached keys; values are binary-safe. Not thread-safe.
 */
public final class RawMemcached implements AutoCloseable {

	private static final byte[] CRLF = { '\r', '\n' };

	private final Socket socket;

	private final InputStream in;

	private final OutputStream out;

	private long gets;

	private long sets;

	private long metaDebugs;

	private RawMemcached(Socket socket) throws IOException {
		this.socket = socket;
		this.in = new BufferedInputStream(socket.getInputStream());
		this.out = socket.getOutputStream();
	}

	/**
	 * Connects to a server.
	 * @param address {@code host:port}
	 * @return the connection
	 */
	public static RawMemcached connect(String address) {
		int colon = address.lastIndexOf(':');
		try {
			Socket socket = new Socket();
			socket.connect(
					new InetSocketAddress(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))),
					5_000);
			socket.setSoTimeout(5_000);
			socket.setTcpNoDelay(true);
			return new RawMemcached(socket);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot connect to memcached at " + address, ex);
		}
	}

	/**
	 * Stores a value with no expiry and flags 0.
	 * @param key the key
	 * @param value the bytes
	 */
	public void set(String key, byte[] value) {
		try {
			this.sets++;
			ByteArrayOutputStream request = new ByteArrayOutputStream(value.length + 64);
			request.writeBytes(("set " + key + " 0 0 " + value.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
			request.writeBytes(value);
			request.writeBytes(CRLF);
			this.out.write(request.toByteArray());
			this.out.flush();
			String reply = readLine();
			if (!reply.equals("STORED")) {
				throw new IllegalStateException("set " + key + " answered " + reply);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Reads a value.
	 * @param key the key
	 * @return the bytes, or {@code null} when the key holds nothing
	 */
	public byte @Nullable [] get(String key) {
		try {
			this.gets++;
			send("get " + key);
			String header = readLine();
			if (header.equals("END")) {
				return null;
			}
			String[] parts = header.split(" ", -1);
			if (parts.length < 4 || !parts[0].equals("VALUE")) {
				throw new IllegalStateException("get " + key + " answered " + header);
			}
			byte[] value = this.in.readNBytes(Integer.parseInt(parts[3]));
			readLine();
			String end = readLine();
			if (!end.equals("END")) {
				throw new IllegalStateException("get " + key + " ended with " + end);
			}
			return value;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Returns the server's general statistics ({@code stats}).
	 * @return every {@code STAT} line's name and value, in the server's order
	 */
	public Map<String, String> stats() {
		try {
			send("stats");
			Map<String, String> stats = new LinkedHashMap<>();
			for (String line = readLine(); !line.equals("END"); line = readLine()) {
				String[] parts = line.split(" ", 3);
				stats.put(parts[1], parts[2]);
			}
			return stats;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Returns the meta debug view of an item ({@code me <key>}): its {@code exp},
	 * {@code size} and so on. memcached counts it in {@code cmd_meta}.
	 * @param key the key
	 * @return the fields, empty when the key holds nothing
	 * @see #remainingSeconds(String)
	 */
	public Map<String, String> metaDebug(String key) {
		try {
			this.metaDebugs++;
			send("me " + key);
			String line = readLine();
			Map<String, String> fields = new LinkedHashMap<>();
			if (line.equals("EN")) {
				return fields;
			}
			if (!line.startsWith("ME ")) {
				throw new IllegalStateException("me " + key + " answered " + line);
			}
			String[] parts = line.split(" ", -1);
			for (int i = 2; i < parts.length; i++) {
				int equals = parts[i].indexOf('=');
				fields.put(parts[i].substring(0, equals), parts[i].substring(equals + 1));
			}
			return fields;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Returns the seconds an item has left, from its meta debug view. memcached prints
	 * {@code exp=-1} for an item that never expires, and (1.6.18, a bug fixed later) the
	 * seconds left negated, so the sign is dropped.
	 * @param key the key
	 * @return the seconds left, {@code -1} for never, {@code -2} for a missing item
	 */
	public long remainingSeconds(String key) {
		String exp = metaDebug(key).get("exp");
		if (exp == null) {
			return -2;
		}
		long seconds = Long.parseLong(exp);
		return (seconds == -1) ? -1 : Math.abs(seconds);
	}

	/**
	 * Returns how many {@code me} commands this connection sent.
	 * @return the count
	 */
	public long sentMetaDebugs() {
		return this.metaDebugs;
	}

	/**
	 * Returns how many {@code get} commands this connection sent.
	 * @return the count
	 */
	public long sentGets() {
		return this.gets;
	}

	/**
	 * Returns how many {@code set} commands this connection sent.
	 * @return the count
	 */
	public long sentSets() {
		return this.sets;
	}

	@Override
	public void close() {
		try {
			this.socket.close();
		}
		catch (IOException ex) {
			// Nothing to release.
		}
	}

	private void send(String command) throws IOException {
		this.out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
		this.out.flush();
	}

	private String readLine() throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		int previous = -1;
		while (true) {
			int next = this.in.read();
			if (next < 0) {
				throw new IOException("memcached closed the connection");
			}
			if (previous == '\r' && next == '\n') {
				byte[] bytes = line.toByteArray();
				return new String(bytes, 0, bytes.length - 1, StandardCharsets.US_ASCII);
			}
			line.write(next);
			previous = next;
		}
	}

}
