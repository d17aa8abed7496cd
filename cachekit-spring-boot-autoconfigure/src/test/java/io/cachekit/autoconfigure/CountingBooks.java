package io.cachekit.autoconfigure;

import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What the tests of refused connections (credentials, TLS) share: an application with one
 * {@code @Cacheable} method that counts its runs, a meter registry, and readers of
 * cachekit's health and backend error meters.
 */
@Configuration(proxyBeanMethods = false)
@EnableCaching
class CountingBooks {

	@Bean
	BookService bookService() {
		return new BookService();
	}

	@Bean
	MeterRegistry meterRegistry() {
		return new SimpleMeterRegistry();
	}

	/**
	 * Returns the sum of {@code cachekit.backend.errors} of one backend.
	 * @param context the application
	 * @param backend the backend type tag, such as {@code memcached}
	 * @param type the error type, or {@code null} for every type
	 * @return the count
	 */
	static double errors(ApplicationContext context, String backend, @Nullable String type) {
		var search = context.getBean(MeterRegistry.class).find("cachekit.backend.errors").tag("backend", backend);
		if (type != null) {
			search = search.tag("type", type);
		}
		return search.counters().stream().mapToDouble(Counter::count).sum();
	}

	/**
	 * Returns cachekit's health.
	 * @param context the application
	 * @return the health now
	 */
	static Health health(ApplicationContext context) {
		return context.getBean("cachekitHealthIndicator", HealthIndicator.class).health();
	}

	/** The cached method: its answer names the id and the run that made it. */
	static class BookService {

		private final AtomicInteger calls = new AtomicInteger();

		@Cacheable("books")
		public String find(String id) {
			return "book-" + id + "-" + this.calls.incrementAndGet();
		}

		int calls() {
			return this.calls.get();
		}

	}

}
