package io.cachekit.spring;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Consumer;
import java.util.function.Function;

import com.github.benmanes.caffeine.cache.Ticker;
import io.cachekit.backend.Backend;
import io.cachekit.backend.Increment;
import io.cachekit.codec.ValueCodec;
import io.cachekit.tier.CacheConfiguration;
import io.cachekit.tier.CacheTags;
import io.cachekit.tier.CircuitBreaker;
import io.cachekit.tier.CircuitBreakerConfig;
import io.cachekit.tier.FailMode;
import io.cachekit.tier.TieredCache;
import io.cachekit.tier.TieredCacheBuilder;
import org.jspecify.annotations.Nullable;

import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.cache.transaction.TransactionAwareCacheDecorator;

/**
 * A Spring {@link CacheManager} whose caches are two-tier {@link CachekitCache}s over one
 * shared backend.
 *
 * <p>
 * Caches are created on first use with the default {@link CacheConfiguration}, or with
 * the configuration given for their name; caches named at build time exist from the
 * start. When {@linkplain Builder#disableCreateOnMissingCache() creation on demand is
 * off}, unknown names answer {@code null}. Every listener added with
 * {@link Builder#onCacheCreated(Consumer)} sees every cache as it is created, those
 * created after startup included (metrics bind this way).
 *
 * <p>
 * Every cache has the manager's codec unless {@link Builder#codecs(Function) a codec per
 * cache} is given (an encrypting codec is one cache's own: its key is derived from the
 * cache name).
 *
 * <p>
 * Thread-safe. The manager does not own the backend: whoever created it closes it, after
 * {@link #close()}.
 */
public class CachekitCacheManager implements CacheManager {

	private final @Nullable Backend backend;

	private final Function<String, ValueCodec> codecs;

	private final FailMode failMode;

	private final CacheConfiguration defaults;

	private final Map<String, CacheConfiguration> configurations;

	private final Set<String> declared;

	private final boolean createOnMissingCache;

	private final List<Consumer<CachekitCache>> listeners;

	private final Clock clock;

	private final Ticker ticker;

	private final CircuitBreaker circuitBreaker;

	/** The tags every cache shares; {@code null} when the backend keeps no counters. */
	private final @Nullable CacheTags tags;

	private final ConcurrentMap<String, CachekitCache> caches = new ConcurrentHashMap<>();

	private final Set<String> names = Collections.synchronizedSet(new LinkedHashSet<>());

	private volatile boolean transactionAware;

	private CachekitCacheManager(Builder builder) {
		this.backend = builder.backend;
		this.codecs = builder.codecs;
		this.failMode = builder.failMode;
		this.defaults = builder.defaults;
		this.configurations = Map.copyOf(builder.configurations);
		this.createOnMissingCache = builder.createOnMissingCache;
		this.listeners = List.copyOf(builder.listeners);
		this.clock = builder.clock;
		this.ticker = builder.ticker;
		this.circuitBreaker = (builder.circuitBreaker != null) ? builder.circuitBreaker
				: CircuitBreaker.create(CircuitBreakerConfig.defaults(), builder.ticker);
		this.tags = tags(this.backend, this.circuitBreaker, this.defaults, this.ticker, this.clock);
		this.declared = Set.copyOf(builder.declared);
		builder.declared.forEach(this::getCache);
	}

	/**
	 * Starts building a manager.
	 * @param backend the shared L2, or {@code null} for L1-only caches
	 * @param codec the codec of every cache, unless {@link Builder#codecs(Function)}
	 * gives each its own
	 * @return a builder
	 */
	public static Builder builder(@Nullable Backend backend, ValueCodec codec) {
		return new Builder(backend, codec);
	}

	@Override
	public @Nullable Cache getCache(String name) {
		CachekitCache cache = this.caches.get(name);
		if (cache == null) {
			if (!this.createOnMissingCache && !this.declared.contains(name)) {
				return null;
			}
			cache = this.caches.computeIfAbsent(name, this::create);
		}
		return this.transactionAware ? new TransactionAwareCacheDecorator(cache) : cache;
	}

	/**
	 * Sets whether the caches this manager hands out take part in Spring-managed
	 * transactions: puts and evictions then happen after a successful commit, as with
	 * Spring's own cache managers. Off by default; a
	 * {@code CacheManagerCustomizer<CachekitCacheManager>} is the place to turn it on.
	 * @param transactionAware whether caches are transaction-aware
	 */
	public void setTransactionAware(boolean transactionAware) {
		this.transactionAware = transactionAware;
	}

	/**
	 * Tells whether the caches this manager hands out are transaction-aware.
	 * @return {@code true} when they are
	 */
	public boolean isTransactionAware() {
		return this.transactionAware;
	}

