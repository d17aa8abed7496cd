package org.springframework.boot.testcontainers.service.connection;

import java.util.List;

import org.testcontainers.containers.Container;

import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;

/**
 * Makes the {@link ContainerConnectionSource} Spring Boot makes of a
 * {@code @ServiceConnection} container field, whose constructor is package-private, so
 * that cachekit's factories are tested with Spring Boot's own image-name matching and no
 * Docker.
 */
public final class TestContainerConnectionSources {

	private TestContainerConnectionSources() {
	}

	/**
	 * Returns the source of a {@code @ServiceConnection} container without a name.
	 * @param <C> the container type
	 * @param type the container's declared type
	 * @param imageName the container's image, such as {@code memcached:1.6}
	 * @param container the container, never started by the test
	 * @return the source
	 */
	public static <C extends Container<?>> ContainerConnectionSource<C> of(Class<C> type, String imageName,
			C container) {
		return new ContainerConnectionSource<>("test", null, type, imageName,
				MergedAnnotation.of(ServiceConnection.class), () -> container, null, MergedAnnotations.of(List.of()));
	}

}
