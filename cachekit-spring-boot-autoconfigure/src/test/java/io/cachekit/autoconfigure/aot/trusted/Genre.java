package io.cachekit.autoconfigure.aot.trusted;

/**
 * A cached enum of a trusted package.
 */
public enum Genre {

	FICTION, SCIENCE

}
