package io.cachekit.backend.memcached;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

import io.cachekit.test.ClosedPort;
import io.cachekit.test.ConfigEndpointServer;
import net.spy.memcached.config.ClusterConfiguration;
import net.spy.memcached.config.NodeEndPoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIOException;

/**
 * {@link ClusterConfigClient} against an in-process configuration endpoint.
 */
class ClusterConfigClientTests {

	private static ConfigEndpointServer endpoint;

	@BeforeAll
	static void startEndpoint() {
		endpoint = ConfigEndpointServer.start();
	}

	@AfterAll
	static void stopEndpoint() {
		endpoint.close();
	}

	@BeforeEach
	void reset() {
		endpoint.legacy(false);
		endpoint.fragment(0);
	}

	@Test
	void readsTheVersionAndEveryNode() throws IOException {
		endpoint.publishPorts(12, 7001, 7002, 7003);
		ClusterConfiguration configuration = client().fetch();
		assertThat(configuration.getConfigVersion()).isEqualTo(12);
		assertThat(configuration.getCacheNodeEndPoints())
			.extracting(NodeEndPoint::getHostName, NodeEndPoint::getIpAddress, NodeEndPoint::getPort)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("127.0.0.1", "127.0.0.1", 7001),
					org.assertj.core.groups.Tuple.tuple("127.0.0.1", "127.0.0.1", 7002),
					org.assertj.core.groups.Tuple.tuple("127.0.0.1", "127.0.0.1", 7003));
	}

	@Test
	void readsAReplyThatArrivesInPieces() throws IOException {
		endpoint.publishData(3, "3\ncache1.example|10.0.0.1|11211 cache2.example|10.0.0.2|11212\n");
		endpoint.fragment(3);
		ClusterConfiguration configuration = client().fetch();
		assertThat(configuration.getConfigVersion()).isEqualTo(3);
		assertThat(configuration.getCacheNodeEndPoints()).extracting(NodeEndPoint::getHostName)
			.containsExactly("cache1.example", "cache2.example");
	}

	@Test
	void fallsBackToTheLegacyKeyWhenTheEngineAnswersError() throws IOException {
		endpoint.publishPorts(5, 7001);
		endpoint.legacy(true);
		long before = endpoint.requests();
		assertThat(client().fetch().getConfigVersion()).isEqualTo(5);
		assertThat(endpoint.requests() - before).isEqualTo(1);
	}

	@Test
	void endpointWithoutAConfigurationIsAnErrorThatSaysSo() {
		try (ConfigEndpointServer empty = ConfigEndpointServer.start()) {
			assertThatIOException().isThrownBy(() -> client(empty.address()).fetch())
				.withMessageContaining("holds no cluster configuration");
		}
	}

	@Test
	void invalidConfigurationIsAnErrorNamingTheEndpoint() {
		try (ConfigEndpointServer broken = ConfigEndpointServer.start()) {
			broken.publishData(1, "1\n\n");
			assertThatIOException().isThrownBy(() -> client(broken.address()).fetch())
				.withMessageContaining(broken.address())
				.withMessageContaining("invalid cluster configuration");
		}
	}

	@Test
	void nodeWithAPortOutOfRangeIsAnInvalidConfiguration() {
		try (ConfigEndpointServer broken = ConfigEndpointServer.start()) {
			broken.publishData(1, "1\nnode1|10.0.0.1|0\n");
			assertThatIOException().isThrownBy(() -> client(broken.address()).fetch())
				.withMessageContaining("invalid cluster configuration: node node1 has port 0");
		}
	}

	@Test
	void endpointThatNeverAnswersTimesOut() throws IOException {
		// Connections wait in the backlog: connected, but never answered.
		try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			ClusterConfigClient client = new ClusterConfigClient(
					ServerAddress.parse("127.0.0.1:" + silent.getLocalPort()), Duration.ofMillis(200), null, null);
			long start = System.nanoTime();
			assertThatExceptionOfType(SocketTimeoutException.class).isThrownBy(client::fetch);
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
		}
	}

	@Test
	void endpointThatTricklesItsAnswerTimesOutWithinTheTimeoutAsAWhole() throws Exception {
		// One byte every 20 ms, never a line end: each read is far within the timeout.
		try (ServerSocket trickling = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			Thread writer = new Thread(() -> {
				try (Socket connection = trickling.accept()) {
					OutputStream out = connection.getOutputStream();
					while (true) {
						out.write('C');
						out.flush();
						Thread.sleep(20);
					}
				}
				catch (IOException | InterruptedException ex) {
					// The client went away.
				}
			}, "trickling-endpoint");
			writer.setDaemon(true);
			writer.start();
			ClusterConfigClient client = new ClusterConfigClient(
					ServerAddress.parse("127.0.0.1:" + trickling.getLocalPort()), Duration.ofMillis(300), null, null);
			long start = System.nanoTime();
			assertThatExceptionOfType(SocketTimeoutException.class).isThrownBy(client::fetch)
				.withMessageContaining("did not answer config get cluster within 300ms");
			System.out.printf("[figure] memcached discovery: question to a trickling endpoint ended after %d ms "
					+ "(timeout 300 ms)%n", Duration.ofNanos(System.nanoTime() - start).toMillis());
		}
	}

	@Test
	void nodeWithAnIpThatIsNotAnIpLiteralIsAnInvalidConfiguration() {
		try (ConfigEndpointServer broken = ConfigEndpointServer.start()) {
			broken.publishData(1, "1\nnode1|10.0.0.1|11211 node2|cache.example|11211\n");
			assertThatIOException().isThrownBy(() -> client(broken.address()).fetch())
				.withMessageContaining("invalid cluster configuration: node node2 has IP address 'cache.example', "
						+ "which is neither empty nor an IPv4 or IPv6 literal");
		}
	}

	@Test
	void nodeWithAnEmptyIpOrAnIpv6LiteralIsValid() throws IOException {
		try (ConfigEndpointServer valid = ConfigEndpointServer.start()) {
			valid.publishData(1, "1\nnode1||11211 node2|::1|11212 node3|fe80::1:2|11213\n");
			assertThat(client(valid.address()).fetch().getCacheNodeEndPoints()).extracting(NodeEndPoint::getHostName)
				.containsExactly("node1", "node2", "node3");
		}
	}

	@Test
	void ipLiteralsAreRecognisedWithoutALookup() {
		assertThat(ClusterConfigClient.isIpLiteral("10.0.0.1")).isTrue();
		assertThat(ClusterConfigClient.isIpLiteral("::ffff:10.0.0.1")).isTrue();
		assertThat(ClusterConfigClient.isIpLiteral("256.0.0.1")).isFalse();
		assertThat(ClusterConfigClient.isIpLiteral("10.0.1")).isFalse();
		assertThat(ClusterConfigClient.isIpLiteral("cafe")).isFalse();
		assertThat(ClusterConfigClient.isIpLiteral("localhost")).isFalse();
		assertThat(ClusterConfigClient.isIpLiteral("1::2::3")).isFalse();
	}

	@Test
	void endpointThatRefusesConnectionsFailsAtOnce() {
		ClusterConfigClient client = new ClusterConfigClient(ServerAddress.parse("127.0.0.1:" + ClosedPort.find()),
				Duration.ofSeconds(1), null, null);
		assertThatIOException().isThrownBy(client::fetch);
	}

	private static ClusterConfigClient client() {
		return client(endpoint.address());
	}

	private static ClusterConfigClient client(String address) {
		return new ClusterConfigClient(ServerAddress.parse(address), Duration.ofSeconds(1), null, null);
	}

}
