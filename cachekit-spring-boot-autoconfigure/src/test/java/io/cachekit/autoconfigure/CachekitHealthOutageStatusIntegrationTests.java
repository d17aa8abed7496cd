package io.cachekit.autoconfigure;

import java.time.Duration;
import java.util.Map;

import io.cachekit.test.ServerKind;
import io.cachekit.test.ServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.ApiVersion;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.WebServerNamespace;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.health.actuate.endpoint.CompositeHealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointWebExtension;
import org.springframework.boot.health.actuate.endpoint.IndicatedHealthDescriptor;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.boot.health.registry.ReactiveHealthContributorRegistry;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code cachekit.health.outage-status} through Spring Boot's health endpoint (its web
 * extension over the auto-configured registry and groups, which gives the HTTP status),
 * with a real memcached that stops while the application runs: by default the cachekit
 * component is DOWN and the application answers 503; with {@code degraded} the component
 * is DEGRADED and the application stays UP, 200.
 */
class CachekitHealthOutageStatusIntegrationTests {

	private static ServerProcess memcached;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CachekitAutoConfiguration.class, CacheAutoConfiguration.class,
				HealthContributorAutoConfiguration.class, HealthContributorRegistryAutoConfiguration.class,
				HealthEndpointAutoConfiguration.class))
		.withUserConfiguration(CachingConfiguration.class)
		.withPropertyValues("management.endpoint.health.show-details=always", "cachekit.memcached.timeout=300ms");

	@BeforeAll
	static void startMemcached() {
		memcached = ServerProcess.start(ServerKind.MEMCACHED);
	}

	@AfterAll
	static void stopMemcached() {
		memcached.close();
	}

	@AfterEach
	void restartMemcached() {
		if (!memcached.isRunning()) {
			memcached.restart();
		}
	}

	@Test
	void outageIsDownAnd503ByDefault() {
		this.contextRunner.withPropertyValues("cachekit.memcached.servers=" + memcached.address()).run((context) -> {
			assertThat(overall(context).getStatus()).isEqualTo(200);
			memcached.stop();
			WebEndpointResponse<HealthDescriptor> response = overall(context);
			System.out.println("[figure] outage-status=down: cachekit " + cachekit(response).getStatus() + ", overall "
					+ response.getBody().getStatus() + ", HTTP " + response.getStatus());
			assertThat(cachekit(response).getStatus()).isEqualTo(Status.DOWN);
			assertThat(response.getBody().getStatus()).isEqualTo(Status.DOWN);
			assertThat(response.getStatus()).isEqualTo(503);
		});
	}

	@Test
	void outageIsDegradedAnd200WhenAsked() {
		this.contextRunner
			.withPropertyValues("cachekit.memcached.servers=" + memcached.address(),
					"cachekit.health.outage-status=degraded")
			.run((context) -> {
				WebEndpointResponse<HealthDescriptor> before = overall(context);
				assertThat(before.getStatus()).isEqualTo(200);
				assertThat(cachekit(before).getStatus()).isEqualTo(Status.UP);
				memcached.stop();
				WebEndpointResponse<HealthDescriptor> response = overall(context);
				System.out.println("[figure] outage-status=degraded: cachekit " + cachekit(response).getStatus()
						+ ", overall " + response.getBody().getStatus() + ", HTTP " + response.getStatus());
				IndicatedHealthDescriptor component = cachekit(response);
				assertThat(component.getStatus().getCode()).isEqualTo("DEGRADED");
				assertThat(component.getStatus().getDescription()).contains("serving from L1");
				assertThat(component.getDetails()).containsEntry("backend_type", "memcached");
				assertThat(response.getBody().getStatus()).isEqualTo(Status.UP);
				assertThat(response.getStatus()).isEqualTo(200);
			});
	}

	/**
	 * Asks the health endpoint's web extension, made of the context's registry and groups
	 * (status aggregation and HTTP status mapping as configured), as an HTTP request to
	 * {@code /actuator/health} would.
	 */
	private static WebEndpointResponse<HealthDescriptor> overall(AssertableApplicationContext context) {
		HealthEndpointWebExtension endpoint = new HealthEndpointWebExtension(
				context.getBean(HealthContributorRegistry.class),
				context.getBeanProvider(ReactiveHealthContributorRegistry.class).getIfAvailable(),
				context.getBean(HealthEndpointGroups.class), Duration.ofSeconds(10));
		return endpoint.health(ApiVersion.V3, WebServerNamespace.SERVER, SecurityContext.NONE);
	}

	private static IndicatedHealthDescriptor cachekit(WebEndpointResponse<HealthDescriptor> response) {
		Map<String, HealthDescriptor> components = ((CompositeHealthDescriptor) response.getBody()).getComponents();
		return (IndicatedHealthDescriptor) components.get("cachekit");
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class CachingConfiguration {

	}

}
