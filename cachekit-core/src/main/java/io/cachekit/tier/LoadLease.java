package io.cachekit.tier;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import com.github.benmanes.caffeine.cache.Ticker;
import io.cachekit.backend.AddIfAbsent;
import io.cachekit.backend.Backend;
import io.cachekit.backend.BackendException;
import org.jspecify.annotations.Nullable;

/**
 * One load of a missing key in the whole cluster: before loading, a process adds a lease
 * key next to the entry ({@link CacheKeys#leaseKey}) with a random token and a short TTL,
 * atomically through {@link AddIfAbsent}.
 *
 * <p>
 * The process that adds it loads, writes the entry, then releases the lease: it reads the
 * lease and deletes it only if it still holds its own token. Between that read and the
 * delete the lease may expire and be taken by another process, whose lease is then
 * deleted: the cost is at most one more load of the key, by a third process. Processes
 * that find the lease taken look for the entry in L2 after a pause that starts at the
 * initial poll interval and doubles up to the longest (each jittered down by up to half),
 * trying the lease again each time; once the maximum wait has passed they load
 * themselves. A holder that dies mid-load holds the others up for at most the lease TTL
 * (plus one poll interval).
 *
 * <p>
 * Never blocks forever and never throws to the caller: without the lease setting, without
 * {@link AddIfAbsent}, with the generation unknown, or when L2 fails or the circuit is
 * open, the caller loads at once. The asynchronous form never blocks a thread while it
 * waits: each look at L2 is scheduled on the cache's executor. Thread-safe.
 */
final class LoadLease {

	private final @Nullable AddIfAbsent add;

	private final @Nullable Backend backend;

	private final CacheKeys keys;

	private final GenerationTracker generations;

	private final RemoteTier l2;

	private final Duration ttl;

	private final long maxWaitNanos;

	private final long pollInitialNanos;

	private final long pollMaxNanos;

	private final Ticker ticker;

	private final Executor executor;

	/** Leases taken, for tests and diagnostics. */
	final LongAdder taken = new LongAdder();

	/** Waits that ended because the maximum wait passed. */
	final LongAdder waitedOut = new LongAdder();

	/**
	 * Creates the role.
	 * @param configuration the cache's settings
	 * @param backend the backend behind the circuit breaker, or {@code null}
	 * @param keys the cache's keys
	 * @param generations the cache's generation
	 * @param l2 the remote tier, which counts and logs L2 failures
	 * @param ticker the time source of the maximum wait
	 * @param executor runs the asynchronous looks at L2
	 */
	LoadLease(CacheConfiguration configuration, @Nullable Backend backend, CacheKeys keys,
			GenerationTracker generations, RemoteTier l2, Ticker ticker, Executor executor) {
		this.backend = backend;
		this.add = (configuration.leaseEnabled() && backend != null)
				? backend.capability(AddIfAbsent.class).orElse(null) : null;
		this.keys = keys;
		this.generations = generations;
		this.l2 = l2;
		this.ttl = configuration.leaseTtl();
		this.maxWaitNanos = configuration.leaseMaxWait().toNanos();
		this.pollInitialNanos = configuration.leasePollInitial().toNanos();
		this.pollMaxNanos = configuration.leasePollMax().toNanos();
		this.ticker = ticker;
		this.executor = executor;
	}

	/**
	 * Tells whether loads take a lease: the setting is on and L2 can add atomically.
	 * @return {@code true} when they do
	 */
	boolean isActive() {
		return this.add != null;
	}

