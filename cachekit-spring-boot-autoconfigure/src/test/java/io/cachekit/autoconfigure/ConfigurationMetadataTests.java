package io.cachekit.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import org.springframework.core.io.ClassPathResource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration metadata generated from {@link CachekitProperties}: every property is
 * there, and every one has a description.
 */
class ConfigurationMetadataTests {

	@Test
	void everyPropertyHasADescription() throws IOException {
		List<Map<String, Object>> properties = properties();
		assertThat(properties).isNotEmpty()
			.allSatisfy(
					(property) -> assertThat(property.get("description")).as("description of %s", property.get("name"))
						.asString()
						.isNotBlank());
	}

	@Test
	void documentedPropertiesAreAllThere() throws IOException {
		assertThat(properties()).extracting((property) -> property.get("name"))
			.contains("cachekit.backend", "cachekit.default-ttl", "cachekit.allow-null-values",
					"cachekit.generation-refresh", "cachekit.l1.enabled", "cachekit.l1.max-size", "cachekit.l1.max-ttl",
					"cachekit.memcached.servers", "cachekit.memcached.timeout", "cachekit.memcached.connect-timeout",
					"cachekit.memcached.max-pool-size", "cachekit.memcached.retry-attempts",
					"cachekit.memcached.key-prefix", "cachekit.memcached.max-item-size",
					"cachekit.memcached.max-reconnect-delay", "cachekit.memcached.failure-mode",
					"cachekit.serialization.trusted-packages", "cachekit.caches", "management.health.cachekit.enabled");
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> properties() throws IOException {
		ClassPathResource metadata = new ClassPathResource("META-INF/spring-configuration-metadata.json");
		assertThat(metadata.exists()).as("generated metadata").isTrue();
		try (InputStream in = metadata.getInputStream()) {
			return (List<Map<String, Object>>) new ObjectMapper().readValue(in, Map.class).get("properties");
		}
	}

}
