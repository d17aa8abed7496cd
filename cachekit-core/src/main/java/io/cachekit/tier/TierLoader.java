package io.cachekit.tier;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * The loading path of a {@link TieredCache}: what happens when a call that carries a
 * loader misses, or hits an entry due for refresh.
 *
 * <p>
 * A miss loads once per key in this process ({@link SingleFlight}), then once in the
 * cluster when the lease is on ({@link LoadLease}); the loaded value is stored through
 * the {@link TierWriter} before the lease is released. When the calling thread's read of
 * the key timed out in L2, the synchronous path takes no lease and keeps the value out of
 * L2 ({@link TierWriter#populate}), so that the call waits for L2 at most once. A loader
 * that fails is answered with a stale entry when serve-stale keeps one
 * ({@link TierReader#staleAfterFailedLoad}), else its exception reaches the caller and
 * nothing is cached. A hit late in its TTL is reloaded in the background
 * ({@link RefreshAhead}). The synchronous and the asynchronous
 * ({@code CompletableFuture}) paths do the same; the asynchronous one never blocks a
 * thread while it waits. Thread-safe.
 */
final class TierLoader {

	private final SingleFlight loads;

	private final LoadLease lease;

	private final RefreshAhead refresh;

	private final TierReader reader;

	private final TierWriter writer;

	private final Executor executor;

	/**
	 * The cache's executor, or the calling thread when it refuses: where a value an
	 * asynchronous loader produced is stored, so that L2 is never called on the thread
	 * that completed the loader's future (an event loop, perhaps the L2 client's own).
	 */
	private final Executor storing;

	TierLoader(SingleFlight loads, LoadLease lease, RefreshAhead refresh, TierReader reader, TierWriter writer,
			Executor executor) {
		this.loads = loads;
		this.lease = lease;
		this.refresh = refresh;
		this.reader = reader;
		this.writer = writer;
		this.executor = executor;
		this.storing = (task) -> {
			try {
				executor.execute(task);
			}
			catch (RejectedExecutionException ex) {
				task.run();
			}
		};
	}

	/**
	 * Returns the key's load ticket, taken before the lookup that missed: a load that
	 * ended after it makes {@link #load} look again instead of loading.
	 * @param keyString the key
	 * @return the ticket
	 */
	long ticket(String keyString) {
		return this.loads.ticket(keyString);
	}

	/**
	 * Loads a key that missed, stores the value and returns it.
	 * @param <T> the value type
	 * @param keyString the key
	 * @param ticket the ticket taken before the lookup
	 * @param loader computes the value
	 * @return the loaded (or, after a failed load, stale) value
	 * @throws Exception what the loader threw, when no stale entry can answer
	 */
	<T> @Nullable T load(String keyString, long ticket, Callable<? extends @Nullable T> loader) throws Exception {
		return this.loads.load(keyString, ticket, () -> this.reader.lookAgain(keyString), () -> {
			if (this.reader.timedOut(keyString)) {
				// L2 did not answer the read: the call does not wait for it again for a
				// lease, and the value stays out of L2.
				return loadOrStale(keyString, loader);
			}
			return this.lease.load(keyString, () -> this.reader.readL2(keyString),
					() -> loadOrStale(keyString, loader));
		});
	}

	/**
	 * Loads a key that missed without blocking, stores the value and completes with it.
	 * @param <T> the value type
	 * @param keyString the key
	 * @param ticket the ticket taken before the lookup
	 * @param loader starts the computation of the value
	 * @return a future of the loaded (or stale) value, or of the loader's failure
	 */
	<T> CompletableFuture<T> loadAsync(String keyString, long ticket, Supplier<CompletableFuture<T>> loader) {
		return this.loads
			.loadAsync(
					keyString, ticket, () -> this.reader.lookAgain(keyString), () -> this.lease.loadAsync(keyString,
							() -> this.reader.readL2(keyString), () -> loadAndStoreOrStale(keyString, loader)),
					(value) -> {
						// Stored by loadAndStoreOrStale, before the lease is released.
					});
	}

	/**
	 * Reloads a hit in the background when it is late in its TTL and refresh-ahead is on.
	 * @param <T> the value type
	 * @param keyString the key
	 * @param found the hit
	 * @param loader computes the new value
	 */
	<T> void refreshAfterHit(String keyString, TierReader.Found found, Callable<? extends @Nullable T> loader) {
		this.refresh.afterHit(keyString, found, () -> reload(keyString, loader));
	}

	/**
	 * Reloads a hit in the background when it is late in its TTL and refresh-ahead is on.
	 * @param <T> the value type
	 * @param keyString the key
	 * @param found the hit
	 * @param loader starts the computation of the new value
	 */
	<T> void refreshAfterHit(String keyString, TierReader.Found found, Supplier<CompletableFuture<T>> loader) {
		this.refresh.afterHit(keyString, found, () -> {
			long seen = this.writer.stamp(keyString);
			return Objects.requireNonNull(loader.get(), "the loader returned no CompletableFuture")
				.thenApplyAsync((value) -> {
					this.writer.storeIfUnchanged(keyString, value, seen);
					return value;
				}, this.storing);
		});
	}

	/**
	 * Loads and stores a value; when the loader fails and serve-stale has an entry, that
	 * is the answer instead of the failure.
	 */
	@SuppressWarnings("unchecked")
	private <T> CompletableFuture<T> loadAndStoreOrStale(String keyString, Supplier<CompletableFuture<T>> loader) {
		return Objects.requireNonNull(loader.get(), "the loader returned no CompletableFuture")
			.handleAsync((value, failure) -> {
				CompletableFuture<T> next;
				if (failure == null) {
					this.writer.store(keyString, value);
					next = CompletableFuture.completedFuture(value);
				}
				else {
					next = this.reader.servesStale() ? this.<T>staleOr(keyString, unwrap(failure))
							: CompletableFuture.<T>failedFuture(unwrap(failure));
				}
				return next;
			}, this.storing)
			.thenCompose((next) -> next);
	}

	/**
	 * Answers a stale entry for a key whose loader failed, or the failure. Looking may go
	 * to L2, so it runs on the executor: a loader that failed at once completes on the
	 * caller's thread.
	 */
	@SuppressWarnings("unchecked")
	private <T> CompletableFuture<T> staleOr(String keyString, Throwable failure) {
		CompletableFuture<TierReader.@Nullable Found> stale;
		try {
			stale = CompletableFuture.supplyAsync(() -> this.reader.staleAfterFailedLoad(keyString), this.executor);
		}
		catch (RejectedExecutionException ex) {
			return CompletableFuture.failedFuture(failure);
		}
		return stale.exceptionally((lookFailed) -> {
			failure.addSuppressed(unwrap(lookFailed));
			return null;
		})
			.thenCompose((found) -> (found != null) ? CompletableFuture.completedFuture((T) found.hit().value())
					: CompletableFuture.<T>failedFuture(failure));
	}

	@SuppressWarnings("unchecked")
	private <T> @Nullable T loadOrStale(String keyString, Callable<? extends @Nullable T> loader) throws Exception {
		T value;
		try {
			value = loader.call();
		}
		catch (Exception ex) {
			TierReader.Found stale;
			try {
				stale = this.reader.staleAfterFailedLoad(keyString);
			}
			catch (RuntimeException lookFailed) {
				// A CacheIntegrityException (fail-mode closed) must not replace the
				// loader's failure, which is the answer.
				ex.addSuppressed(lookFailed);
				throw ex;
			}
			if (stale != null) {
				return (T) stale.hit().value();
			}
			throw ex;
		}
		// After a read of the key that timed out, the value is not written to L2: the
		// call has waited for L2 once already.
		this.writer.populate(keyString, value);
		return value;
	}

	/**
	 * Reloads a key for refresh-ahead; the value is stored only if the key did not change
	 * meanwhile (a put or evict here, or another instance's change), so a reload never
	 * overwrites a newer value.
	 */
	private <T> CompletableFuture<?> reload(String keyString, Callable<? extends @Nullable T> loader) {
		long seen = this.writer.stamp(keyString);
		try {
			T value = loader.call();
			this.writer.storeIfUnchanged(keyString, value, seen);
			return CompletableFuture.completedFuture(value);
		}
		catch (Exception ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	private static Throwable unwrap(Throwable failure) {
		return (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause() : failure;
	}

}
