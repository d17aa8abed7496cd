package io.cachekit.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;

import io.cachekit.codec.ValueCodec;
import io.cachekit.tier.CacheConfiguration;
import io.cachekit.tier.TieredCache;
import org.openjdk.jol.info.GraphLayout;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Measures how much heap cachekit's L1 retains against its byte budget: for each value
 * kind, an L1-only {@link TieredCache} with {@code l1MaxSize} = N is written distinct
 * values until their heap size adds up to 2N (heap bytes, the unit L1 weighs values in),
 * and the cache's retained heap is then measured with JOL.
 *
 * <p>
 * Each value is a new instance ({@code BenchmarkValues.value(name, i)}), dropped after it
 * is put, so that only the cache holds it. Its heap size is what JOL finds reachable from
 * it and not from a reference instance of the same kind that is never put
 * ({@code |reference + value| − |reference|}): objects every value shares, such as
 * interned strings and cached boxes, are held by the JVM whatever the cache keeps, and
 * are not counted again for each value. Its encoded size (the starter's codec without a
 * backend) is added up too and reported beside it. The run fails unless L1 evicted, that
 * is kept fewer entries than were written. Caffeine's maintenance runs on the calling
 * thread (the cache's executor is {@code Runnable::run}), so eviction is complete when
 * the last put returns; with the default executor it would be the same once the pool ran
 * it. The retained heap is the JOL size of the whole cache minus that of an empty cache
 * built the same way with the same codec, measured at the same time. A second figure, the
 * change of used heap after {@link System#gc()}, is printed as a rough cross-check.
 *
 * <p>
 * Arguments: the budget in MiB (default 64) and the JSON file to write (default
 * {@code cachekit-benchmarks/target/bench/l1-retention.json}). Run it from the
 * repository's root:
 *
 * <pre>
 * java -Djdk.attach.allowAttachSelf=true -cp cachekit-benchmarks/target/benchmarks.jar io.cachekit.benchmarks.L1Retention 64 /tmp/l1-retention.json
 * </pre>
 */
public final class L1Retention {

	static final List<String> VALUES = List.of(BenchmarkValues.BOOK_512, BenchmarkValues.CATALOG_10K);

	private static final Executor SAME_THREAD = Runnable::run;

	private L1Retention() {
	}

	public static void main(String[] args) throws Exception {
		long budget = ((args.length > 0) ? Long.parseLong(args[0]) : 64) * 1024 * 1024;
		Path output = Path.of((args.length > 1) ? args[1] : "cachekit-benchmarks/target/bench/l1-retention.json");
		JsonMapper mapper = JsonMapper.builder().build();
		ObjectNode report = mapper.createObjectNode();
		report.put("budget", budget);
		ArrayNode results = report.putArray("results");
		for (String value : VALUES) {
			results.add(measure(mapper, value, budget));
		}
		Path parent = output.toAbsolutePath().getParent();
		if (parent != null) {
			Files.createDirectories(parent);
		}
		mapper.writerWithDefaultPrettyPrinter().writeValue(output, report);
		System.out.println("wrote " + output);
	}

	private static ObjectNode measure(JsonMapper mapper, String value, long budget) {
		CacheConfiguration configuration = CacheConfiguration.defaults()
			.withTtl(Duration.ofHours(1))
			.withL1Ttl(Duration.ofHours(1))
			.withL1MaxSize(budget);
		ValueCodec codec = StarterCodecs.l1Only();
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		long heapBefore = usedHeapAfterGc(memory);
		TieredCache cache = TieredCache.builder("retention")
			.configuration(configuration)
			.codec(codec)
			.executor(SAME_THREAD)
			.build();
		Object reference = BenchmarkValues.value(value, 0);
		long referenceSize = GraphLayout.parseInstance(reference).totalSize();
		long written = 0;
		long writtenEncoded = 0;
		int count = 0;
		while (written < 2 * budget) {
			Object instance = BenchmarkValues.value(value, count);
			String key = "retention-" + count;
			written += GraphLayout.parseInstance(reference, instance).totalSize() - referenceSize;
			writtenEncoded += codec.encode(instance, null, key).length;
			cache.put(key, instance);
			count++;
		}
		if (cache.l1Weight() > budget) {
			throw new IllegalStateException("L1 weighs " + cache.l1Weight() + " bytes, over its budget of " + budget
					+ ": its eviction has not run, so the retained heap would be overstated");
		}
		long heapAfter = usedHeapAfterGc(memory);
		TieredCache empty = TieredCache.builder("retention")
			.configuration(configuration)
			.codec(codec)
			.executor(SAME_THREAD)
			.build();
		long retained = GraphLayout.parseInstance(cache).totalSize() - GraphLayout.parseInstance(empty).totalSize();
		long entries = cache.l1Size();
		if (entries >= count) {
			throw new IllegalStateException(
					"L1 kept all " + count + " entries written (" + written + " bytes of heap against a budget of "
							+ budget + "): it evicted nothing, so the run says " + "nothing about its bound");
		}
		double ratio = (double) retained / budget;
		System.out.printf(
				"%s: budget %,d B, wrote %,d values of %,d B of heap (%,d B encoded), L1 kept %,d entries (weight %,d) "
						+ "retaining %,d B (%.2f x budget); used heap after GC grew by %,d B%n",
				value, budget, count, written, writtenEncoded, entries, cache.l1Weight(), retained, ratio,
				heapAfter - heapBefore);
		ObjectNode result = mapper.createObjectNode();
		result.put("value", value);
		result.put("budget", budget);
		result.put("written", written);
		result.put("writtenEncoded", writtenEncoded);
		result.put("writtenEntries", count);
		result.put("retained", retained);
		result.put("ratio", ratio);
		result.put("entries", entries);
		result.put("l1Weight", cache.l1Weight());
		result.put("heapGrowthAfterGc", heapAfter - heapBefore);
		cache.close();
		empty.close();
		return result;
	}

	private static long usedHeapAfterGc(MemoryMXBean memory) {
		System.gc();
		System.gc();
		return memory.getHeapMemoryUsage().getUsed();
	}

}
