package io.cachekit.backend.memcached;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;

import javax.net.ssl.SSLContext;

import net.spy.memcached.ClientMode;
import net.spy.memcached.ConnectionFactory;
import net.spy.memcached.ConnectionObserver;
import net.spy.memcached.FailureMode;
import net.spy.memcached.HashAlgorithm;
import net.spy.memcached.MemcachedConnection;
import net.spy.memcached.MemcachedNode;
import net.spy.memcached.NodeLocator;
import net.spy.memcached.OperationFactory;
import net.spy.memcached.auth.AuthDescriptor;
import net.spy.memcached.config.ConfigEndpointSelectionStrategyFactory;
import net.spy.memcached.metrics.MetricCollector;
import net.spy.memcached.metrics.MetricType;
import net.spy.memcached.ops.Operation;
import net.spy.memcached.protocol.binary.BinaryMemcachedNodeImpl;
import net.spy.memcached.transcoders.Transcoder;
import org.jspecify.annotations.Nullable;

/**
 * A spymemcached connection factory whose locator can always redistribute a key of a
 * server that is down, as long as one server is up.
 *
 * <p>
 * With {@code FailureMode.Redistribute}, spymemcached places an operation whose server is
 * down on the first live server of the key's Ketama sequence, but that sequence has only
 * seven tries, each a new hash of the key. A key whose seven tries all land on the dead
 * server (about one key in 2,000 with one of three servers down, every time, since the
 * hashes are fixed) was queued for the dead server and timed out on every call while it
 * stayed down: with retries, about six seconds per cache call. Here the sequence goes on,
 * after Ketama's tries, with every server in configuration order, so such a key lands on
 * the first live one; all clients agree on it, since the order is the same everywhere. It
 * also keeps the nodes it creates, so that the pool can tell whether they are
 * authenticated.
 *
 * <p>
 * The Ketama ring names each server by its configured address
 * ({@link ServerDirectory#locator(List)}). Over TLS, each node is given a view of this
 * factory that names its own server's host for the certificate check (the client itself
 * knows one host name for all servers) and a context that reports the handshakes to
 * {@link TlsHandshakes}. Everything else is the wrapped factory's.
 */
final class RedistributingConnectionFactory implements ConnectionFactory {

	private final ConnectionFactory delegate;

	private final ServerDirectory servers;

	private final @Nullable TlsHandshakes tls;

	/** The server of a node's view, {@code null} in the client's factory. */
	private final @Nullable String server;

	private final @Nullable String tlsHostName;

	private final List<MemcachedNode> nodes;

	RedistributingConnectionFactory(ConnectionFactory delegate, ServerDirectory servers, @Nullable TlsHandshakes tls) {
		this(delegate, servers, tls, null, null, new CopyOnWriteArrayList<>());
	}

	private RedistributingConnectionFactory(ConnectionFactory delegate, ServerDirectory servers,
			@Nullable TlsHandshakes tls, @Nullable String server, @Nullable String tlsHostName,
			List<MemcachedNode> nodes) {
		this.delegate = delegate;
		this.servers = servers;
		this.tls = tls;
		this.server = server;
		this.tlsHostName = tlsHostName;
		this.nodes = nodes;
	}

	@Override
	public MemcachedConnection createConnection(List<InetSocketAddress> addresses) throws IOException {
		// The connection asks the factory it is given for its locator: this one.
		return new MemcachedConnection(getReadBufSize(), this, addresses, getInitialObservers(), getFailureMode(),
				getOperationFactory());
	}

	@Override
	public NodeLocator createLocator(List<MemcachedNode> nodes) {
		// The nodes a discovery endpoint removes are shut: stop following them.
		return new RedistributingLocator(this.servers.locator(nodes), this.nodes::retainAll);
	}

	@Override
	public MemcachedNode createMemcachedNode(SocketAddress address, SocketChannel channel, int bufferSize) {
		MemcachedNode node = (this.tls != null) ? tlsNode(this.tls, address, channel, bufferSize)
				: this.delegate.createMemcachedNode(address, channel, bufferSize);
		this.nodes.add(node);
		return node;
	}

