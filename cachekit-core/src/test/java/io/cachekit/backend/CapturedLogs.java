package io.cachekit.backend;

import java.util.ArrayList;
import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * Captures the events of a logger and its children at every level down to DEBUG, for
 * tests that check what is logged and how often. {@link #close()} detaches it and
 * restores the logger's level. Thread-safe for reading while loggers write.
 */
public final class CapturedLogs implements AutoCloseable {

	private final Logger logger;

	private final @Nullable Level previousLevel;

	private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

	private CapturedLogs(String name) {
		this.logger = (Logger) LoggerFactory.getLogger(name);
		this.previousLevel = this.logger.getLevel();
		this.logger.setLevel(Level.DEBUG);
		this.appender.start();
		this.logger.addAppender(this.appender);
	}

	/**
	 * Starts capturing a logger and the loggers below it.
	 * @param name the logger's name, such as {@code net.spy.memcached}
	 * @return the capture; close it
	 */
	public static CapturedLogs of(String name) {
		return new CapturedLogs(name);
	}

	/**
	 * Returns a copy of the events captured so far.
	 * @return the events, in order
	 */
	public List<ILoggingEvent> events() {
		synchronized (this.appender.list) {
			return new ArrayList<>(this.appender.list);
		}
	}

	/**
	 * Returns the messages logged at one level.
	 * @param level the level
	 * @return the formatted messages, in order
	 */
	public List<String> messages(Level level) {
		return events().stream()
			.filter((event) -> event.getLevel() == level)
			.map(ILoggingEvent::getFormattedMessage)
			.toList();
	}

	/**
	 * Returns the events above DEBUG that carry a stack trace.
	 * @return the events
	 */
	public List<ILoggingEvent> stackTracesAboveDebug() {
		return events().stream()
			.filter((event) -> event.getLevel().isGreaterOrEqual(Level.INFO) && event.getThrowableProxy() != null)
			.toList();
	}

	@Override
	public void close() {
		this.logger.detachAppender(this.appender);
		this.logger.setLevel(this.previousLevel);
	}

}
