package io.cachekit.backend.memcached;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.ToIntFunction;

import net.spy.memcached.MemcachedNode;
import net.spy.memcached.MemcachedNodeROImpl;
import net.spy.memcached.NodeLocator;

/**
 * Ketama consistent hashing with MD5, as spymemcached 2.12.3 placed keys, with weights
 * and a node list that the client's I/O thread can replace.
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
 * the hash by the hash of the try's number and the key.
 *
 * <p>
 * When the servers' weights differ, each server gets spymemcached's weighted share of
 * points instead, {@code floor(float(weight / total) * 160 / 4 * servers + 1e-10) * 4},
 * computed in the same float arithmetic so that instances on either client agree; when
 * they are all equal the ring is exactly the unweighted one.
 *
 * <p>
 * {@link #updateLocator(List)} (auto-discovery) swaps in a new immutable snapshot; every
 * lookup reads one snapshot, so it is thread-safe.
 */
final class KetamaRing implements NodeLocator {

	private static final int DIGESTS_PER_NODE = 40;

	private static final int POINTS_PER_NODE = DIGESTS_PER_NODE * 4;

	private static final int TRIES = 7;

	private final Function<MemcachedNode, String> names;

	private final ToIntFunction<MemcachedNode> weights;

	private volatile Snapshot snapshot;

	KetamaRing(List<MemcachedNode> nodes, Function<MemcachedNode, String> names) {
		this(nodes, names, (node) -> 1);
	}

	KetamaRing(List<MemcachedNode> nodes, Function<MemcachedNode, String> names, ToIntFunction<MemcachedNode> weights) {
		this(new Snapshot(List.copyOf(nodes), ring(nodes, names, weights)), names, weights);
	}

	private KetamaRing(Snapshot snapshot, Function<MemcachedNode, String> names, ToIntFunction<MemcachedNode> weights) {
		this.snapshot = snapshot;
		this.names = names;
		this.weights = weights;
	}

	private static TreeMap<Long, MemcachedNode> ring(List<MemcachedNode> nodes, Function<MemcachedNode, String> names,
			ToIntFunction<MemcachedNode> weights) {
		int[] nodeWeights = nodes.stream().mapToInt(weights).toArray();
		boolean weighted = Arrays.stream(nodeWeights).distinct().count() > 1;
		int total = Arrays.stream(nodeWeights).sum();
		TreeMap<Long, MemcachedNode> points = new TreeMap<>();
		for (int n = 0; n < nodes.size(); n++) {
			MemcachedNode node = nodes.get(n);
			String name = names.apply(node);
			int digests = weighted ? points(nodeWeights[n], total, nodes.size()) / 4 : DIGESTS_PER_NODE;
			for (int i = 0; i < digests; i++) {
				byte[] digest = md5(name + "-" + i);
				for (int h = 0; h < 4; h++) {
					points.put(littleEndian(digest, h * 4), node);
				}
			}
		}
		return points;
	}

	/**
	 * Returns the number of points of a server on a weighted ring, in spymemcached's
	 * arithmetic (float, then a nudge before rounding down to a multiple of four).
	 * @param weight the server's weight
	 * @param total the sum of all servers' weights
	 * @param servers the number of servers
	 * @return the number of points
	 */
	static int points(int weight, int total, int servers) {
		float percent = (float) weight / (float) total;
		return (int) (Math.floor((float) (percent * (float) POINTS_PER_NODE / 4 * (float) servers + 0.0000000001)) * 4);
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

	@Override
	public MemcachedNode getPrimary(String key) {
		return this.snapshot.nodeAt(hash(key));
	}

	@Override
	public Iterator<MemcachedNode> getSequence(String key) {
		Snapshot snapshot = this.snapshot;
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
				MemcachedNode node = snapshot.nodeAt(this.hash);
				long next = hash(this.tries++ + key);
				this.hash = (this.hash + (int) (next ^ (next >>> 32))) & 0xffffffffL;
				return node;
			}

		};
	}

	@Override
	public Collection<MemcachedNode> getAll() {
		return this.snapshot.nodes();
	}

	/**
	 * Returns the number of points each node has on the ring.
	 * @return node to points
	 */
	Map<MemcachedNode, Integer> pointCounts() {
		Map<MemcachedNode, Integer> counts = new IdentityHashMap<>();
		this.snapshot.points().values().forEach((node) -> counts.merge(node, 1, Integer::sum));
		return counts;
	}

	@Override
	public NodeLocator getReadonlyCopy() {
		Snapshot snapshot = this.snapshot;
		Map<MemcachedNode, MemcachedNode> copies = new IdentityHashMap<>();
		List<MemcachedNode> nodes = new ArrayList<>(snapshot.nodes().size());
		for (MemcachedNode node : snapshot.nodes()) {
			MemcachedNode copy = new MemcachedNodeROImpl(node);
			copies.put(node, copy);
			nodes.add(copy);
		}
		TreeMap<Long, MemcachedNode> points = new TreeMap<>();
		snapshot.points().forEach((point, node) -> points.put(point, copies.get(node)));
		return new KetamaRing(new Snapshot(List.copyOf(nodes), points), this.names, this.weights);
	}

	/**
	 * Replaces the nodes, as the client does when a discovery endpoint changes them: the
	 * ring is rebuilt with the names and weights the nodes have now.
	 */
	@Override
	public void updateLocator(List<MemcachedNode> nodes) {
		this.snapshot = new Snapshot(List.copyOf(nodes), ring(nodes, this.names, this.weights));
	}

	private record Snapshot(List<MemcachedNode> nodes, TreeMap<Long, MemcachedNode> points) {

		MemcachedNode nodeAt(long hash) {
			Map.Entry<Long, MemcachedNode> point = this.points.ceilingEntry(hash);
			if (point == null) {
				point = this.points.firstEntry();
			}
			if (point == null) {
				throw new IllegalStateException("no memcached server is configured");
			}
			return point.getValue();
		}

	}

}
