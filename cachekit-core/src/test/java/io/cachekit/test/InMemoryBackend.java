package io.cachekit.test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArraySet;

import io.cachekit.backend.AddIfAbsent;
import io.cachekit.backend.Backend;
import io.cachekit.backend.BackendHealth;
import io.cachekit.backend.Broadcast;
import io.cachekit.backend.BulkGet;
import io.cachekit.backend.Increment;
import io.cachekit.backend.RemainingTtl;
import io.cachekit.backend.TtlInspection;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Backend} in a map, for tests that need an L2 but no server.
 *
 * <p>
 * Entries expire by the given {@link Clock} (a {@link ManualTime} in most tests), so
 * expiry is tested without sleeping. Offers every capability ({@link AddIfAbsent},
 * {@link BulkGet}, {@link Increment}, {@link TtlInspection}, {@link Broadcast}), each
 * atomic, unless created {@linkplain #withCapabilities(Clock, Class[]) with fewer}, to
 * test what the engine does without one. Broadcast messages are delivered on the
 * publishing thread, before {@code publish} returns, unless the test
 * {@linkplain #loseMessages(boolean) has them lost}. Values are copied in and out, so a
 * test can never change a stored entry by accident. Thread-safe. Wrap it in a
 * {@link FaultInjectingBackend} to make it fail, hang or corrupt on command.
 */
public final class InMemoryBackend implements Backend, AddIfAbsent, BulkGet, Increment, TtlInspection, Broadcast {

	private static final Set<Class<?>> ALL = Set.of(AddIfAbsent.class, BulkGet.class, Increment.class,
			TtlInspection.class, Broadcast.class);

	private final ConcurrentMap<String, Set<Listener>> subscribers = new ConcurrentHashMap<>();

	private volatile boolean losingMessages;

	private final ConcurrentMap<String, Entry> entries = new ConcurrentHashMap<>();

	private final Clock clock;

	private final Set<Class<?>> capabilities;

	private InMemoryBackend(Clock clock, Set<Class<?>> capabilities) {
		this.clock = Objects.requireNonNull(clock, "clock must not be null");
		this.capabilities = Set.copyOf(capabilities);
	}

	/**
	 * Creates a backend on the system clock with every capability.
	 * @return the backend, empty
	 */
	public static InMemoryBackend create() {
		return new InMemoryBackend(Clock.systemUTC(), ALL);
	}

	/**
	 * Creates a backend with every capability.
	 * @param clock the clock that expires entries
	 * @return the backend, empty
	 */
	public static InMemoryBackend create(Clock clock) {
		return new InMemoryBackend(clock, ALL);
	}

	/**
	 * Creates a backend that offers only the given capabilities.
	 * @param clock the clock that expires entries
	 * @param capabilities the capability interfaces to offer; none for the five plain
	 * operations only
	 * @return the backend, empty
	 */
	public static InMemoryBackend withCapabilities(Clock clock, Class<?>... capabilities) {
		return new InMemoryBackend(clock, Set.of(capabilities));
	}

	@Override
	public <C> Optional<C> capability(Class<C> type) {
		return this.capabilities.contains(type) ? Backend.super.capability(type) : Optional.empty();
	}

	@Override
	public byte @Nullable [] get(String key) {
		Entry entry = live(key);
		return (entry != null) ? entry.value().clone() : null;
	}

	@Override
	public void set(String key, byte[] value, @Nullable Duration ttl) {
		this.entries.put(key, new Entry(value.clone(), expiry(ttl)));
	}

	@Override
	public boolean delete(String key) {
		Entry removed = this.entries.remove(key);
		return removed != null && !removed.isExpired(this.clock.instant());
	}

	@Override
	public boolean exists(String key) {
		return live(key) != null;
	}

	@Override
	public BackendHealth health() {
		return BackendHealth.up(backendType(), 0, Map.of("entries", this.entries.size()));
	}

	@Override
	public boolean addIfAbsent(String key, byte[] value, @Nullable Duration ttl) {
		Entry added = new Entry(value.clone(), expiry(ttl));
		Instant now = this.clock.instant();
		Entry result = this.entries.compute(key,
				(name, existing) -> (existing == null || existing.isExpired(now)) ? added : existing);
		return result == added;
	}

	@Override
	public Map<String, byte[]> getAll(Collection<String> keys) {
		Map<String, byte[]> found = new LinkedHashMap<>();
		for (String key : keys) {
			byte[] value = get(key);
			if (value != null) {
				found.put(key, value);
			}
		}
		return found;
	}

	@Override
	public long increment(String key, long delta, long initialValue, @Nullable Duration ttl) {
		Instant now = this.clock.instant();
		Entry result = this.entries.compute(key, (name, existing) -> {
			if (existing == null || existing.isExpired(now)) {
				return new Entry(encode(initialValue), expiry(ttl));
			}
			return new Entry(encode(Long.parseLong(new String(existing.value(), StandardCharsets.US_ASCII)) + delta),
					existing.expiresAt());
		});
		return Long.parseLong(new String(result.value(), StandardCharsets.US_ASCII));
	}

	@Override
	public RemainingTtl remainingTtl(String key) {
		Entry entry = live(key);
		if (entry == null) {
			return RemainingTtl.missing();
		}
		Instant expiresAt = entry.expiresAt();
		return (expiresAt != null) ? RemainingTtl.expiresIn(Duration.between(this.clock.instant(), expiresAt))
				: RemainingTtl.noExpiry();
	}

	@Override
	public void publish(String channel, byte[] message) {
		if (this.losingMessages) {
			return;
		}
		for (Listener listener : this.subscribers.getOrDefault(channel, Set.of())) {
			listener.onMessage(message.clone());
		}
	}

	@Override
	public Subscription subscribe(String channel, Listener listener) {
		Listener subscribed = new Listener() {

			@Override
			public void onMessage(byte[] message) {
				listener.onMessage(message);
			}

			@Override
			public void onReset() {
				listener.onReset();
			}

		};
		this.subscribers.computeIfAbsent(channel, (name) -> new CopyOnWriteArraySet<>()).add(subscribed);
		return () -> this.subscribers.getOrDefault(channel, Set.of()).remove(subscribed);
	}

	/**
	 * Makes every message published from now on be lost, or delivered again, as a
	 * subscriber that lost its connection would miss them.
	 * @param lose whether messages are lost
	 */
	public void loseMessages(boolean lose) {
		this.losingMessages = lose;
	}

	/**
	 * Tells every subscriber that messages may have been lost, as a reconnection does.
	 */
	public void resetSubscriptions() {
		this.subscribers.values().forEach((listeners) -> listeners.forEach(Listener::onReset));
	}

	/**
	 * Returns the number of active subscriptions to a channel.
	 * @param channel the channel
	 * @return the count
	 */
	public int subscriptions(String channel) {
		return this.subscribers.getOrDefault(channel, Set.of()).size();
	}

	/**
	 * Returns the keys of the live entries, as the engine wrote them.
	 * @return the keys
	 */
	public Set<String> keys() {
		Instant now = this.clock.instant();
		Set<String> live = new TreeSet<>();
		this.entries.forEach((key, entry) -> {
			if (!entry.isExpired(now)) {
				live.add(key);
			}
		});
		return live;
	}

	/**
	 * Removes every entry, as a restarted server would.
	 */
	public void flush() {
		this.entries.clear();
	}

	@Override
	public String toString() {
		return "InMemoryBackend[" + this.entries.size() + " entries]";
	}

	private @Nullable Entry live(String key) {
		Entry entry = this.entries.get(key);
		if (entry != null && entry.isExpired(this.clock.instant())) {
			this.entries.remove(key, entry);
			return null;
		}
		return entry;
	}

	private @Nullable Instant expiry(@Nullable Duration ttl) {
		return (ttl == null || ttl.isZero() || ttl.isNegative()) ? null : this.clock.instant().plus(ttl);
	}

	private static byte[] encode(long value) {
		return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
	}

	private record Entry(byte[] value, @Nullable Instant expiresAt) {

		boolean isExpired(Instant now) {
			return this.expiresAt != null && !this.expiresAt.isAfter(now);
		}

	}

}
