package io.cachekit.autoconfigure.aot.trusted;

import java.util.ArrayList;
import java.util.List;

/**
 * A cached JavaBean of a trusted package, with a nested type.
 */
public class Shelf {

	private List<Book> books = new ArrayList<>();

	public List<Book> getBooks() {
		return this.books;
	}

	public void setBooks(List<Book> books) {
		this.books = books;
	}

	/**
	 * A nested cached type.
	 */
	public static class Label {

		private String text = "";

		public String getText() {
			return this.text;
		}

		public void setText(String text) {
			this.text = text;
		}

	}

}