	@Override
	public Collection<String> getCacheNames() {
		synchronized (this.names) {
			return List.copyOf(this.names);
		}
	}

	/**
	 * Returns the caches created so far.
	 * @return the caches, in creation order
	 */
	public List<CachekitCache> getCaches() {
		List<CachekitCache> created = new ArrayList<>();
		for (String name : getCacheNames()) {
			CachekitCache cache = this.caches.get(name);
			if (cache != null) {
				created.add(cache);
			}
		}
		return created;
	}

	/**
	 * Returns the backend shared by every cache.
	 * @return the backend, or {@code null} when caches are L1 only
	 */
	public @Nullable Backend getBackend() {
		return this.backend;
	}

	/**
	 * Returns the circuit breaker shared by every cache in front of the backend.
	 * @return the breaker
	 */
	public CircuitBreaker getCircuitBreaker() {
		return this.circuitBreaker;
	}

	/**
	 * Returns the configuration a cache of this name has or would have.
	 * @param name the cache name
	 * @return its configuration
	 */
	public CacheConfiguration getCacheConfiguration(String name) {
		return this.configurations.getOrDefault(name, this.defaults);
	}

	/**
	 * Ends what the caches hold on the backend beyond single calls: their subscription to
	 * other instances' pushed invalidations ({@link TieredCache#close()}). The caches
	 * keep working. Spring calls it when the context closes, before the backend is
	 * closed.
	 */
	public void close() {
		this.caches.values().forEach((cache) -> cache.getNativeCache().close());
		if (this.tags != null) {
			this.tags.close();
		}
	}

	/**
	 * Evicts every entry stored with a tag, in every cache of this manager and of the
	 * managers of other instances over the same backend: here at once, elsewhere within
	 * the generation refresh interval, or at once where the backend pushes it (Redis). No
	 * key is scanned: the tag's version counter moves ({@link CacheTags}).
	 * @param tag the tag
	 * @throws IllegalArgumentException when the tag is not valid
	 * ({@link CacheTags#check(String)})
	 * @throws IllegalStateException when the backend keeps no counters, so that no entry
	 * carries tags
	 * @throws io.cachekit.backend.BackendException when the backend failed; entries here
	 * that carry the tag are then not served until its version can be read, while other
	 * instances may still serve theirs
	 */
	public void evictTag(String tag) {
		CacheTags.check(tag);
		if (this.tags == null) {
			throw new IllegalStateException(
					"the backend keeps no counters (Increment), so no entry of this manager carries tags");
		}
		this.tags.evict(tag);
	}

	/**
	 * Returns the tags every cache of this manager shares.
	 * @return the tags, or empty when the backend keeps no counters
	 */
	public Optional<CacheTags> getTags() {
		return Optional.ofNullable(this.tags);
	}

	private static @Nullable CacheTags tags(@Nullable Backend backend, CircuitBreaker circuitBreaker,
			CacheConfiguration defaults, Ticker ticker, Clock clock) {
		if (backend != null && backend.capability(Increment.class).isEmpty()) {
			return null;
		}
		return CacheTags.create((backend != null) ? circuitBreaker.protect(backend) : null,
				defaults.generationRefresh(), ticker, clock);
	}

	private CachekitCache create(String name) {
		TieredCacheBuilder builder = TieredCache.builder(name)
			.configuration(getCacheConfiguration(name))
			.backend(this.backend)
			.codec(codec(name))
			.failMode(this.failMode)
			.circuitBreaker(this.circuitBreaker)
			.clock(this.clock)
			.ticker(this.ticker);
		if (this.tags != null) {
			builder.tags(this.tags);
		}
		CachekitCache cache = new CachekitCache(builder.build());
		this.names.add(name);
		for (Consumer<CachekitCache> listener : this.listeners) {
			listener.accept(cache);
		}
		return cache;
	}

	private ValueCodec codec(String name) {
		ValueCodec codec = this.codecs.apply(name);
		if (codec == null) {
			throw new IllegalStateException("the codec function answered null for cache '" + name + "'");
		}
		return codec;
	}

	/**
	 * Builds a {@link CachekitCacheManager}. Not thread-safe.
	 */
	public static final class Builder {

		private final @Nullable Backend backend;

		private Function<String, ValueCodec> codecs;

		private FailMode failMode = FailMode.OPEN;

		private CacheConfiguration defaults = CacheConfiguration.defaults();

		private final Map<String, CacheConfiguration> configurations = new LinkedHashMap<>();

		private final Set<String> declared = new LinkedHashSet<>();

		private boolean createOnMissingCache = true;

		private final List<Consumer<CachekitCache>> listeners = new ArrayList<>();

		private Clock clock = Clock.systemUTC();

		private Ticker ticker = Ticker.systemTicker();

