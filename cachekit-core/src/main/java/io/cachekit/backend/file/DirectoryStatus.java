package io.cachekit.backend.file;

import java.nio.file.Path;

import org.slf4j.Logger;

/**
 * Logs whether a cache directory can be used, once per change: a WARN when it stops
 * working (it cannot be created or written, the sweep fails), an INFO when it works
 * again; while it keeps failing, at DEBUG only, so that a sweep every minute does not
 * repeat the same warning. Thread-safe.
 */
final class DirectoryStatus {

	private final Path directory;

	private final Logger logger;

	private boolean failing;

	DirectoryStatus(Path directory, Logger logger) {
		this.directory = directory;
		this.logger = logger;
	}

	/**
	 * Reports a failure.
	 * @param problem what is wrong, as a sentence
	 */
	synchronized void failed(String problem) {
		if (!this.failing) {
			this.failing = true;
			this.logger.warn("{}", problem);
		}
		else {
			this.logger.debug("{}", problem);
		}
	}

	/**
	 * Reports that the directory worked.
	 */
	synchronized void worked() {
		if (this.failing) {
			this.failing = false;
			this.logger.info("the cache directory {} works again", this.directory);
		}
	}

}
