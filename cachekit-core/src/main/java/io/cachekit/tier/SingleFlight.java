package io.cachekit.tier;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * One load per key at a time within this process: the first caller for a key loads, the
 * others wait for its result. Loads of different keys run in parallel.
 *
 * <p>
 * Synchronous and asynchronous loads of a key share one in-flight future. A failed load
 * caches nothing, and every caller waiting on it gets its failure. A synchronous loader
 * that asks, on the same thread, for the key it is loading gets an
 * {@link IllegalStateException} instead of waiting for itself.
 *
 * <p>
 * A caller whose lookup missed just before another caller's load stored its value, and
 * which takes the key only after that load ended, must not load again. So every caller
 * takes a {@link #ticket(String) ticket} before its lookup; loads that end move the
 * tickets of their keys' stripe on, and a caller whose ticket moved looks again (a second
 * L2 read) before it loads. Thread-safe.
 *
 * <p>
 * This is a map of in-flight futures rather than Caffeine's {@code AsyncCache}: the
 * loaded value must first go through the codec and L2 and then into an L1 weighed by its
 * encoded size and tagged with its generation, none of which an in-flight future in L1
 * could carry.
 */
final class SingleFlight {

	private final String cacheName;

	private static final int STRIPES = 1024;

	private final ConcurrentMap<String, Load> loading = new ConcurrentHashMap<>();

	/** Loads ended with a value, striped by key. */
	private final AtomicLongArray ended = new AtomicLongArray(STRIPES);

	SingleFlight(String cacheName) {
		this.cacheName = cacheName;
	}

	/**
	 * Returns a ticket to take before looking a key up.
	 * @param keyString the key
	 * @return the ticket
	 */
	long ticket(String keyString) {
		return this.ended.get(stripe(keyString));
	}

	/**
	 * Loads a key unless a load of it is under way, in which case its result is awaited.
	 * @param <T> the value type
	 * @param keyString the key
	 * @param ticket the ticket taken before the lookup that missed
	 * @param lookAgain looks the key up again; called only when a load ended since the
	 * ticket was taken
	 * @param load loads the value and stores it; runs on this thread
	 * @return the value
	 * @throws Exception what {@code load} threw, here or in the load awaited
	 */
	@SuppressWarnings({ "unchecked", "NullAway" }) // T may be nullable: a cached or
													// loaded null
	<T extends @Nullable Object> T load(String keyString, long ticket, Supplier<@Nullable CacheHit> lookAgain,
			Callable<T> load) throws Exception {
		Load mine = new Load(new CompletableFuture<>(), Thread.currentThread());
		Load running = this.loading.putIfAbsent(keyString, mine);
		if (running != null) {
			if (running.owner() == Thread.currentThread()) {
				throw new IllegalStateException("recursive load of key '" + keyString + "' in cache '" + this.cacheName
						+ "': the loader asked the cache for the key it is loading");
			}
			try {
				return (T) running.future().get();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw ex;
			}
			catch (ExecutionException ex) {
				throw rethrowable(ex.getCause());
			}
		}
		try {
			CacheHit found = (ticket(keyString) != ticket) ? lookAgain.get() : null;
			T value = (found != null) ? (T) found.value() : load.call();
			if (found == null) {
				this.ended.incrementAndGet(stripe(keyString));
			}
			mine.future().complete(value);
			return value;
		}
		catch (Throwable ex) {
			mine.future().completeExceptionally(ex);
			throw ex;
		}
		finally {
			this.loading.remove(keyString, mine);
		}
	}

	/**
	 * Starts loading a key unless a load of it is under way, whose result is then shared.
	 * @param <T> the value type
	 * @param keyString the key
	 * @param ticket the ticket taken before the lookup that missed
	 * @param lookAgain looks the key up again; called only when a load ended since the
	 * ticket was taken
	 * @param loader starts the load
	 * @param store stores the loaded value, on the thread that completes the loader's
	 * future, before the returned future completes
	 * @return a future of the value, or of the loader's failure
	 */
	@SuppressWarnings("unchecked")
	<T extends @Nullable Object> CompletableFuture<T> loadAsync(String keyString, long ticket,
			Supplier<@Nullable CacheHit> lookAgain, Supplier<CompletableFuture<T>> loader, Consumer<T> store) {
		Load mine = new Load(new CompletableFuture<>(), null);
		Load running = this.loading.putIfAbsent(keyString, mine);
		if (running != null) {
			return (CompletableFuture<T>) running.future().thenApply((value) -> value);
		}
		CompletableFuture<T> started;
		try {
			CacheHit found = (ticket(keyString) != ticket) ? lookAgain.get() : null;
			if (found != null) {
				this.loading.remove(keyString, mine);
				mine.future().complete(found.value());
				return CompletableFuture.<T>completedFuture((T) found.value());
			}
			started = Objects.requireNonNull(loader.get(), "the loader returned no CompletableFuture");
		}
		catch (Throwable ex) {
			this.loading.remove(keyString, mine);
			mine.future().completeExceptionally(ex);
			return CompletableFuture.failedFuture(ex);
		}
		return started.whenComplete((value, failure) -> {
			try {
				if (failure == null) {
					store.accept(value);
					this.ended.incrementAndGet(stripe(keyString));
				}
			}
			finally {
				this.loading.remove(keyString, mine);
				if (failure == null) {
					mine.future().complete(value);
				}
				else {
					mine.future().completeExceptionally(unwrap(failure));
				}
			}
		});
	}

	private static int stripe(String keyString) {
		return keyString.hashCode() & (STRIPES - 1);
	}

	private static Exception rethrowable(@Nullable Throwable failure) {
		if (failure instanceof Exception exception) {
			return exception;
		}
		if (failure instanceof Error error) {
			throw error;
		}
		return new IllegalStateException("loader failed", failure);
	}

	private static Throwable unwrap(Throwable failure) {
		return (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause() : failure;
	}

	/**
	 * A load under way: its result, and the thread running a synchronous loader.
	 */
	private record Load(CompletableFuture<@Nullable Object> future, @Nullable Thread owner) {

	}

}
