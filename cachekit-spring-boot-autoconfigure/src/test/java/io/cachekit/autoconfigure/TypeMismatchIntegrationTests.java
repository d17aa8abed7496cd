package io.cachekit.autoconfigure;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.cachekit.autoconfigure.fixture.Order;
import io.cachekit.spring.CachekitCache;
import io.cachekit.spring.CachekitCacheManager;
import io.cachekit.test.TestServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With a real memcached as the only tier, a {@code String} cached under a key by one
 * method is a miss for a method of the same cache and key that returns an {@link Order},
 * as an {@code Order}, {@code Optional}, {@code CompletableFuture} or {@code Mono}: no
 * exception reaches the caller, the method runs once and its result replaces the entry in
 * memcached, the mismatch is counted once and logged once.
 */
class TypeMismatchIntegrationTests {

	@RegisterExtension
	static final TestServer memcached = TestServer.memcached();

	private static final int CALLS = 10;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CachekitAutoConfiguration.class, CacheAutoConfiguration.class))
		.withUserConfiguration(CachingConfiguration.class)
		.withPropertyValues("cachekit.memcached.servers=" + memcached.address(),
				"cachekit.memcached.key-prefix=typed-it:", "cachekit.l1.enabled=false",
				"cachekit.serialization.trusted-packages=io.cachekit.autoconfigure.fixture");

	@Test
	void orderMethodOverString() {
		assertMissReplacesAndCountsOnce(OrderService.ORDERS, (service) -> service.textInOrders("1"),
				(service) -> service.order("1"));
	}

	@Test
	void optionalMethodOverString() {
		assertMissReplacesAndCountsOnce(OrderService.OPTIONALS, (service) -> service.textInOptionals("1"),
				(service) -> service.optional("1").orElseThrow());
	}

	@Test
	void futureMethodOverString() {
		assertMissReplacesAndCountsOnce(OrderService.FUTURES, (service) -> service.textInFutures("1"),
				(service) -> service.future("1").join());
	}

	@Test
	void monoMethodOverString() {
		assertMissReplacesAndCountsOnce(OrderService.MONOS, (service) -> service.textInMonos("1"),
				(service) -> service.mono("1").block());
	}

	private void assertMissReplacesAndCountsOnce(String cacheName, Function<OrderService, String> plant,
			Function<OrderService, Order> call) {
		this.contextRunner.run((context) -> {
			Logger logger = (Logger) LoggerFactory.getLogger(CachekitCache.class);
			ListAppender<ILoggingEvent> logs = new ListAppender<>();
			logs.start();
			logger.addAppender(logs);
			try {
				OrderService service = context.getBean(OrderService.class);
				assertThat(plant.apply(service)).isEqualTo("planted in " + cacheName);
				for (int i = 0; i < CALLS; i++) {
					assertThat(call.apply(service)).isEqualTo(new Order("1", 0));
				}
				assertThat(service.runs()).as("runs of the Order method").isEqualTo(1);
				CachekitCache cache = (CachekitCache) context.getBean(CachekitCacheManager.class).getCache(cacheName);
				assertThat(cache.getNativeCache().backend()).isPresent();
				assertThat(cache.get("1").get()).as("the entry in memcached").isEqualTo(new Order("1", 0));
				double counted = mismatches(context, cacheName);
				long warnings = logs.list.stream().filter((event) -> event.getLevel() == Level.WARN).count();
				System.out.println("[figure] " + cacheName + ": type mismatches counted for " + CALLS + " calls: "
						+ (long) counted + ", WARN lines: " + warnings);
				assertThat(counted).isEqualTo(1);
				assertThat(warnings).isEqualTo(1);
			}
			finally {
				logger.detachAppender(logs);
			}
		});
	}

	private static double mismatches(AssertableApplicationContext context, String cacheName) {
		return context.getBean(MeterRegistry.class)
			.get("cachekit.cache.type.mismatches")
			.tag("cache", cacheName)
			.functionCounter()
			.count();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class CachingConfiguration {

		@Bean
		MeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

		@Bean
		OrderService orderService() {
			return new OrderService();
		}

	}

	/**
	 * Methods that share caches and keys: the {@code text} methods write a
	 * {@code String}, the others return orders in four shapes.
	 */
	static class OrderService {

		static final String ORDERS = "orders";

		static final String OPTIONALS = "optionals";

		static final String FUTURES = "futures";

		static final String MONOS = "monos";

		private final AtomicInteger runs = new AtomicInteger();

		int runs() {
			return this.runs.get();
		}

		private Order next(String id) {
			return new Order(id, this.runs.getAndIncrement());
		}

		@Cacheable(cacheNames = ORDERS, key = "#id")
		public String textInOrders(String id) {
			return "planted in " + ORDERS;
		}

		@Cacheable(cacheNames = OPTIONALS, key = "#id")
		public String textInOptionals(String id) {
			return "planted in " + OPTIONALS;
		}

		@Cacheable(cacheNames = FUTURES, key = "#id")
		public String textInFutures(String id) {
			return "planted in " + FUTURES;
		}

		@Cacheable(cacheNames = MONOS, key = "#id")
		public String textInMonos(String id) {
			return "planted in " + MONOS;
		}

		@Cacheable(cacheNames = ORDERS, key = "#id")
		public Order order(String id) {
			return next(id);
		}

		@Cacheable(cacheNames = OPTIONALS, key = "#id")
		public Optional<Order> optional(String id) {
			return Optional.of(next(id));
		}

		@Cacheable(cacheNames = FUTURES, key = "#id")
		public CompletableFuture<Order> future(String id) {
			return CompletableFuture.completedFuture(next(id));
		}

		@Cacheable(cacheNames = MONOS, key = "#id")
		public Mono<Order> mono(String id) {
			return Mono.fromSupplier(() -> next(id));
		}

	}

}
