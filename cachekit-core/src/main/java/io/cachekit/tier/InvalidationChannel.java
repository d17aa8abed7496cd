package io.cachekit.tier;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

import io.cachekit.backend.Broadcast;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one subscription to {@value InvalidationJournal#CHANNEL} per {@link Broadcast},
 * shared by every cache of the process on that backend: it hands each pushed record to
 * the followers of the cache it names, and a reset to every follower.
 *
 * <p>
 * The subscription is made when the first cache joins and closed when the last one
 * leaves. Caches are held weakly, so one dropped without leaving is not kept alive. The
 * listener never calls the backend: followers apply a record to L1 and schedule any read
 * on their cache's executor. Thread-safe.
 */
final class InvalidationChannel implements Broadcast.Listener {

	private static final Logger logger = LoggerFactory.getLogger(TieredCache.class);

	/** Guarded by itself. */
	private static final Map<Broadcast, InvalidationChannel> channels = new IdentityHashMap<>();

	/**
	 * The followers by cache name, held weakly: a cache dropped without
	 * {@link TieredCache#close()} is not kept alive by its subscription.
	 */
	private final Map<String, Map<InvalidationFollower, Boolean>> followers = new ConcurrentHashMap<>();

	/** Guarded by {@link #channels}. */
	private Broadcast.@Nullable Subscription subscription;

	private InvalidationChannel() {
	}

	/**
	 * Makes a follower hear the records pushed for its cache.
	 * @param broadcast the backend's broadcast
	 * @param cacheName the follower's cache
	 * @param follower the follower
	 * @return what makes it leave again; idempotent
	 */
	static Runnable join(Broadcast broadcast, String cacheName, InvalidationFollower follower) {
		String name = Invalidation.travelling(cacheName);
		synchronized (channels) {
			InvalidationChannel channel = channels.computeIfAbsent(broadcast, (key) -> new InvalidationChannel());
			channel.followers.computeIfAbsent(name, (key) -> Collections.synchronizedMap(new WeakHashMap<>()))
				.put(follower, Boolean.TRUE);
			if (channel.subscription == null) {
				try {
					channel.subscription = broadcast.subscribe(InvalidationJournal.CHANNEL, channel);
				}
				catch (RuntimeException ex) {
					logger.warn("cache '{}': could not subscribe to invalidations ({}); changes of other "
							+ "instances are seen at each refresh", cacheName, ex.toString());
				}
			}
			boolean[] left = new boolean[1];
			return () -> {
				synchronized (channels) {
					if (!left[0]) {
						left[0] = true;
						channel.leave(broadcast, name, follower);
					}
				}
			};
		}
	}

	private void leave(Broadcast broadcast, String name, InvalidationFollower follower) {
		Map<InvalidationFollower, Boolean> named = this.followers.get(name);
		if (named != null) {
			named.remove(follower);
		}
		if (this.followers.values().stream().allMatch(Map::isEmpty)) {
			channels.remove(broadcast);
			Broadcast.Subscription ended = this.subscription;
			this.subscription = null;
			if (ended != null) {
				ended.close();
			}
		}
	}

	private static List<InvalidationFollower> live(@Nullable Map<InvalidationFollower, Boolean> named) {
		if (named == null) {
			return List.of();
		}
		synchronized (named) {
			return new ArrayList<>(named.keySet());
		}
	}

	@Override
	public void onMessage(byte[] message) {
		Invalidation change = Invalidation.decode(message);
		if (change == null) {
			logger.debug("ignored a message on {} that is not an invalidation", InvalidationJournal.CHANNEL);
			return;
		}
		for (InvalidationFollower follower : live(this.followers.get(change.cacheName()))) {
			try {
				follower.receive(change);
			}
			catch (RuntimeException ex) {
				logger.debug("cache '{}': could not apply a pushed invalidation", change.cacheName(), ex);
			}
		}
	}

	@Override
	public void onReset() {
		for (Map<InvalidationFollower, Boolean> named : this.followers.values()) {
			live(named).forEach(InvalidationFollower::scheduleRead);
		}
	}

}
