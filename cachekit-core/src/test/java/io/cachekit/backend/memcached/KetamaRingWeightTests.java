package io.cachekit.backend.memcached;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import net.spy.memcached.MemcachedNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Weights and node changes on {@link KetamaRing}. No server: the ring only needs the
 * nodes' names and weights.
 */
class KetamaRingWeightTests {

	private static final int KEYS = 100_000;

	@Test
	void equalWeightsGiveExactlyTheUnweightedRing() {
		List<MemcachedNode> nodes = nodes(5);
		KetamaRing unweighted = new KetamaRing(nodes, KetamaRingWeightTests::name);
		KetamaRing weighted = new KetamaRing(nodes, KetamaRingWeightTests::name, (node) -> 7);
		assertThat(new HashMap<>(weighted.pointCounts())).isEqualTo(new HashMap<>(unweighted.pointCounts()))
			.containsValue(160);
		for (int i = 0; i < 20_000; i++) {
			assertThat(weighted.getPrimary("key-" + i)).isSameAs(unweighted.getPrimary("key-" + i));
		}
	}

	@Test
	void pointCountsFollowSpymemcachedsWeightedFormula() {
		for (int n = 1; n <= 10; n++) {
			List<MemcachedNode> nodes = nodes(n);
			Map<MemcachedNode, Integer> weights = new IdentityHashMap<>();
			int total = 0;
			for (int i = 0; i < n; i++) {
				weights.put(nodes.get(i), i + 1);
				total += i + 1;
			}
			KetamaRing ring = new KetamaRing(nodes, KetamaRingWeightTests::name, weights::get);
			Map<MemcachedNode, Integer> counts = ring.pointCounts();
			for (MemcachedNode node : nodes) {
				int weight = weights.get(node);
				float percent = (float) weight / (float) total;
				int expected = (n == 1) ? 160
						: (int) (Math.floor((float) (percent * 160f / 4 * (float) n + 0.0000000001)) * 4);
				assertThat(counts.getOrDefault(node, 0)).as("%d servers, weight %d", n, weight).isEqualTo(expected);
			}
		}
		// 1:3 on two servers: 80 and 240 points.
		assertThat(KetamaRing.points(1, 4, 2)).isEqualTo(80);
		assertThat(KetamaRing.points(3, 4, 2)).isEqualTo(240);
	}

	@Test
	void weightsOneTwoOneShareTheKeysAQuarterHalfAQuarter() {
		List<MemcachedNode> nodes = nodes(3);
		int[] weights = { 1, 2, 1 };
		KetamaRing ring = new KetamaRing(nodes, KetamaRingWeightTests::name, (node) -> weights[nodes.indexOf(node)]);
		int[] owned = new int[3];
		for (int i = 0; i < KEYS; i++) {
			owned[nodes.indexOf(ring.getPrimary("key-" + i))]++;
		}
		System.out.printf("[figure] weights 1:2:1 share of %,d keys: %.1f %% / %.1f %% / %.1f %%%n", KEYS,
				100.0 * owned[0] / KEYS, 100.0 * owned[1] / KEYS, 100.0 * owned[2] / KEYS);
		// Ketama's 160 points per unit of weight leave each share a few points off its
		// weight's share, the same on every instance.
		assertThat(owned[0] / (double) KEYS).isCloseTo(0.25, within(0.04));
		assertThat(owned[1] / (double) KEYS).isCloseTo(0.50, within(0.04));
		assertThat(owned[2] / (double) KEYS).isCloseTo(0.25, within(0.04));
	}

	@Test
	void updateLocatorAddsANodeThatTakesAboutAQuarterAndMovesNoOtherKey() {
		List<MemcachedNode> four = nodes(4);
		List<MemcachedNode> three = four.subList(0, 3);
		KetamaRing ring = new KetamaRing(three, KetamaRingWeightTests::name);
		List<MemcachedNode> before = new ArrayList<>();
		for (int i = 0; i < KEYS; i++) {
			before.add(ring.getPrimary("key-" + i));
		}
		MemcachedNode copyBefore = ring.getReadonlyCopy().getPrimary("key-0");
		ring.updateLocator(four);
		assertThat(ring.getAll()).containsExactlyElementsOf(four);
		int moved = 0;
		for (int i = 0; i < KEYS; i++) {
			MemcachedNode now = ring.getPrimary("key-" + i);
			if (now != before.get(i)) {
				assertThat(now).as("a moved key moves to the new node").isSameAs(four.get(3));
				moved++;
			}
		}
		System.out.printf("[figure] keys moved to a fourth node added to three (ring only): %.1f %%%n",
				100.0 * moved / KEYS);
		assertThat(moved / (double) KEYS).isCloseTo(0.25, within(0.05));
		assertThat(copyBefore).as("a copy taken before keeps its ring").isNotNull();
		ring.updateLocator(three);
		for (int i = 0; i < KEYS; i += 7) {
			assertThat(ring.getPrimary("key-" + i)).isSameAs(before.get(i));
		}
	}

	private static String name(MemcachedNode node) {
		return node.toString();
	}

	private static List<MemcachedNode> nodes(int count) {
		List<MemcachedNode> nodes = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			String name = "10.0.0." + (i + 1) + ":11211";
			nodes.add((MemcachedNode) Proxy.newProxyInstance(KetamaRingWeightTests.class.getClassLoader(),
					new Class<?>[] { MemcachedNode.class }, (proxy, method, arguments) -> switch (method.getName()) {
						case "toString" -> name;
						case "hashCode" -> System.identityHashCode(proxy);
						case "equals" -> proxy == arguments[0];
						default -> throw new UnsupportedOperationException(method.getName());
					}));
		}
		return nodes;
	}

}
