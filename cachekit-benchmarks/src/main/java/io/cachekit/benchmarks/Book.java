package io.cachekit.benchmarks;

import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * The value {@link CacheBenchmark} caches: a small record of the kind a
 * {@code @Cacheable} method returns. {@link Serializable} so that Spring Data Redis's
 * default JDK serializer can write it too.
 *
 * @param title the title
 * @param isbn the ISBN as a number
 * @param published when it was published
 * @param authors the authors' names
 * @param price the price
 */
public record Book(String title, long isbn, Instant published, List<String> authors,
		BigDecimal price) implements Serializable {

	/**
	 * Returns the {@code index}th book of a fixed catalogue: the same index always gives
	 * an equal book.
	 * @param index a non-negative number
	 * @return the book
	 */
	static Book numbered(int index) {
		return new Book("The Art of Caching, volume " + index, 9_780_000_000_000L + index,
				Instant.parse("2024-01-01T00:00:00Z").plusSeconds(86_400L * index),
				List.of("Ada Lovelace", "Charles Babbage"), new BigDecimal("39.90").add(BigDecimal.valueOf(index, 2)));
	}

}
