package io.cachekit.benchmarks;

import java.util.List;

/**
 * The two values every peer comparison caches, by the name JMH's {@code value} parameter
 * gives them.
 *
 * <ul>
 * <li>{@code book512}: a list of two {@link Book} records, about 512 bytes once encoded
 * (a 428-byte MessagePack payload).</li>
 * <li>{@code catalog10k}: a {@link Catalog} of 4 shelves of 10 books with lists, maps,
 * {@link java.math.BigDecimal} prices and {@link java.time.Instant} times, about 10 KB
 * once encoded.</li>
 * </ul>
 * Both are {@link java.io.Serializable}, so the peers that use JDK serialization can
 * store them. The same name and index always give an equal value; each call builds a new
 * instance.
 */
final class BenchmarkValues {

	/** The names of the values, for a JMH {@code @Param}. */
	static final String BOOK_512 = "book512";

	/** The name of the object graph. */
	static final String CATALOG_10K = "catalog10k";

	private BenchmarkValues() {
	}

	/**
	 * Returns the value a name stands for.
	 * @param name {@value #BOOK_512} or {@value #CATALOG_10K}
	 * @return the value of index 0
	 */
	static Object value(String name) {
		return value(name, 0);
	}

	/**
	 * Returns the {@code index}th value of a kind: values of different indexes differ (in
	 * their books' numbers), so a cache of many keys holds many distinct values.
	 * @param name {@value #BOOK_512} or {@value #CATALOG_10K}
	 * @param index a non-negative number
	 * @return the value
	 */
	static Object value(String name, int index) {
		return switch (name) {
			case BOOK_512 -> List.of(Book.numbered(2 * index + 1), Book.numbered(2 * index + 2));
			case CATALOG_10K -> Catalog.of(4, 10, 40 * index);
			default -> throw new IllegalArgumentException(
					"Unknown value " + name + "; expected " + BOOK_512 + " or " + CATALOG_10K);
		};
	}

}
