package io.cachekit.sample;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.stereotype.Service;

/**
 * Looks books up in a deliberately slow catalogue, behind the {@code books} cache.
 */
@Service
public class BookService {

	private final AtomicLong lookups = new AtomicLong();

	private final Duration latency;

	BookService(@Value("${sample.catalogue-latency:2s}") Duration latency) {
		this.latency = latency;
	}

	/**
	 * Returns a book, from the cache when it holds one.
	 * @param isbn the ISBN
	 * @return the book
	 */
	@Cacheable("books")
	public Book find(String isbn) {
		long lookup = this.lookups.incrementAndGet();
		sleep(this.latency);
		return new Book(isbn, "Title of " + isbn, lookup, Instant.now());
	}

	/**
	 * Stores a new title for a book and puts the result in the cache.
	 * @param isbn the ISBN
	 * @param title the new title
	 * @return the updated book
	 */
	@CachePut(cacheNames = "books", key = "#isbn")
	public Book rename(String isbn, String title) {
		return new Book(isbn, title, this.lookups.incrementAndGet(), Instant.now());
	}

	/**
	 * Removes one book from the cache.
	 * @param isbn the ISBN
	 */
	@CacheEvict("books")
	public void evict(String isbn) {
	}

	/**
	 * Removes every book from the cache, in every instance of the application.
	 */
	@CacheEvict(cacheNames = "books", allEntries = true)
	public void evictAll() {
	}

	/**
	 * Returns how many times the slow catalogue was asked.
	 * @return the lookup count
	 */
	public long lookups() {
		return this.lookups.get();
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
