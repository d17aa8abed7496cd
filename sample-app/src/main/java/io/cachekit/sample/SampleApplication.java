package io.cachekit.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cache.annotation.EnableCaching;

/**
 * A small web application that uses cachekit the way users will: {@code @Cacheable} on a
 * slow service, {@code cachekit.*} in application.yml, health and metrics on the
 * actuator.
 */
@SpringBootApplication
@EnableCaching
public class SampleApplication {

	/**
	 * Starts the application.
	 * @param args command-line arguments
	 */
	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}
