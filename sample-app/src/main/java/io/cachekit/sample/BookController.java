package io.cachekit.sample;

import java.util.Map;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * REST endpoints over {@link BookService}.
 */
@RestController
@RequestMapping("/books")
class BookController {

	private final BookService books;

	BookController(BookService books) {
		this.books = books;
	}

	@GetMapping("/{isbn}")
	Book find(@PathVariable String isbn) {
		return this.books.find(isbn);
	}

	@PutMapping("/{isbn}")
	Book rename(@PathVariable String isbn, @RequestBody String title) {
		return this.books.rename(isbn, title);
	}

	@DeleteMapping("/{isbn}")
	ResponseEntity<Void> evict(@PathVariable String isbn) {
		this.books.evict(isbn);
		return ResponseEntity.noContent().build();
	}

	@DeleteMapping
	ResponseEntity<Void> evictAll() {
		this.books.evictAll();
		return ResponseEntity.noContent().build();
	}

	@GetMapping("/lookups")
	Map<String, Long> lookups() {
		return Map.of("lookups", this.books.lookups());
	}

}
