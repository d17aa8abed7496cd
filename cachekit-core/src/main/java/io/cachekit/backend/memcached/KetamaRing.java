package io.cachekit.backend.memcached;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import java.util.function.Function;

import net.spy.memcached.MemcachedNode;
import net.spy.memcached.MemcachedNodeROImpl;
import net.spy.memcached.NodeLocator;

/**
 * Ketama consistent hashing with MD5, as spymemcached 2.12.3 placed keys.
 *
 * <p>
 * The cluster client's own Ketama locator hashes with SHA-384 where spymemcached used
 * MD5, so it puts almost every key on another server than spymemcached did: during a
 * rolling upgrade, instances on the two clients would read and invalidate a key on
 * different servers and serve each other's stale values. This ring keeps spymemcached's
 * placement: each server gets 160 points, four from each MD5 digest of {@code name-0} to
 * {@code name-39} (the name is given by the caller); a key belongs to the first point at
 * or after the first four bytes of its MD5 (little-endian), wrapping around. The fallback
 * sequence for a key whose server is down is spymemcached's too: seven tries, each moving
 * the hash by the hash of the try's number and the key. Immutable, so thread-safe.
 */
final class KetamaRing implements NodeLocator {

	private static final int DIGESTS_PER_NODE = 40;

	private static final int TRIES = 7;

	private final List<MemcachedNode> nodes;

	private final TreeMap<Long, MemcachedNode> points;

	private final Function<MemcachedNode, String> names;

	KetamaRing(List<MemcachedNode> nodes, Function<MemcachedNode, String> names) {
		this(List.copyOf(nodes), ring(nodes, names), names);
	}

	private KetamaRing(List<MemcachedNode> nodes, TreeMap<Long, MemcachedNode> points,
			Function<MemcachedNode, String> names) {
		this.nodes = nodes;
		this.points = points;
		this.names = names;
	}

	private static TreeMap<Long, MemcachedNode> ring(List<MemcachedNode> nodes, Function<MemcachedNode, String> names) {
		TreeMap<Long, MemcachedNode> points = new TreeMap<>();
		for (MemcachedNode node : nodes) {
			String name = names.apply(node);
			for (int i = 0; i < DIGESTS_PER_NODE; i++) {
				byte[] digest = md5(name + "-" + i);
				for (int h = 0; h < 4; h++) {
					points.put(littleEndian(digest, h * 4), node);
				}
			}
		}
		return points;
	}

	/**
	 * Returns spymemcached's {@code KETAMA_HASH} of a key.
	 * @param key the key
	 * @return the hash, from 0 to 2<sup>32</sup> - 1
	 */
	static long hash(String key) {
		return littleEndian(md5(key), 0);
	}

	private static long littleEndian(byte[] digest, int offset) {
		return ((long) (digest[offset + 3] & 0xFF) << 24) | ((long) (digest[offset + 2] & 0xFF) << 16)
				| ((long) (digest[offset + 1] & 0xFF) << 8) | (digest[offset] & 0xFF);
	}

	private static byte[] md5(String text) {
		try {
			return MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			// Every JDK has MD5.
			throw new IllegalStateException("MD5 is not available", ex);
		}
	}

	private MemcachedNode nodeAt(long hash) {
		Map.Entry<Long, MemcachedNode> point = this.points.ceilingEntry(hash);
		return ((point != null) ? point : this.points.firstEntry()).getValue();
	}

	@Override
	public MemcachedNode getPrimary(String key) {
		return nodeAt(hash(key));
	}

	@Override
	public Iterator<MemcachedNode> getSequence(String key) {
		return new Iterator<>() {

			private long hash = hash(key);

			private int tries;

			@Override
			public boolean hasNext() {
				return this.tries < TRIES;
			}

			@Override
			public MemcachedNode next() {
				if (!hasNext()) {
					throw new NoSuchElementException();
				}
				MemcachedNode node = nodeAt(this.hash);
				long next = hash(this.tries++ + key);
				this.hash = (this.hash + (int) (next ^ (next >>> 32))) & 0xffffffffL;
				return node;
			}

		};
	}

	@Override
	public Collection<MemcachedNode> getAll() {
		return this.nodes;
	}

	@Override
	public NodeLocator getReadonlyCopy() {
		Map<MemcachedNode, MemcachedNode> copies = new java.util.IdentityHashMap<>();
		List<MemcachedNode> nodes = new ArrayList<>(this.nodes.size());
		for (MemcachedNode node : this.nodes) {
			MemcachedNode copy = new MemcachedNodeROImpl(node);
			copies.put(node, copy);
			nodes.add(copy);
		}
		TreeMap<Long, MemcachedNode> points = new TreeMap<>();
		this.points.forEach((point, node) -> points.put(point, copies.get(node)));
		return new KetamaRing(List.copyOf(nodes), points, this.names);
	}

	/**
	 * Not supported: the ring is immutable, and only the client's dynamic mode, which
	 * cachekit does not use, changes the servers.
	 */
	@Override
	public void updateLocator(List<MemcachedNode> nodes) {
		throw new UnsupportedOperationException("the configured memcached servers are fixed (static mode)");
	}

}
