package io.cachekit.backend;

/**
 * Capability of a {@link Backend} that knows, without a round trip, whether it holds a
 * live connection to its store, so that a caller can tell a call that would fail at once
 * from one worth making.
 *
 * <p>
 * The circuit breaker asks it before a trial call: while the client is still
 * reconnecting, a trial would only fail and keep the breaker open for another open time,
 * so none is made until the connection is back.
 *
 * @see Backend#capability(Class)
 */
public interface Connectivity {

	/**
	 * Tells whether the backend holds a live connection to at least one server now.
	 * Answers from the client's state, at once, without sending anything; never throws.
	 * @return {@code true} when a call would be sent to a server
	 */
	boolean isConnected();

}