	/**
	 * Loads a key under the lease, or waits for the holder's entry.
	 * @param <T> the value type
	 * @param keyString the key
	 * @param readL2 reads the key's entry from L2 (filling L1)
	 * @param load loads the value and writes it; runs on this thread
	 * @return the loaded value, or the value the holder wrote
	 * @throws Exception what {@code load} threw; an interrupt while waiting ends the
	 * wait, and the caller loads with its interrupt flag set
	 */
	@SuppressWarnings({ "unchecked", "NullAway" })
	<T extends @Nullable Object> T load(String keyString, Supplier<@Nullable CacheHit> readL2, Callable<T> load)
			throws Exception {
		Attempt attempt = attempt(keyString);
		if (attempt == null) {
			return load.call();
		}
		while (true) {
			Boolean won = attempt.acquire();
			if (won == null) {
				return load.call();
			}
			if (won) {
				try {
					return load.call();
				}
				finally {
					attempt.release();
				}
			}
			long pause = attempt.nextPause();
			if (pause <= 0) {
				return load.call();
			}
			try {
				TimeUnit.NANOSECONDS.sleep(pause);
			}
			catch (InterruptedException ex) {
				// Stop waiting, not the call: load, and leave the interrupt to the
				// loader.
				Thread.currentThread().interrupt();
				return load.call();
			}
			CacheHit hit = readL2.get();
			if (hit != null) {
				return (T) hit.value();
			}
		}
	}

	/**
	 * Loads a key under the lease, or waits for the holder's entry, without blocking a
	 * thread: the lease and L2 are used on the cache's executor.
	 * @param <T> the value type
	 * @param keyString the key
	 * @param readL2 reads the key's entry from L2 (filling L1)
	 * @param load starts loading the value; its future completes once the value is
	 * written
	 * @return a future of the loaded value, or of the value the holder wrote
	 */
	<T extends @Nullable Object> CompletableFuture<T> loadAsync(String keyString, Supplier<@Nullable CacheHit> readL2,
			Supplier<CompletableFuture<T>> load) {
		Attempt attempt = attempt(keyString);
		if (attempt == null) {
			return load.get();
		}
		CompletableFuture<T> result = new CompletableFuture<>();
		run(this.executor, () -> step(attempt, readL2, load, result), load, result);
		return result;
	}

	/**
	 * Takes the lease of a key for a background reload, without waiting.
	 * @param keyString the key
	 * @return the taken lease to release, {@link Claim#NONE} when no lease is used (the
	 * caller may load), or {@code null} when another process holds it
	 */
	@Nullable Claim tryClaim(String keyString) {
		Attempt attempt = attempt(keyString);
		if (attempt == null) {
			return Claim.NONE;
		}
		Boolean won = attempt.acquire();
		if (won == null) {
			return Claim.NONE;
		}
		return won ? attempt::release : null;
	}

	private <T extends @Nullable Object> void step(Attempt attempt, Supplier<@Nullable CacheHit> readL2,
			Supplier<CompletableFuture<T>> load, CompletableFuture<T> result) {
		Boolean won = attempt.acquire();
		if (won == null) {
			forward(load.get(), result);
			return;
		}
		if (won) {
			CompletableFuture<T> loading;
			try {
				loading = Objects.requireNonNull(load.get(), "the loader returned no CompletableFuture");
			}
			catch (Throwable ex) {
				run(this.executor, attempt::release);
				result.completeExceptionally(ex);
				return;
			}
			loading.whenComplete((value, failure) -> run(this.executor, attempt::release));
			forward(loading, result);
			return;
		}
		long pause = attempt.nextPause();
		if (pause <= 0) {
			forward(load.get(), result);
			return;
		}
		Runnable look = () -> {
			CacheHit hit = readL2.get();
			if (hit != null) {
				@SuppressWarnings("unchecked")
				T value = (T) hit.value();
				result.complete(value);
			}
			else {
				step(attempt, readL2, load, result);
			}
		};
		// The JDK's delay thread only waits; the look is handed to the cache's executor
		// from there, through run(...), so that a refusal loads instead of being dropped
		// on the delay thread (which would leave the result never completed).
		Executor later = CompletableFuture.delayedExecutor(pause, TimeUnit.NANOSECONDS, Runnable::run);
		run(later, () -> run(this.executor, look, load, result), load, result);
	}

