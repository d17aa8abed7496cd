package io.cachekit.backend;

/**
 * Capability of a {@link Backend} that delivers short messages to every process
 * subscribed to a channel, such as Redis pub/sub.
 *
 * <p>
 * Delivery is best effort: a message published while a subscriber is disconnected is
 * lost, and nothing is stored. Callers that must not miss a message number their messages
 * and repair a gap from a durable record (cachekit's invalidation journal is one);
 * {@link Listener#onReset()} tells a subscriber that messages may have been lost. Channel
 * names are relative: the backend applies its key prefix, so applications that share a
 * server under different prefixes do not hear each other.
 *
 * @see Backend#capability(Class)
 */
public interface Broadcast {

	/**
	 * Publishes a message to every current subscriber of the channel, in every process,
	 * this one included.
	 * @param channel the channel, without the backend's key prefix
	 * @param message the message bytes
	 * @throws BackendException when the message could not be handed to the server
	 */
	void publish(String channel, byte[] message);

	/**
	 * Subscribes to a channel until the returned subscription is closed. The backend
	 * keeps the subscription across reconnections and calls {@link Listener#onReset()}
	 * each time it was lost and is in place again. This method does not wait for the
	 * server: a subscription that cannot be made now is made when the server can be
	 * reached, followed by {@code onReset()}.
	 * @param channel the channel, without the backend's key prefix
	 * @param listener called for every message; on a thread of the backend's client, so
	 * it must return quickly and must not call the backend
	 * @return the subscription
	 */
	Subscription subscribe(String channel, Listener listener);

	/**
	 * Receives the messages of a channel.
	 */
	interface Listener {

		/**
		 * Called for each message published on the channel.
		 * @param message the message bytes
		 */
		void onMessage(byte[] message);

		/**
		 * Called when the subscription is in place again after it was lost (a
		 * reconnection, or a subscription made late): messages published meanwhile were
		 * not delivered.
		 */
		default void onReset() {
		}

	}

	/**
	 * An active subscription.
	 */
	interface Subscription extends AutoCloseable {

		/**
		 * Ends the subscription; no message is delivered to its listener afterwards.
		 * Idempotent, never throws.
		 */
		@Override
		void close();

	}

}
