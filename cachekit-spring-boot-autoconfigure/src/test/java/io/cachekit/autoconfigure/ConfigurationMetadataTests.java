package io.cachekit.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import org.springframework.beans.BeanWrapper;
import org.springframework.beans.PropertyAccessorFactory;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.core.io.ClassPathResource;
import org.springframework.util.SystemPropertyUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration metadata generated from {@link CachekitProperties}: every property is
 * there, every one has a description, and every one that has a default shows it, equal to
 * the value a property holds when it is not set.
 */
class ConfigurationMetadataTests {

	private static final String PREFIX = "cachekit.";

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
	void everyPropertyWithADefaultShowsItAndItIsTheRealOne() throws IOException {
		BeanWrapper unset = PropertyAccessorFactory.forBeanPropertyAccess(new CachekitProperties());
		List<String> checked = new ArrayList<>();
		for (Map<String, Object> property : properties()) {
			String name = (String) property.get("name");
			if (!name.startsWith(PREFIX)) {
				continue;
			}
			Object actual = unset.getPropertyValue(beanPath(name));
			boolean hasDefault = actual != null && !(actual instanceof Collection<?> collection && collection.isEmpty())
					&& !(actual instanceof Map<?, ?> map && map.isEmpty());
			if (!hasDefault) {
				assertThat(property).as("%s has no default", name).doesNotContainKey("defaultValue");
				continue;
			}
			assertThat(property).as("default of %s", name).containsKey("defaultValue");
			Object documented = property.get("defaultValue");
			if (documented instanceof String text) {
				documented = SystemPropertyUtils.resolvePlaceholders(text);
			}
			if (actual instanceof String && name.endsWith("directory")) {
				assertThat(Path.of((String) documented).normalize()).as("default of %s", name)
					.isEqualTo(Path.of((String) actual).normalize());
			}
			else {
				assertThat(ApplicationConversionService.getSharedInstance().convert(documented, actual.getClass()))
					.as("default of %s", name)
					.isEqualTo(actual);
			}
			checked.add(name);
		}
		assertThat(checked).contains("cachekit.memcached.timeout", "cachekit.memcached.connect-timeout",
				"cachekit.memcached.max-pool-size", "cachekit.memcached.retry-attempts",
				"cachekit.memcached.max-item-size", "cachekit.memcached.max-reconnect-delay", "cachekit.file.directory",
				"cachekit.default-ttl", "cachekit.backend");
	}

	@Test
	void cachesDescriptionNamesEveryCacheSetting() throws IOException {
		Map<String, Object> caches = properties().stream()
			.filter((property) -> "cachekit.caches".equals(property.get("name")))
			.findFirst()
			.orElseThrow();
		for (String setting : CachekitCacheConfiguration.cacheSettingNames().split(", ")) {
			assertThat((String) caches.get("description")).as("description of cachekit.caches")
				.containsPattern("\\b" + setting + " \\(");
		}
	}

	@Test
	void additionalMetadataIsSortedByName() throws IOException {
		List<String> names = read("META-INF/additional-spring-configuration-metadata.json").stream()
			.map((property) -> (String) property.get("name"))
			.toList();
		assertThat(names).isSorted();
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
					"cachekit.serialization.trusted-packages", "cachekit.caches", "management.health.cachekit.enabled",
					"cachekit.coherence.enabled");
	}

	private static String beanPath(String name) {
		List<String> segments = new ArrayList<>();
		for (String segment : name.substring(PREFIX.length()).split("\\.")) {
			StringBuilder camel = new StringBuilder();
			boolean upper = false;
			for (char c : segment.toCharArray()) {
				if (c == '-') {
					upper = true;
				}
				else {
					camel.append(upper ? Character.toUpperCase(c) : c);
					upper = false;
				}
			}
			assertThat(DataObjectPropertyName.toDashedForm(camel.toString())).isEqualTo(segment);
			segments.add(camel.toString());
		}
		return String.join(".", segments);
	}

	private static List<Map<String, Object>> properties() throws IOException {
		return read("META-INF/spring-configuration-metadata.json");
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> read(String path) throws IOException {
		ClassPathResource metadata = new ClassPathResource(path);
		assertThat(metadata.exists()).as(path).isTrue();
		try (InputStream in = metadata.getInputStream()) {
			return (List<Map<String, Object>>) new ObjectMapper().readValue(in, Map.class).get("properties");
		}
	}

}
