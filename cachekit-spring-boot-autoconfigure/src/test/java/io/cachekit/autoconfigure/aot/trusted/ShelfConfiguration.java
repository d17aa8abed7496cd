package io.cachekit.autoconfigure.aot.trusted;

import org.springframework.context.annotation.Configuration;

/**
 * A configuration class of a trusted package.
 */
@Configuration(proxyBeanMethods = false)
public class ShelfConfiguration {

}