	/**
	 * Creates a binary node, as the wrapped factory does, whose factory is a view that
	 * names the node's own server for TLS.
	 */
	private MemcachedNode tlsNode(TlsHandshakes tls, SocketAddress address, SocketChannel channel, int bufferSize) {
		ServerAddress configured = this.servers.serverOf(address);
		String host = (configured != null) ? configured.host()
				: ((address instanceof InetSocketAddress inet) ? inet.getHostString() : String.valueOf(address));
		String name = (configured != null) ? configured.toString() : String.valueOf(address);
		RedistributingConnectionFactory view = new RedistributingConnectionFactory(this.delegate, this.servers, tls,
				name, tls.hostNameFor(host), this.nodes);
		return new BinaryMemcachedNodeImpl(address, channel, bufferSize, createReadOperationQueue(),
				createWriteOperationQueue(), createOperationQueue(), getOpQueueMaxBlockTime(),
				getAuthDescriptor() != null, getOperationTimeout(), getAuthWaitTime(), view);
	}

	/**
	 * Returns the nodes this factory created, one per current server: the live objects,
	 * whose authentication state the client's read-only locator does not show.
	 * @return the nodes
	 */
	List<MemcachedNode> nodes() {
		return this.nodes;
	}

	@Override
	public BlockingQueue<Operation> createOperationQueue() {
		return this.delegate.createOperationQueue();
	}

	@Override
	public BlockingQueue<Operation> createReadOperationQueue() {
		return this.delegate.createReadOperationQueue();
	}

	@Override
	public BlockingQueue<Operation> createWriteOperationQueue() {
		return this.delegate.createWriteOperationQueue();
	}

	@Override
	public long getOpQueueMaxBlockTime() {
		return this.delegate.getOpQueueMaxBlockTime();
	}

	@Override
	public ExecutorService getListenerExecutorService() {
		return this.delegate.getListenerExecutorService();
	}

	@Override
	public boolean isDefaultExecutorService() {
		return this.delegate.isDefaultExecutorService();
	}

	@Override
	public OperationFactory getOperationFactory() {
		return this.delegate.getOperationFactory();
	}

	@Override
	public long getOperationTimeout() {
		return this.delegate.getOperationTimeout();
	}

	@Override
	public boolean isDaemon() {
		return this.delegate.isDaemon();
	}

	@Override
	public boolean useNagleAlgorithm() {
		return this.delegate.useNagleAlgorithm();
	}

	@Override
	public Collection<ConnectionObserver> getInitialObservers() {
		return this.delegate.getInitialObservers();
	}

	@Override
	public FailureMode getFailureMode() {
		return this.delegate.getFailureMode();
	}

	@Override
	public Transcoder<Object> getDefaultTranscoder() {
		return this.delegate.getDefaultTranscoder();
	}

	@Override
	public boolean shouldOptimize() {
		return this.delegate.shouldOptimize();
	}

	@Override
	public int getReadBufSize() {
		return this.delegate.getReadBufSize();
	}

	@Override
	public HashAlgorithm getHashAlg() {
		return this.delegate.getHashAlg();
	}

	@Override
	public long getMaxReconnectDelay() {
		return this.delegate.getMaxReconnectDelay();
	}

	@Override
	public @Nullable AuthDescriptor getAuthDescriptor() {
		return this.delegate.getAuthDescriptor();
	}

	@Override
	public int getTimeoutExceptionThreshold() {
		return this.delegate.getTimeoutExceptionThreshold();
	}

	@Override
	public MetricType enableMetrics() {
		return this.delegate.enableMetrics();
	}

	@Override
	public MetricCollector getMetricCollector() {
		return this.delegate.getMetricCollector();
	}

	@Override
	public long getAuthWaitTime() {
		return this.delegate.getAuthWaitTime();
	}

	@Override
	public ClientMode getClientMode() {
		return this.delegate.getClientMode();
	}