	/**
	 * Runs a step on an executor; when the executor refuses it or the step throws, the
	 * caller loads at once instead (never a failure of the cache's own making).
	 */
	private static <T extends @Nullable Object> void run(Executor executor, Runnable step,
			Supplier<CompletableFuture<T>> load, CompletableFuture<T> result) {
		Runnable guarded = () -> {
			try {
				step.run();
			}
			catch (Throwable ex) {
				if (!result.isDone()) {
					result.completeExceptionally(ex);
				}
			}
		};
		try {
			executor.execute(guarded);
		}
		catch (RuntimeException ex) {
			// Saturated or shut down: load on this thread rather than fail the call.
			try {
				forward(load.get(), result);
			}
			catch (Throwable failure) {
				result.completeExceptionally(failure);
			}
		}
	}

	private static void run(Executor executor, Runnable task) {
		try {
			executor.execute(task);
		}
		catch (RuntimeException ex) {
			task.run();
		}
	}

	private static <T extends @Nullable Object> void forward(CompletableFuture<T> from, CompletableFuture<T> to) {
		Objects.requireNonNull(from, "the loader returned no CompletableFuture").whenComplete((value, failure) -> {
			if (failure != null) {
				to.completeExceptionally(failure);
			}
			else {
				to.complete(value);
			}
		});
	}

	private @Nullable Attempt attempt(String keyString) {
		if (this.add == null) {
			return null;
		}
		long generation = this.generations.current();
		if (generation == Generation.UNKNOWN) {
			return null;
		}
		return new Attempt(this.keys.leaseKey(generation, keyString));
	}

	/**
	 * A lease this process took, to release once the value is written.
	 */
	@FunctionalInterface
	interface Claim {

		/** No lease was needed: L2 cannot hold one now, or the setting is off. */
		Claim NONE = () -> {
		};

		void release();

	}

	/**
	 * One caller's attempts at the lease of one key.
	 */
	private final class Attempt {

		private final String leaseKey;

		private final byte[] token = UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII);

		private final long deadline = LoadLease.this.ticker.read() + LoadLease.this.maxWaitNanos;

		private long pause = LoadLease.this.pollInitialNanos;

		Attempt(String leaseKey) {
			this.leaseKey = leaseKey;
		}

		/**
		 * Tries to add the lease.
		 * @return {@code TRUE} when taken, {@code FALSE} when held by another,
		 * {@code null} when L2 failed or the circuit is open
		 */
		@Nullable Boolean acquire() {
			try {
				boolean won = Objects.requireNonNull(LoadLease.this.add)
					.addIfAbsent(this.leaseKey, this.token, LoadLease.this.ttl);
				LoadLease.this.l2.succeeded();
				if (won) {
					LoadLease.this.taken.increment();
				}
				return won;
			}
			catch (BackendException ex) {
				LoadLease.this.l2.failed(ex);
				return null;
			}
		}

		/**
		 * Deletes the lease if it still holds this attempt's token; a failure leaves it
		 * to expire.
		 */
		void release() {
			Backend backend = Objects.requireNonNull(LoadLease.this.backend);
			try {
				byte[] held = backend.get(this.leaseKey);
				if (held != null && Arrays.equals(held, this.token)) {
					backend.delete(this.leaseKey);
				}
			}
			catch (BackendException ex) {
				LoadLease.this.l2.failed(ex);
			}
		}

		/**
		 * Returns the next pause before looking at L2 again.
		 * @return the pause in nanoseconds, zero or less once the maximum wait passed
		 */
		long nextPause() {
			long left = this.deadline - LoadLease.this.ticker.read();
			if (left <= 0) {
				LoadLease.this.waitedOut.increment();
				return 0;
			}
			long jittered = this.pause - ThreadLocalRandom.current().nextLong(this.pause / 2 + 1);
			this.pause = Math.min(this.pause * 2, LoadLease.this.pollMaxNanos);
			return Math.max(1, Math.min(jittered, left));
		}

	}

}
