package io.cachekit.test;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;

import io.cachekit.backend.Backend;
import io.cachekit.backend.BackendErrorType;
import io.cachekit.backend.BackendException;
import io.cachekit.backend.BackendOperation;
import io.cachekit.backend.ForwardingBackend;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Backend} that passes every call to another one, and fails, hangs, delays or
 * damages calls when a test tells it to.
 *
 * <p>
 * Faults apply to the five operations and to every capability of the wrapped backend
 * ({@link #health()} is never faulted). Each fault is chosen by a {@link Selector}: all
 * calls, one operation, or calls whose key matches. Counts every call by operation, so a
 * test can assert how many round trips something took. Thread-safe.
 *
 * <pre>{@code
 * FaultInjectingBackend l2 = FaultInjectingBackend.wrap(InMemoryBackend.create(time));
 * l2.fail(BackendErrorType.TRANSIENT);            // every call fails until heal()
 * l2.failNext(2, BackendErrorType.TIMEOUT);         // the next two calls fail
 * Gate gate = l2.hold(Selector.operation(BackendOperation.GET), true); // next GET waits
 * l2.corruptReads(0);                               // every value read has a flipped bit
 * }</pre>
 */
public final class FaultInjectingBackend extends ForwardingBackend {

	private final AtomicReference<@Nullable BackendErrorType> failing = new AtomicReference<>();

	private final AtomicReference<Selector> failingSelector = new AtomicReference<>(Selector.all());

	private final AtomicInteger failuresLeft = new AtomicInteger();

	private final AtomicReference<@Nullable BackendErrorType> failNextType = new AtomicReference<>();

	private final AtomicLong delayNanos = new AtomicLong();

	private final AtomicReference<@Nullable Gate> gate = new AtomicReference<>();

	private volatile int corruptByte = -1;

	private final Map<BackendOperation, AtomicLong> calls = new EnumMap<>(BackendOperation.class);

	private FaultInjectingBackend(Backend delegate) {
		super(delegate);
		for (BackendOperation operation : BackendOperation.values()) {
			this.calls.put(operation, new AtomicLong());
		}
	}

	/**
	 * Wraps a backend, with no fault yet.
	 * @param delegate the backend that answers calls
	 * @return the faulting backend
	 */
	public static FaultInjectingBackend wrap(Backend delegate) {
		return new FaultInjectingBackend(delegate);
	}

	/**
	 * Makes every call fail with {@code type} until {@link #heal()}.
	 * @param type the kind of failure
	 * @return this backend
	 */
	public FaultInjectingBackend fail(BackendErrorType type) {
		return fail(type, Selector.all());
	}

	/**
	 * Makes the selected calls fail with {@code type} until {@link #heal()}.
	 * @param type the kind of failure
	 * @param selector which calls fail
	 * @return this backend
	 */
	public FaultInjectingBackend fail(BackendErrorType type, Selector selector) {
		this.failingSelector.set(Objects.requireNonNull(selector, "selector must not be null"));
		this.failing.set(Objects.requireNonNull(type, "type must not be null"));
		return this;
	}

	/**
	 * Makes the next {@code count} calls fail with {@code type}.
	 * @param count how many calls
	 * @param type the kind of failure
	 * @return this backend
	 */
	public FaultInjectingBackend failNext(int count, BackendErrorType type) {
		this.failNextType.set(Objects.requireNonNull(type, "type must not be null"));
		this.failuresLeft.set(count);
		return this;
	}

	/**
	 * Makes every call take at least this long more (a real sleep).
	 * @param delay the added time, zero for none
	 * @return this backend
	 */
	public FaultInjectingBackend delay(Duration delay) {
		this.delayNanos.set(delay.toNanos());
		return this;
	}

	/**
	 * Makes every value read ({@code get}) come back with one bit flipped in one byte, as
	 * a damaged entry would.
	 * @param byteIndex the byte to damage (0 is the first; an index past the end damages
	 * the last byte), or -1 for none
	 * @return this backend
	 */
	public FaultInjectingBackend corruptReads(int byteIndex) {
		this.corruptByte = byteIndex;
		return this;
	}

	/**
	 * Holds the next selected call at a gate until the test releases it, as a hung server
	 * would.
	 * @param selector which call to hold
	 * @param afterCall {@code true} to hold it after the wrapped backend answered (so the
	 * answer predates anything the test does meanwhile), {@code false} before
	 * @return the gate, to wait until the call reached it and to release it
	 */
	public Gate hold(Selector selector, boolean afterCall) {
		Gate held = new Gate(selector, afterCall);
		this.gate.set(held);
		return held;
	}

	/**
	 * Removes every fault and releases any held call.
	 * @return this backend
	 */
	public FaultInjectingBackend heal() {
		this.failing.set(null);
		this.failuresLeft.set(0);
		this.delayNanos.set(0);
		this.corruptByte = -1;
		Gate held = this.gate.getAndSet(null);
		if (held != null) {
			held.release();
		}
		return this;
	}

	/**
	 * Returns how many calls of an operation were made, faulted ones included.
	 * @param operation the operation
	 * @return the count
	 */
	public long calls(BackendOperation operation) {
		return this.calls.get(operation).get();
	}

	@Override
	@SuppressWarnings("unchecked")
	protected <T extends @Nullable Object> T call(BackendOperation operation, @Nullable String key, Supplier<T> call) {
		if (operation == BackendOperation.HEALTH) {
			return call.get();
		}
		this.calls.get(operation).incrementAndGet();
		sleep(this.delayNanos.get());
		Gate held = this.gate.get();
		boolean holds = held != null && held.selector.matches(operation, key) && this.gate.compareAndSet(held, null);
		if (holds && !held.afterCall) {
			held.await();
		}
		BackendErrorType type = this.failing.get();
		if (type != null && this.failingSelector.get().matches(operation, key)) {
			throw failure(type, operation, key);
		}
		if (this.failuresLeft.getAndUpdate((left) -> Math.max(0, left - 1)) > 0) {
			throw failure(Objects.requireNonNull(this.failNextType.get()), operation, key);
		}
		T result = call.get();
		if (holds && held.afterCall) {
			held.await();
		}
		int corrupt = this.corruptByte;
		if (corrupt >= 0 && operation == BackendOperation.GET && result instanceof byte[] bytes && bytes.length > 0) {
			byte[] damaged = bytes.clone();
			damaged[Math.min(corrupt, damaged.length - 1)] ^= 0x10;
			return (T) damaged;
		}
		return result;
	}

	@Override
	public String toString() {
		return "FaultInjectingBackend[" + getDelegate() + "]";
	}

	private static BackendException failure(BackendErrorType type, BackendOperation operation, @Nullable String key) {
		return new BackendException(type, operation, key, "injected " + type + " failure", null);
	}

	private static void sleep(long nanos) {
		if (nanos > 0) {
			try {
				TimeUnit.NANOSECONDS.sleep(nanos);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/**
	 * Chooses the calls a fault applies to.
	 */
	@FunctionalInterface
	public interface Selector {

		/**
		 * Tells whether a call is chosen.
		 * @param operation the call's operation
		 * @param key its key, or {@code null} for calls without one
		 * @return {@code true} when the fault applies
		 */
		boolean matches(BackendOperation operation, @Nullable String key);

		/**
		 * Chooses every call.
		 * @return the selector
		 */
		static Selector all() {
			return (operation, key) -> true;
		}

		/**
		 * Chooses the calls of one operation.
		 * @param chosen the operation
		 * @return the selector
		 */
		static Selector operation(BackendOperation chosen) {
			return (operation, key) -> operation == chosen;
		}

		/**
		 * Chooses the calls whose key matches.
		 * @param keys the key test
		 * @return the selector
		 */
		static Selector keys(Predicate<String> keys) {
			return (operation, key) -> key != null && keys.test(key);
		}

	}

	/**
	 * Where a held call waits until the test releases it.
	 */
	public static final class Gate {

		private final Selector selector;

		private final boolean afterCall;

		private final CountDownLatch reached = new CountDownLatch(1);

		private final CountDownLatch released = new CountDownLatch(1);

		private Gate(Selector selector, boolean afterCall) {
			this.selector = selector;
			this.afterCall = afterCall;
		}

		/**
		 * Waits until a call is held here.
		 * @return {@code true} when one is, {@code false} after ten seconds without
		 * @throws InterruptedException when interrupted
		 */
		public boolean awaitReached() throws InterruptedException {
			return this.reached.await(10, TimeUnit.SECONDS);
		}

		/**
		 * Lets the held call go on.
		 */
		public void release() {
			this.released.countDown();
		}

		private void await() {
			this.reached.countDown();
			try {
				if (!this.released.await(30, TimeUnit.SECONDS)) {
					throw new IllegalStateException("a held backend call was never released");
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

}
