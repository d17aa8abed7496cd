package io.cachekit.sample;

import java.time.Instant;

/**
 * A book as the slow catalogue returns it.
 *
 * @param isbn the book's ISBN
 * @param title its title
 * @param lookup which lookup of the catalogue produced it, counting from 1
 * @param fetchedAt when the catalogue produced it
 */
public record Book(String isbn, String title, long lookup, Instant fetchedAt) {

}