		private @Nullable CircuitBreaker circuitBreaker;

		private Builder(@Nullable Backend backend, ValueCodec codec) {
			this.backend = backend;
			Objects.requireNonNull(codec, "codec must not be null");
			this.codecs = (name) -> codec;
		}

		/**
		 * Gives each cache its own codec, replacing the one the builder was started with;
		 * the function is called once per cache, as it is created.
		 * @param codecs answers the codec of a cache, from its name; never {@code null}
		 * @return this builder
		 */
		public Builder codecs(Function<String, ValueCodec> codecs) {
			this.codecs = Objects.requireNonNull(codecs, "codecs must not be null");
			return this;
		}

		/**
		 * Sets what every cache does with an L2 entry that fails its integrity or
		 * authenticity check; {@link FailMode#OPEN} (a miss) unless set. With
		 * {@link FailMode#CLOSED} the lookup throws
		 * {@link io.cachekit.tier.CacheIntegrityException}, which Spring's cache
		 * interceptor hands to its {@code CacheErrorHandler}.
		 * @param failMode the mode
		 * @return this builder
		 */
		public Builder failMode(FailMode failMode) {
			this.failMode = Objects.requireNonNull(failMode, "failMode must not be null");
			return this;
		}

		/**
		 * Sets the configuration of caches that have none of their own.
		 * @param defaults the default configuration
		 * @return this builder
		 */
		public Builder defaults(CacheConfiguration defaults) {
			this.defaults = Objects.requireNonNull(defaults, "defaults must not be null");
			return this;
		}

		/**
		 * Returns the configuration of caches that have none of their own, as set so far.
		 * @return the default configuration
		 */
		public CacheConfiguration getDefaults() {
			return this.defaults;
		}

		/**
		 * Declares a cache with its own configuration; it is created with the manager.
		 * Declaring a name again replaces its configuration.
		 * @param name the cache name
		 * @param configuration its configuration
		 * @return this builder
		 */
		public Builder cache(String name, CacheConfiguration configuration) {
			Objects.requireNonNull(name, "name must not be null");
			this.configurations.put(name, Objects.requireNonNull(configuration, "configuration must not be null"));
			this.declared.add(name);
			return this;
		}

		/**
		 * Returns the configuration declared for a cache so far.
		 * @param name the cache name
		 * @return its own configuration, or empty when it has none (it would get the
		 * defaults)
		 */
		public Optional<CacheConfiguration> getCacheConfiguration(String name) {
			return Optional.ofNullable(this.configurations.get(name));
		}

		/**
		 * Declares caches with the default configuration as it is when the manager is
		 * built; they are created with the manager. Names already declared keep their own
		 * configuration.
		 * @param names the cache names
		 * @return this builder
		 */
		public Builder cacheNames(Collection<String> names) {
			for (String name : names) {
				this.declared.add(Objects.requireNonNull(name, "names must not contain null"));
			}
			return this;
		}

		/**
		 * Returns the names of the caches declared so far.
		 * @return the names, in declaration order
		 */
		public Set<String> getCacheNames() {
			return Collections.unmodifiableSet(this.declared);
		}

		/**
		 * Stops creating caches on demand: only declared caches exist.
		 * @return this builder
		 */
		public Builder disableCreateOnMissingCache() {
			this.createOnMissingCache = false;
			return this;
		}

		/**
		 * Adds a listener called with every cache as it is created.
		 * @param listener the listener
		 * @return this builder
		 */
		public Builder onCacheCreated(Consumer<CachekitCache> listener) {
			this.listeners.add(Objects.requireNonNull(listener, "listener must not be null"));
			return this;
		}

		/**
		 * Sets the circuit breaker every cache calls the backend through; by default one
		 * with {@link CircuitBreakerConfig#defaults()}, on the ticker of
		 * {@link #time(Clock, Ticker)}.
		 * @param circuitBreaker the breaker
		 * @return this builder
		 */
		public Builder circuitBreaker(CircuitBreaker circuitBreaker) {
			this.circuitBreaker = Objects.requireNonNull(circuitBreaker, "circuitBreaker must not be null");
			return this;
		}

		/**
		 * Sets the clock and ticker of every cache, for tests.
		 * @param clock the wall clock of expiry times
		 * @param ticker the time source of L1 expiry
		 * @return this builder
		 */
		public Builder time(Clock clock, Ticker ticker) {
			this.clock = Objects.requireNonNull(clock, "clock must not be null");
			this.ticker = Objects.requireNonNull(ticker, "ticker must not be null");
			return this;
		}

		/**
		 * Creates the manager and the declared caches.
		 * @return the manager
		 */
		public CachekitCacheManager build() {
			return new CachekitCacheManager(this);
		}

	}

}
