package io.cachekit.sample;

import java.util.Map;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.client.RestClient;

/**
 * Calls a running sample application over HTTP.
 */
final class SampleClient {

	private final RestClient client;

	SampleClient(int port) {
		this.client = RestClient.builder()
			.baseUrl("http://localhost:" + port)
			.defaultStatusHandler(HttpStatusCode::isError, (request, response) -> {
			})
			.build();
	}

	Book book(String isbn) {
		return this.client.get().uri("/books/{isbn}", isbn).retrieve().body(Book.class);
	}

	void evictAll() {
		this.client.delete().uri("/books").retrieve().toBodilessEntity();
	}

	long lookups() {
		Map<String, Number> body = this.client.get()
			.uri("/books/lookups")
			.retrieve()
			.body(new ParameterizedTypeReference<>() {
			});
		return body.get("lookups").longValue();
	}

	@SuppressWarnings("unchecked")
	Map<String, Object> cachekitHealth() {
		Map<String, Object> health = this.client.get()
			.uri("/actuator/health")
			.retrieve()
			.body(new ParameterizedTypeReference<>() {
			});
		return (Map<String, Object>) ((Map<String, Object>) health.get("components")).get("cachekit");
	}

	double metric(String name, String... tags) {
		RestClient.RequestHeadersSpec<?> request = this.client.get().uri((uri) -> {
			uri.path("/actuator/metrics/" + name);
			for (String tag : tags) {
				uri.queryParam("tag", tag);
			}
			return uri.build();
		});
		Map<String, Object> body = request.retrieve().body(new ParameterizedTypeReference<>() {
		});
		@SuppressWarnings("unchecked")
		java.util.List<Map<String, Object>> measurements = (java.util.List<Map<String, Object>>) body
			.get("measurements");
		return ((Number) measurements.get(0).get("value")).doubleValue();
	}

}
