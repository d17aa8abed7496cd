package io.cachekit.metrics;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

import io.cachekit.backend.AddIfAbsent;
import io.cachekit.backend.Backend;
import io.cachekit.backend.BackendErrorType;
import io.cachekit.backend.BackendException;
import io.cachekit.backend.BackendOperation;
import io.cachekit.backend.BulkGet;
import io.cachekit.backend.ForwardingBackend;
import io.cachekit.backend.Increment;
import io.cachekit.backend.TtlInspection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Backend} that measures another: a {@code cachekit.backend.latency} timer per
 * operation and a {@code cachekit.backend.errors} counter per operation and
 * {@link BackendErrorType}, both tagged {@code backend} with the wrapped backend's type.
 *
 * <p>
 * Passes the wrapped backend's capabilities through, measured too when they are one of
 * {@link AddIfAbsent}, {@link BulkGet}, {@link Increment} and {@link TtlInspection}, and
 * unmeasured when they are another kind. Results and exceptions are the wrapped
 * backend's, unchanged. A failing registry never breaks an operation. Closing it closes
 * the wrapped backend when that is {@link AutoCloseable}.
 */
public final class MeteredBackend extends ForwardingBackend implements AutoCloseable {

	private final Map<BackendOperation, Timer> timers = new EnumMap<>(BackendOperation.class);

	private final Map<BackendOperation, Map<BackendErrorType, Counter>> errors = new EnumMap<>(BackendOperation.class);

	/**
	 * Wraps a backend.
	 * @param delegate the backend to measure
	 * @param backendType the tag value naming it, such as {@code memcached}
	 * @param registry where the meters are registered
	 */
	public MeteredBackend(Backend delegate, String backendType, MeterRegistry registry) {
		super(delegate);
		for (BackendOperation operation : BackendOperation.values()) {
			String tag = operation.name().toLowerCase(java.util.Locale.ROOT);
			this.timers.put(operation,
					Timer.builder("cachekit.backend.latency")
						.description("Latency of backend operations")
						.tag("backend", backendType)
						.tag("operation", tag)
						.register(registry));
			Map<BackendErrorType, Counter> counters = new EnumMap<>(BackendErrorType.class);
			for (BackendErrorType type : BackendErrorType.values()) {
				counters.put(type,
						Counter.builder("cachekit.backend.errors")
							.description("Failed backend operations, by error type")
							.tag("backend", backendType)
							.tag("operation", tag)
							.tag("type", type.name())
							.register(registry));
			}
			this.errors.put(operation, counters);
		}
	}

	/**
	 * Closes the wrapped backend when it is {@link AutoCloseable}.
	 * @throws IllegalStateException when closing it failed with a checked exception
	 */
	@Override
	public void close() {
		if (getDelegate() instanceof AutoCloseable closeable) {
			try {
				closeable.close();
			}
			catch (RuntimeException ex) {
				throw ex;
			}
			catch (Exception ex) {
				if (ex instanceof InterruptedException) {
					Thread.currentThread().interrupt();
				}
				throw new IllegalStateException("closing " + getDelegate() + " failed", ex);
			}
		}
	}

	@Override
	public String toString() {
		return "Metered" + getDelegate();
	}

	@Override
	protected <T extends @Nullable Object> T call(BackendOperation operation, @Nullable String key, Supplier<T> call) {
		long start = System.nanoTime();
		try {
			return call.get();
		}
		catch (BackendException ex) {
			record(() -> errors(operation, ex.getErrorType()).increment());
			throw ex;
		}
		finally {
			long elapsed = System.nanoTime() - start;
			record(() -> timer(operation).record(elapsed, java.util.concurrent.TimeUnit.NANOSECONDS));
		}
	}

	private Timer timer(BackendOperation operation) {
		return Objects.requireNonNull(this.timers.get(operation), "every operation has a timer");
	}

	private Counter errors(BackendOperation operation, BackendErrorType type) {
		Map<BackendErrorType, Counter> counters = Objects.requireNonNull(this.errors.get(operation),
				"every operation has error counters");
		return Objects.requireNonNull(counters.get(type), "every error type has a counter");
	}

	private static void record(Runnable meter) {
		try {
			meter.run();
		}
		catch (RuntimeException ex) {
			// A broken meter registry must not break the cache call.
		}
	}

}
