package io.cachekit.tier;

import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.function.UnaryOperator;

import com.github.benmanes.caffeine.cache.Ticker;
import io.cachekit.backend.Backend;
import io.cachekit.codec.ValueCodec;
import org.jspecify.annotations.Nullable;

/**
 * Builds a {@link TieredCache} from a {@link CacheConfiguration} and what the cache runs
 * on. Not thread-safe.
 */
public final class TieredCacheBuilder {

	final String name;

	CacheConfiguration configuration = CacheConfiguration.defaults();

	@Nullable Backend backend;

	@Nullable ValueCodec codec;

	@Nullable CircuitBreaker circuitBreaker;

	FailMode failMode = FailMode.OPEN;

	@Nullable CacheTags tags;

	Clock clock = Clock.systemUTC();

	Ticker ticker = Ticker.systemTicker();

	Executor executor = ForkJoinPool.commonPool();

	TieredCacheBuilder(String name) {
		Objects.requireNonNull(name, "name must not be null");
		if (name.isBlank()) {
			throw new IllegalArgumentException("name must not be blank");
		}
		this.name = name;
	}

	/**
	 * Sets the cache's configuration; {@link CacheConfiguration#defaults()} unless set.
	 * @param configuration the configuration
	 * @return this builder
	 */
	public TieredCacheBuilder configuration(CacheConfiguration configuration) {
		this.configuration = Objects.requireNonNull(configuration, "configuration must not be null");
		return this;
	}

	/**
	 * Changes the configuration set so far, for example
	 * {@code configure((c) -> c.withTtl(Duration.ofMinutes(5)))}.
	 * @param change answers the new configuration from the current one
	 * @return this builder
	 */
	public TieredCacheBuilder configure(UnaryOperator<CacheConfiguration> change) {
		return configuration(change.apply(this.configuration));
	}

	/**
	 * Sets the L2 backend; without one the cache is L1 only.
	 * @param backend the backend, or {@code null} for none
	 * @return this builder
	 */
	public TieredCacheBuilder backend(@Nullable Backend backend) {
		this.backend = backend;
		return this;
	}

	/**
	 * Sets the codec that writes values for L2 and measures them for L1. Required.
	 * @param codec the codec
	 * @return this builder
	 */
	public TieredCacheBuilder codec(ValueCodec codec) {
		this.codec = Objects.requireNonNull(codec, "codec must not be null");
		return this;
	}

	/**
	 * Sets what a read does with an L2 entry that fails its integrity or authenticity
	 * check; {@link FailMode#OPEN} (a miss) unless set.
	 * @param failMode the mode
	 * @return this builder
	 */
	public TieredCacheBuilder failMode(FailMode failMode) {
		this.failMode = Objects.requireNonNull(failMode, "failMode must not be null");
		return this;
	}

	/**
	 * Sets the circuit breaker in front of L2, to share one among the caches of one
	 * backend. Without one, the cache has its own with the default settings.
	 * @param circuitBreaker the breaker
	 * @return this builder
	 */
	public TieredCacheBuilder circuitBreaker(CircuitBreaker circuitBreaker) {
		this.circuitBreaker = Objects.requireNonNull(circuitBreaker, "circuitBreaker must not be null");
		return this;
	}

	/**
	 * Sets the tags this cache shares with the other caches of the application, so that
	 * evicting a tag evicts its entries in all of them. Without them, the cache has tags
	 * of its own over its backend ({@link TieredCache#tags()}).
	 * @param tags the tags
	 * @return this builder
	 */
	public TieredCacheBuilder tags(CacheTags tags) {
		this.tags = Objects.requireNonNull(tags, "tags must not be null");
		return this;
	}

	/**
	 * Sets the clock of the expiry times written to L2.
	 * @param clock the clock
	 * @return this builder
	 */
	public TieredCacheBuilder clock(Clock clock) {
		this.clock = Objects.requireNonNull(clock, "clock must not be null");
		return this;
	}

	/**
	 * Sets the time source of L1 expiry and of the generation refresh.
	 * @param ticker the ticker
	 * @return this builder
	 */
	public TieredCacheBuilder ticker(Ticker ticker) {
		this.ticker = Objects.requireNonNull(ticker, "ticker must not be null");
		return this;
	}

	/**
	 * Sets the executor of {@code retrieve}'s generation refreshes and L2 reads, of the
	 * sweeps of L1 entries past their deadline, and of coherence's publishes and the
	 * journal reads a pushed invalidation asks for (which must not run on the backend's
	 * listener thread). Tests pass {@code Runnable::run} to make all of these
	 * synchronous.
	 * @param executor the executor
	 * @return this builder
	 */
	public TieredCacheBuilder executor(Executor executor) {
		this.executor = Objects.requireNonNull(executor, "executor must not be null");
		return this;
	}

	/**
	 * Creates the cache.
	 * @return the cache
	 * @throws IllegalStateException when no codec was set
	 */
	public TieredCache build() {
		if (this.codec == null) {
			throw new IllegalStateException("codec must be set: use MessagePackCodec.withDefaults() or your own");
		}
		return new TieredCache(this);
	}

}
