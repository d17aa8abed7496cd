package io.cachekit.spring;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import io.cachekit.backend.Backend;
import io.cachekit.codec.MessagePackCodec;
import io.cachekit.tier.TieredCache;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.cache.Cache;
import org.springframework.cache.Cache.ValueWrapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Spring's {@link Cache} contract, run over every kind of L2 a {@link CachekitCache} can
 * have.
 */
abstract class CachekitCacheContract {

	private CachekitCache cache;

	private CachekitCache noNulls;

	/**
	 * Returns the L2 under test.
	 * @return the backend, or {@code null} for L1 only
	 */
	protected abstract @Nullable Backend backend();

	@BeforeEach
	void createCaches() {
		String name = "contract-" + UUID.randomUUID();
		this.cache = new CachekitCache(tiered(name).build());
		this.noNulls = new CachekitCache(tiered(name + "-no-nulls").allowNullValues(false).build());
	}

	private TieredCache.Builder tiered(String name) {
		return TieredCache.builder(name).backend(backend()).codec(MessagePackCodec.withDefaults());
	}

	@Test
	void getOfMissingKeyIsNull() {
		assertThat(this.cache.get("missing")).isNull();
	}

	@Test
	void putThenGetWrapsTheValue() {
		this.cache.put("k", "value");
		ValueWrapper wrapper = this.cache.get("k");
		assertThat(wrapper).isNotNull();
		assertThat(wrapper.get()).isEqualTo("value");
	}

	@Test
	void typedGetReturnsTheValueOrFailsOnAnotherType() {
		this.cache.put("k", "value");
		assertThat(this.cache.get("k", String.class)).isEqualTo("value");
		assertThat(this.cache.get("missing", String.class)).isNull();
		assertThatIllegalStateException().isThrownBy(() -> this.cache.get("k", Integer.class));
	}

	@Test
	void nullValueIsCachedAsAWrappedNull() {
		this.cache.put("k", null);
		ValueWrapper wrapper = this.cache.get("k");
		assertThat(wrapper).isNotNull();
		assertThat(wrapper.get()).isNull();
	}

	@Test
	void nullValueIsRefusedWhenNotAllowed() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.noNulls.put("k", null));
	}

	@Test
	void getWithLoaderCallsItOnceAndCaches() {
		AtomicInteger calls = new AtomicInteger();
		assertThat(this.cache.get("k", () -> "loaded-" + calls.incrementAndGet())).isEqualTo("loaded-1");
		assertThat(this.cache.get("k", () -> "loaded-" + calls.incrementAndGet())).isEqualTo("loaded-1");
		assertThat(calls).hasValue(1);
	}

	@Test
	void getWithFailingLoaderWrapsTheExceptionAsSpringSpecifies() {
		IllegalStateException failure = new IllegalStateException("no");
		assertThatExceptionOfType(Cache.ValueRetrievalException.class).isThrownBy(() -> this.cache.get("k", () -> {
			throw failure;
		})).satisfies((ex) -> {
			assertThat(ex.getCause()).isSameAs(failure);
			assertThat(ex.getKey()).isEqualTo("k");
		});
		assertThat(this.cache.get("k")).isNull();
	}

	@Test
	void putIfAbsentReturnsTheExistingValue() {
		assertThat(this.cache.putIfAbsent("k", "first")).isNull();
		ValueWrapper existing = this.cache.putIfAbsent("k", "second");
		assertThat(existing).isNotNull();
		assertThat(existing.get()).isEqualTo("first");
		assertThat(this.cache.get("k", String.class)).isEqualTo("first");
	}

	@Test
	void evictRemovesTheKey() {
		this.cache.put("k", "value");
		this.cache.evict("k");
		assertThat(this.cache.get("k")).isNull();
	}

	@Test
	void evictIfPresentTellsWhetherItRemovedSomething() {
		this.cache.put("k", "value");
		assertThat(this.cache.evictIfPresent("k")).isTrue();
		assertThat(this.cache.evictIfPresent("k")).isFalse();
	}

	@Test
	void clearRemovesEveryKey() {
		this.cache.put("a", "1");
		this.cache.put("b", "2");
		this.cache.clear();
		assertThat(this.cache.get("a")).isNull();
		assertThat(this.cache.get("b")).isNull();
	}

	@Test
	void invalidateMakesEveryKeyInvisibleAtOnce() {
		this.cache.put("a", "1");
		assertThat(this.cache.invalidate()).isEqualTo(this.cache.getNativeCache().isL1Enabled());
		assertThat(this.cache.get("a")).isNull();
	}

	@Test
	void retrieveCompletesWithAWrappedValueOrNull() {
		this.cache.put("k", "value");
		this.cache.put("nothing", null);
		CompletableFuture<?> hit = this.cache.retrieve("k");
		assertThat(hit).isNotNull();
		assertThat(hit.join()).isInstanceOfSatisfying(ValueWrapper.class,
				(wrapper) -> assertThat(wrapper.get()).isEqualTo("value"));
		CompletableFuture<?> cachedNull = this.cache.retrieve("nothing");
		assertThat(cachedNull.join()).isInstanceOfSatisfying(ValueWrapper.class,
				(wrapper) -> assertThat(wrapper.get()).isNull());
		CompletableFuture<?> miss = this.cache.retrieve("missing");
		assertThat(miss == null || miss.join() == null).isTrue();
	}

	@Test
	void retrieveWithLoaderLoadsOnceThenServesTheCachedValue() {
		AtomicInteger calls = new AtomicInteger();
		assertThat(
				this.cache.retrieve("k", () -> CompletableFuture.completedFuture("loaded-" + calls.incrementAndGet()))
					.join())
			.isEqualTo("loaded-1");
		assertThat(
				this.cache.retrieve("k", () -> CompletableFuture.completedFuture("loaded-" + calls.incrementAndGet()))
					.join())
			.isEqualTo("loaded-1");
		assertThat(calls).hasValue(1);
	}

	@Test
	void nativeCacheIsTheTieredCache() {
		assertThat(this.cache.getNativeCache()).isInstanceOf(TieredCache.class);
		assertThat(this.cache.getName()).startsWith("contract-");
	}

}
