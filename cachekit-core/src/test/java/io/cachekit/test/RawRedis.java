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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A Redis connection that speaks RESP itself, for tests that read and write a server from
 * outside cachekit: entries under keys cachekit does not own, the remaining TTL of a key,
 * and {@code INFO commandstats}. Keys and values are binary-safe. Not thread-safe.
 */
public final class RawRedis implements AutoCloseable {

	private final Socket socket;

	private final InputStream in;

	private final OutputStream out;

	private RawRedis(Socket socket) throws IOException {
		this.socket = socket;
		this.in = new BufferedInputStream(socket.getInputStream());
		this.out = socket.getOutputStream();
	}

	/**
	 * Connects to a server that needs no password.
	 * @param address {@code host:port}
	 * @return the connection
	 */
	public static RawRedis connect(String address) {
		int colon = address.lastIndexOf(':');
		try {
			Socket socket = new Socket();
			socket.connect(
					new InetSocketAddress(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))),
					5_000);
			socket.setSoTimeout(5_000);
			socket.setTcpNoDelay(true);
			return new RawRedis(socket);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot connect to Redis at " + address, ex);
		}
	}

	/**
	 * Stores a value with no expiry ({@code SET}).
	 * @param key the key
	 * @param value the bytes
	 */
	public void set(byte[] key, byte[] value) {
		Object reply = command(bytes("SET"), key, value);
		if (!"OK".equals(reply)) {
			throw new IllegalStateException("SET answered " + reply);
		}
	}

	/**
	 * Reads a value ({@code GET}).
	 * @param key the key
	 * @return the bytes, or {@code null} when the key holds nothing
	 */
	public byte @Nullable [] get(byte[] key) {
		return (byte[]) command(bytes("GET"), key);
	}

	/**
	 * Returns the remaining time to live of a key in milliseconds ({@code PTTL}).
	 * @param key the key
	 * @return the milliseconds, {@code -1} for no expiry, {@code -2} for a missing key
	 */
	public long pttl(byte[] key) {
		return (Long) command(bytes("PTTL"), key);
	}

	/**
	 * Returns how often each command was called since the server started, from
	 * {@code INFO commandstats}; commands never called are absent.
	 * @return command name (lower case, sub-commands as {@code client|setinfo}) to calls
	 */
	public Map<String, Long> commandCalls() {
		String info = new String((byte[]) command(bytes("INFO"), bytes("commandstats")), StandardCharsets.UTF_8);
		Map<String, Long> calls = new LinkedHashMap<>();
		for (String line : info.split("\r\n", -1)) {
			if (line.startsWith("cmdstat_")) {
				String name = line.substring("cmdstat_".length(), line.indexOf(':'));
				int start = line.indexOf("calls=") + "calls=".length();
				calls.put(name, Long.parseLong(line.substring(start, line.indexOf(',', start))));
			}
		}
		return calls;
	}

	/**
	 * Sends any command and returns its reply: a {@code String} for a status, a
	 * {@code Long} for an integer, {@code byte[]} for a bulk string, a {@code List} for
	 * an array, {@code null} for a null reply. <pre>{@code
	 * Object role = redis.call("ROLE");
	 * }</pre>
	 * @param arguments the command and its arguments, each a {@code String} (UTF-8) or
	 * {@code byte[]}
	 * @return the reply
	 * @throws IllegalStateException when the server answers with an error
	 */
	public @Nullable Object call(Object... arguments) {
		byte[][] encoded = new byte[arguments.length][];
		for (int i = 0; i < arguments.length; i++) {
			encoded[i] = (arguments[i] instanceof byte[] raw) ? raw : bytes(String.valueOf(arguments[i]));
		}
		return command(encoded);
	}

	/**
	 * Sends a command whose reply is a bulk string, such as {@code INFO} or
	 * {@code CLUSTER NODES}, and returns it as text.
	 * @param arguments the command and its arguments
	 * @return the reply as UTF-8 text
	 * @throws IllegalStateException when the server answers with an error or nothing
	 */
	public String text(Object... arguments) {
		Object reply = call(arguments);
		if (reply instanceof byte[] raw) {
			return new String(raw, StandardCharsets.UTF_8);
		}
		if (reply instanceof String status) {
			return status;
		}
		throw new IllegalStateException(arguments[0] + " answered " + reply);
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

	private @Nullable Object command(byte[]... arguments) {
		try {
			ByteArrayOutputStream request = new ByteArrayOutputStream();
			request.writeBytes(bytes("*" + arguments.length + "\r\n"));
			for (byte[] argument : arguments) {
				request.writeBytes(bytes("$" + argument.length + "\r\n"));
				request.writeBytes(argument);
				request.writeBytes(bytes("\r\n"));
			}
			this.out.write(request.toByteArray());
			this.out.flush();
			return reply();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private @Nullable Object reply() throws IOException {
		int type = this.in.read();
		String line = readLine();
		return switch (type) {
			case '+' -> line;
			case '-' -> throw new IllegalStateException("Redis answered " + line);
			case ':' -> Long.parseLong(line);
			case '$' -> bulk(Integer.parseInt(line));
			case '*' -> {
				int count = Integer.parseInt(line);
				List<@Nullable Object> items = new ArrayList<>();
				for (int i = 0; i < count; i++) {
					items.add(reply());
				}
				yield items;
			}
			default -> throw new IOException("unexpected reply type " + type + ": " + line);
		};
	}

	private byte @Nullable [] bulk(int length) throws IOException {
		if (length < 0) {
			return null;
		}
		byte[] value = this.in.readNBytes(length);
		readLine();
		return value;
	}

	private String readLine() throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		int previous = -1;
		while (true) {
			int next = this.in.read();
			if (next < 0) {
				throw new IOException("Redis closed the connection");
			}
			if (previous == '\r' && next == '\n') {
				byte[] bytes = line.toByteArray();
				return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
			}
			line.write(next);
			previous = next;
		}
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
