package io.cachekit.backend.memcached;

import net.spy.memcached.compat.log.AbstractLogger;
import net.spy.memcached.compat.log.Level;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes spymemcached's own logging to SLF4J, one level down from where spymemcached puts
 * it: its INFO and WARN become DEBUG, so that a server that is down does not log a stack
 * trace on every reconnect attempt (about every five seconds) and startup does not log
 * the client's internals. Its ERROR and FATAL become WARN with the failure's message
 * only; the stack trace follows at DEBUG. What an operator needs, a server going down and
 * coming back, is logged once each by {@code MemcachedBackend}'s own logger.
 *
 * <p>
 * The logger names are spymemcached's (such as
 * {@code net.spy.memcached.MemcachedConnection}), so {@code net.spy.memcached} at DEBUG
 * shows everything. cachekit selects this class through spymemcached's system property
 * {@code net.spy.log.LoggerImpl} unless the application set that property itself.
 *
 * <p>
 * Public only because spymemcached creates its loggers by reflection, which needs a
 * public class and constructor; it is not meant to be used directly. Thread-safe.
 */
public final class SpymemcachedLogger extends AbstractLogger {

	private final Logger logger;

	/**
	 * Creates the logger spymemcached asks for.
	 * @param name the logger's name, a spymemcached class name
	 */
	public SpymemcachedLogger(String name) {
		super(name);
		this.logger = LoggerFactory.getLogger(name);
	}

	@Override
	public boolean isTraceEnabled() {
		return this.logger.isTraceEnabled();
	}

	@Override
	public boolean isDebugEnabled() {
		return this.logger.isDebugEnabled();
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * spymemcached's INFO is written at DEBUG, so this tells whether DEBUG is on.
	 */
	@Override
	public boolean isInfoEnabled() {
		return this.logger.isDebugEnabled();
	}

	@Override
	public void log(Level level, @Nullable Object message, @Nullable Throwable failure) {
		String text = String.valueOf(message);
		switch (level) {
			case TRACE -> this.logger.trace(text, failure);
			case DEBUG, INFO, WARN -> this.logger.debug(text, failure);
			default -> {
				if (failure != null) {
					this.logger.warn("{} ({})", text, failure.toString());
					this.logger.debug(text, failure);
				}
				else {
					this.logger.warn(text);
				}
			}
		}
	}

}
