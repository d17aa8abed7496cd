package io.cachekit.autoconfigure.aot.trusted;

/**
 * A cached record of a trusted package.
 *
 * @param title the title
 * @param genre the genre
 */
public record Book(String title, Genre genre) {

}