	@Override
	public void setClientMode(ClientMode clientMode) {
		this.delegate.setClientMode(clientMode);
	}

	@Override
	public long getDynamicModePollingInterval() {
		return this.delegate.getDynamicModePollingInterval();
	}

	@Override
	public ConfigEndpointSelectionStrategyFactory getConfigEndpointSelectionStrategyFactory() {
		return this.delegate.getConfigEndpointSelectionStrategyFactory();
	}

	@Override
	public boolean getKeepAlive() {
		return this.delegate.getKeepAlive();
	}

	/**
	 * Returns the TLS context: in the client's factory the configured one (its presence
	 * turns TLS on), in a node's view one that reports the handshakes.
	 */
	@Override
	public @Nullable SSLContext getSSLContext() {
		if (this.tls == null) {
			return null;
		}
		return (this.server != null) ? this.tls.contextFor(this.server) : this.tls.context();
	}

	@Override
	public @Nullable String getHostnameForTlsVerification() {
		return this.tlsHostName;
	}

	@Override
	public boolean skipTlsHostnameVerification() {
		return false;
	}

	/**
	 * A locator whose sequence for a key is the wrapped locator's, then every server.
	 */
	static final class RedistributingLocator implements NodeLocator {

		private final NodeLocator delegate;

		private final Consumer<List<MemcachedNode>> updated;

		RedistributingLocator(NodeLocator delegate, Consumer<List<MemcachedNode>> updated) {
			this.delegate = delegate;
			this.updated = updated;
		}

		@Override
		public MemcachedNode getPrimary(String key) {
			return this.delegate.getPrimary(key);
		}

		@Override
		public Iterator<MemcachedNode> getSequence(String key) {
			Iterator<MemcachedNode> first = this.delegate.getSequence(key);
			Iterator<MemcachedNode> then = this.delegate.getAll().iterator();
			return new Iterator<>() {

				@Override
				public boolean hasNext() {
					return first.hasNext() || then.hasNext();
				}

				@Override
				public MemcachedNode next() {
					if (first.hasNext()) {
						return first.next();
					}
					if (then.hasNext()) {
						return then.next();
					}
					throw new NoSuchElementException();
				}

			};
		}

		@Override
		public Collection<MemcachedNode> getAll() {
			return this.delegate.getAll();
		}

		@Override
		public NodeLocator getReadonlyCopy() {
			return new RedistributingLocator(this.delegate.getReadonlyCopy(), (nodes) -> {
			});
		}

		/**
		 * Replaces the nodes (auto-discovery), and cancels every operation still held by
		 * a node that is gone.
		 * <p>
		 * The client (1.2.4) shuts a removed node down and redistributes the operations
		 * it had not started before it installs the new ring, but an operation queued
		 * with a node as its handler goes back to that node: none is placed on the old
		 * ring, where an add or increment could reach a server that does not own its key.
		 * Those operations, and those already written or being read, stay with the closed
		 * node and would only end in the operation timeout. Cancelled here, they fail at
		 * once as {@code TRANSIENT}; an idempotent backend operation is then tried again,
		 * on the key's new server. Runs on the client's I/O thread, which owns the nodes'
		 * queues.
		 */
		@Override
		public void updateLocator(List<MemcachedNode> nodes) {
			List<MemcachedNode> before = List.copyOf(this.delegate.getAll());
			this.delegate.updateLocator(nodes);
			this.updated.accept(nodes);
			for (MemcachedNode node : before) {
				if (nodes.stream().noneMatch((kept) -> kept == node)) {
					cancelOperations(node);
				}
			}
		}

		private static void cancelOperations(MemcachedNode node) {
			List<Operation> operations = new ArrayList<>(node.destroyInputQueue());
			while (node.hasWriteOp()) {
				operations.add(node.removeCurrentWriteOp());
			}
			while (node.hasReadOp()) {
				operations.add(node.removeCurrentReadOp());
			}
			for (Operation operation : operations) {
				if (operation != null && !operation.isCancelled()) {
					operation.cancel();
				}
			}
		}

	}

}
