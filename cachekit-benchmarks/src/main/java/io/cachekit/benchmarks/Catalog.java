package io.cachekit.benchmarks;

import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An object graph of about 10 KB once encoded, the kind of larger value a
 * {@code @Cacheable} method returns: a page of a shop's catalogue with nested records,
 * lists, maps, {@link BigDecimal} prices and {@link Instant} times.
 *
 * @param name the catalogue's name
 * @param generatedAt when the page was made
 * @param shelves the shelves on the page
 * @param prices the price of each book by ISBN, as text
 * @param restocked when each shelf was last restocked, by shelf name
 */
public record Catalog(String name, Instant generatedAt, List<Shelf> shelves, Map<String, BigDecimal> prices,
		Map<String, Instant> restocked) implements Serializable {

	/**
	 * Returns a catalogue of {@code shelves} shelves of {@code booksPerShelf} books each;
	 * the same arguments always give an equal catalogue.
	 * @param shelves the number of shelves
	 * @param booksPerShelf the number of books on each
	 * @return the catalogue
	 */
	static Catalog of(int shelves, int booksPerShelf) {
		return of(shelves, booksPerShelf, 0);
	}

	/**
	 * Returns a catalogue as {@link #of(int, int)} does, with its books numbered from
	 * {@code firstBook}.
	 * @param shelves the number of shelves
	 * @param booksPerShelf the number of books on each
	 * @param firstBook the number of the first book
	 * @return the catalogue
	 */
	static Catalog of(int shelves, int booksPerShelf, int firstBook) {
		List<Shelf> all = new ArrayList<>();
		Map<String, BigDecimal> prices = new LinkedHashMap<>();
		Map<String, Instant> restocked = new LinkedHashMap<>();
		Instant base = Instant.parse("2026-11-01T08:00:00Z");
		for (int s = 0; s < shelves; s++) {
			List<Book> books = new ArrayList<>();
			for (int b = 0; b < booksPerShelf; b++) {
				Book book = Book.numbered(firstBook + s * booksPerShelf + b);
				books.add(book);
				prices.put(Long.toString(book.isbn()), book.price());
			}
			String name = "shelf " + (char) ('A' + s);
			all.add(new Shelf(name, "Computing, aisle " + (s + 1), books, List.of("new", "staff pick", "caching")));
			restocked.put(name, base.plusSeconds(3_600L * s));
		}
		return new Catalog("Spring catalogue", base, all, prices, restocked);
	}

	/**
	 * One shelf of the catalogue.
	 *
	 * @param name the shelf's name
	 * @param location where it stands
	 * @param books the books on it
	 * @param labels its labels
	 */
	public record Shelf(String name, String location, List<Book> books, List<String> labels) implements Serializable {

	}

}
