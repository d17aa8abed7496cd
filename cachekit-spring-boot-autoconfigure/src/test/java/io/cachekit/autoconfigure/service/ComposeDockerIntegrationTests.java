package io.cachekit.autoconfigure.service;

import io.cachekit.backend.Backend;
import io.cachekit.backend.memcached.MemcachedBackend;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring Boot's Docker Compose support configures cachekit from a running
 * {@code memcached} service of {@code compose.yaml} (which also runs Redis: memcached is
 * chosen first), with no {@code cachekit.*} property. Needs a Docker engine with Compose:
 * runs only with {@code -Pdocker}, never in {@code scripts/test.sh} or CI.
 */
@SpringBootTest(classes = ComposeDockerIntegrationTests.Application.class,
		properties = { "spring.docker.compose.file=src/test/resources/docker/compose.yaml",
				"spring.docker.compose.skip.in-tests=false",
				"spring.docker.compose.lifecycle-management=start-and-stop" })
class ComposeDockerIntegrationTests {

	@Autowired
	ApplicationContext context;

	@Test
	void composeServiceConfiguresTheMemcachedBackend() {
		assertThat(this.context.getBeansOfType(Backend.class)).hasSize(1);
		assertThat(this.context.getBean(MemcachedBackend.class).health().healthy()).isTrue();
		ServiceConnectionDockerIntegrationTests.assertRoundTrip(this.context);
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@EnableCaching
	static class Application {

	}

}
