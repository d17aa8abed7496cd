package io.cachekit.backend;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.cachekit.test.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The behaviour every {@link Backend} must have, as a JUnit 5 suite to extend.
 *
 * <p>
 * A subclass creates the backend under test against a real store and names the
 * capabilities it offers; the suite checks the five operations, expiry, binary values,
 * unusual keys, concurrency, health, and each declared capability.
 *
 * <pre>{@code
 * class MyBackendIntegrationTests extends BackendContract {
 *     protected Backend createBackend() { return new MyBackend(...); }
 *     protected String expectedBackendType() { return "mine"; }
 *     protected Set<Class<?>> expectedCapabilities() { return Set.of(); }
 * }
 * }</pre>
 *
 * <p>
 * Each test gets a fresh backend from {@link #createBackend()} and closes it after, if it
 * is {@link AutoCloseable}. Keys are unique per test, so tests may share one store.
 * Expiry tests wait for a real one-second TTL to pass.
 */
public abstract class BackendContract {

	private static final Duration ONE_SECOND = Duration.ofSeconds(1);

	private static final Duration EXPIRY_WAIT = Duration.ofSeconds(5);

	private Backend backend;

	private String namespace;

	/**
	 * Creates the backend under test, connected to a store that is up.
	 * @return a new backend
	 * @throws Exception when it cannot be created
	 */
	protected abstract Backend createBackend() throws Exception;

	/**
	 * Returns the {@link Backend#backendType()} of the backend, which its health reports
	 * too.
	 * @return the type, such as {@code memcached}
	 */
	protected abstract String expectedBackendType();

	/**
	 * Returns the capability interfaces the backend offers through
	 * {@link Backend#capability(Class)}, among {@link AddIfAbsent}, {@link BulkGet},
	 * {@link Increment} and {@link TtlInspection}.
	 * @return the offered capabilities
	 */
	protected abstract Set<Class<?>> expectedCapabilities();

	/**
	 * Returns the size of the largest value the large-value test stores; just under 1 MiB
	 * unless overridden.
	 * @return the size in bytes
	 */
	protected int largeValueSize() {
		return 1024 * 1024 - 1024;
	}

	/**
	 * Returns the backend under test for this test method.
	 * @return the backend
	 */
	protected final Backend backend() {
		return this.backend;
	}

	/**
	 * Returns a key unique to this test method.
	 * @param name what the key is for
	 * @return the key
	 */
	protected final String key(String name) {
		return this.namespace + name;
	}

	@BeforeEach
	void createBackendUnderTest(TestInfo test) throws Exception {
		this.namespace = "contract:" + test.getTestMethod().map((method) -> method.getName()).orElse("test") + ":"
				+ UUID.randomUUID().toString().substring(0, 8) + ":";
		this.backend = createBackend();
	}

	@AfterEach
	void closeBackendUnderTest() throws Exception {
		if (this.backend instanceof AutoCloseable closeable) {
			closeable.close();
		}
	}

	@Test
	void setThenGetReturnsTheSameBytes() {
		this.backend.set(key("k"), bytes("value"), null);
		assertThat(this.backend.get(key("k"))).isEqualTo(bytes("value"));
	}

	@Test
	void getOfMissingKeyReturnsNull() {
		assertThat(this.backend.get(key("missing"))).isNull();
	}

	@Test
	void deleteOfExistingKeyReturnsTrueAndRemovesIt() {
		this.backend.set(key("k"), bytes("value"), null);
		assertThat(this.backend.delete(key("k"))).isTrue();
		assertThat(this.backend.get(key("k"))).isNull();
	}

	@Test
	void deleteOfMissingKeyReturnsFalse() {
		assertThat(this.backend.delete(key("missing"))).isFalse();
	}

	@Test
	void deleteLeavesOtherKeysAlone() {
		this.backend.set(key("a"), bytes("a"), null);
		this.backend.set(key("b"), bytes("b"), null);
		this.backend.delete(key("a"));
		assertThat(this.backend.get(key("b"))).isEqualTo(bytes("b"));
	}

	@Test
	void existsIsTrueForStoredKey() {
		this.backend.set(key("k"), bytes("value"), null);
		assertThat(this.backend.exists(key("k"))).isTrue();
	}

	@Test
	void existsIsFalseForMissingKey() {
		assertThat(this.backend.exists(key("missing"))).isFalse();
	}

	@Test
	void setOverwritesExistingValue() {
		this.backend.set(key("k"), bytes("first"), null);
		this.backend.set(key("k"), bytes("second"), null);
		assertThat(this.backend.get(key("k"))).isEqualTo(bytes("second"));
	}

	@Test
	void emptyValueRoundTripsAsEmptyNotMissing() {
		this.backend.set(key("k"), new byte[0], null);
		assertThat(this.backend.get(key("k"))).isNotNull().isEmpty();
		assertThat(this.backend.exists(key("k"))).isTrue();
	}

	@Test
	void entryWithATtlIsAliveBeforeExpiry() {
		// Three seconds: a store with one-second resolution may expire a 1 s entry at its
		// next clock tick, however soon that comes.
		this.backend.set(key("k"), bytes("value"), Duration.ofSeconds(3));
		assertThat(this.backend.get(key("k"))).isEqualTo(bytes("value"));
		assertThat(this.backend.exists(key("k"))).isTrue();
	}

	@Test
	void entryWithOneSecondTtlIsGoneAfterExpiry() throws InterruptedException {
		this.backend.set(key("k"), bytes("value"), ONE_SECOND);
		assertThat(awaitExpiry(key("k"))).as("entry with a 1 s TTL is gone within %s", EXPIRY_WAIT).isTrue();
	}

	@Test
	void nullZeroAndNegativeTtlsMeanNoExpiry() throws InterruptedException {
		this.backend.set(key("null"), bytes("v"), null);
		this.backend.set(key("zero"), bytes("v"), Duration.ZERO);
		this.backend.set(key("negative"), bytes("v"), Duration.ofSeconds(-5));
		this.backend.set(key("expiring"), bytes("v"), ONE_SECOND);
		assertThat(awaitExpiry(key("expiring"))).isTrue();
		assertThat(this.backend.get(key("null"))).isEqualTo(bytes("v"));
		assertThat(this.backend.get(key("zero"))).isEqualTo(bytes("v"));
		assertThat(this.backend.get(key("negative"))).isEqualTo(bytes("v"));
	}

	@Test
	void subSecondTtlDoesNotMeanNoExpiryAndStoresTheEntry() throws InterruptedException {
		this.backend.set(key("k"), bytes("v"), Duration.ofMillis(300));
		assertThat(awaitExpiry(key("k"))).isTrue();
	}

	@Test
	void thirtyOneDayTtlIsStored() {
		this.backend.set(key("k"), bytes("value"), Duration.ofDays(31));
		assertThat(this.backend.get(key("k"))).isEqualTo(bytes("value"));
	}

	@Test
	void valueWithNulBytesRoundTrips() {
		byte[] value = { 0, 'a', 0, 0, 'b', 0 };
		this.backend.set(key("k"), value, null);
		assertThat(this.backend.get(key("k"))).isEqualTo(value);
	}

	@Test
	void valueWithAllByteValuesRoundTrips() {
		byte[] value = new byte[512];
		for (int i = 0; i < value.length; i++) {
			value[i] = (byte) i;
		}
		this.backend.set(key("k"), value, null);
		assertThat(this.backend.get(key("k"))).isEqualTo(value);
	}

	@Test
	void largeValueRoundTrips() {
		byte[] value = new byte[largeValueSize()];
		ThreadLocalRandom.current().nextBytes(value);
		this.backend.set(key("k"), value, null);
		assertThat(this.backend.get(key("k"))).isEqualTo(value);
	}

	@Test
	void fiveHundredSequentialKeysAllRoundTrip() {
		for (int i = 0; i < 500; i++) {
			this.backend.set(key("seq:" + i), bytes("value-" + i), null);
		}
		for (int i = 0; i < 500; i++) {
			assertThat(this.backend.get(key("seq:" + i))).as("key %d", i).isEqualTo(bytes("value-" + i));
		}
	}

	@Test
	void twoHundredRapidSetDeleteCyclesLeaveNothingBehind() {
		for (int i = 0; i < 200; i++) {
			this.backend.set(key("k"), bytes("value-" + i), null);
			assertThat(this.backend.delete(key("k"))).as("cycle %d", i).isTrue();
		}
		assertThat(this.backend.get(key("k"))).isNull();
	}

	@Test
	void tenThreadsSettingAndGettingTheirOwnKeysSeeTheirOwnValues() throws Exception {
		List<Callable<Integer>> tasks = new ArrayList<>();
		for (int t = 0; t < 10; t++) {
			int thread = t;
			tasks.add(() -> {
				for (int i = 0; i < 50; i++) {
					String k = key("t" + thread + ":" + i);
					byte[] value = bytes(thread + ":" + i);
					this.backend.set(k, value, null);
					assertThat(this.backend.get(k)).isEqualTo(value);
				}
				return 50;
			});
		}
		assertThat(runAll(tasks)).containsOnly(50).hasSize(10);
	}

	@Test
	void fiveThreadsMixingOperationsOnSharedKeysNeverSeeAnotherKeysValue() throws Exception {
		List<Callable<Integer>> tasks = new ArrayList<>();
		for (int t = 0; t < 5; t++) {
			int thread = t;
			tasks.add(() -> {
				ThreadLocalRandom random = ThreadLocalRandom.current();
				int reads = 0;
				for (int i = 0; i < 100; i++) {
					int shared = random.nextInt(20);
					String k = key("shared:" + shared);
					switch (random.nextInt(4)) {
						case 0 -> this.backend.set(k, bytes(shared + ":" + thread + ":" + i), null);
						case 1 -> {
							byte[] value = this.backend.get(k);
							if (value != null) {
								assertThat(new String(value, StandardCharsets.UTF_8)).startsWith(shared + ":");
								reads++;
							}
						}
						case 2 -> this.backend.delete(k);
						default -> this.backend.exists(k);
					}
				}
				return reads;
			});
		}
		assertThat(runAll(tasks)).hasSize(5);
		for (int shared = 0; shared < 20; shared++) {
			byte[] value = this.backend.get(key("shared:" + shared));
			if (value != null) {
				assertThat(new String(value, StandardCharsets.UTF_8)).startsWith(shared + ":");
			}
		}
	}

	static Stream<String> unusualKeys() {
		return Stream.of("with space", "new\nline", "a\r\nflush_all", "tab\there", "x".repeat(1000), "ключ-日本語-🔑",
				"é".repeat(200), "", "hash#sign", "nul\u0000byte", "\u00a0nbsp");
	}

	@ParameterizedTest
	@MethodSource("unusualKeys")
	void unusualKeyRoundTripsAndLeavesOtherKeysAlone(String unusual) {
		this.backend.set(key("sentinel"), bytes("sentinel"), null);
		this.backend.set(key(unusual), bytes("unusual"), null);
		assertThat(this.backend.get(key(unusual))).isEqualTo(bytes("unusual"));
		assertThat(this.backend.exists(key(unusual))).isTrue();
		assertThat(this.backend.get(key("sentinel"))).isEqualTo(bytes("sentinel"));
		assertThat(this.backend.delete(key(unusual))).isTrue();
		assertThat(this.backend.get(key("sentinel"))).isEqualTo(bytes("sentinel"));
	}

	@Test
	void unusualKeysAreAllDistinct() {
		List<String> keys = unusualKeys().toList();
		for (int i = 0; i < keys.size(); i++) {
			this.backend.set(key(keys.get(i)), bytes("value-" + i), null);
		}
		for (int i = 0; i < keys.size(); i++) {
			assertThat(this.backend.get(key(keys.get(i)))).as("key %d", i).isEqualTo(bytes("value-" + i));
		}
	}

	@Test
	void keysDifferingOnlyByWhitespaceStayDistinct() {
		this.backend.set(key("a b"), bytes("spaced"), null);
		this.backend.set(key("ab"), bytes("joined"), null);
		this.backend.set(key("a_b"), bytes("underscored"), null);
		assertThat(this.backend.get(key("a b"))).isEqualTo(bytes("spaced"));
		assertThat(this.backend.get(key("ab"))).isEqualTo(bytes("joined"));
		assertThat(this.backend.get(key("a_b"))).isEqualTo(bytes("underscored"));
	}

	@Test
	void healthOfLiveBackendIsHealthyWithTypeAndLatency() {
		BackendHealth health = this.backend.health();
		assertThat(health.healthy()).as("healthy: %s", health).isTrue();
		assertThat(health.backendType()).isEqualTo(expectedBackendType());
		assertThat(health.latencyMs()).isGreaterThanOrEqualTo(0);
		assertThat(health.details()).doesNotContainKey("error");
	}

	@Test
	void backendTypeIsTheOneItsHealthReports() {
		assertThat(this.backend.backendType()).isEqualTo(expectedBackendType());
		assertThat(this.backend.health().backendType()).isEqualTo(this.backend.backendType());
	}

	@Test
	void capabilitiesAreExactlyTheDeclaredOnes() {
		for (Class<?> type : List.of(AddIfAbsent.class, BulkGet.class, Broadcast.class, Increment.class,
				TtlInspection.class)) {
			assertThat(this.backend.capability(type).isPresent()).as("capability %s", type.getSimpleName())
				.isEqualTo(expectedCapabilities().contains(type));
		}
	}

	@Test
	void broadcastDeliversAMessageToEverySubscriberOfTheChannelOnly() {
		for (Broadcast broadcast : this.backend.capability(Broadcast.class).stream().toList()) {
			List<String> first = new CopyOnWriteArrayList<>();
			List<String> second = new CopyOnWriteArrayList<>();
			List<String> other = new CopyOnWriteArrayList<>();
			String channel = key("channel");
			try (Broadcast.Subscription one = broadcast.subscribe(channel, listener(first));
					Broadcast.Subscription two = broadcast.subscribe(channel, listener(second));
					Broadcast.Subscription elsewhere = broadcast.subscribe(key("other"), listener(other))) {
				// Subscriptions are made in the background: publish until both hear.
				assertThat(Await.until(() -> {
					broadcast.publish(channel, bytes("ping"));
					return first.contains("ping") && second.contains("ping");
				})).isTrue();
				assertThat(Await.until(() -> {
					broadcast.publish(key("other"), bytes("ping"));
					return other.contains("ping");
				})).isTrue();
				broadcast.publish(channel, bytes("hello"));
				assertThat(Await.until(() -> heard(first).size() == 1 && heard(second).size() == 1)).isTrue();
				two.close();
				broadcast.publish(channel, bytes("again"));
				broadcast.publish(key("other"), bytes("marker"));
				assertThat(Await.until(() -> heard(first).size() == 2 && heard(other).size() == 1)).isTrue();
				assertThat(heard(first)).containsExactly("hello", "again");
				assertThat(heard(second)).as("closed subscription").containsExactly("hello");
				assertThat(heard(other)).as("another channel").containsExactly("marker");
			}
		}
		assertThat(this.backend.capability(Broadcast.class).isPresent())
			.isEqualTo(expectedCapabilities().contains(Broadcast.class));
	}

	private static List<String> heard(List<String> received) {
		return received.stream().filter((message) -> !message.equals("ping")).toList();
	}

	private static Broadcast.Listener listener(List<String> received) {
		return (message) -> received.add(new String(message, StandardCharsets.UTF_8));
	}

	@Test
	void addIfAbsentStoresOnlyWhenTheKeyIsFree() {
		for (AddIfAbsent add : this.backend.capability(AddIfAbsent.class).stream().toList()) {
			assertThat(add.addIfAbsent(key("k"), bytes("first"), null)).isTrue();
			assertThat(add.addIfAbsent(key("k"), bytes("second"), null)).isFalse();
			assertThat(this.backend.get(key("k"))).isEqualTo(bytes("first"));
		}
		assertThat(this.backend.capability(AddIfAbsent.class).isPresent())
			.isEqualTo(expectedCapabilities().contains(AddIfAbsent.class));
	}

	@Test
	void addIfAbsentOfConcurrentWritersLetsExactlyOneWin() throws Exception {
		for (AddIfAbsent add : this.backend.capability(AddIfAbsent.class).stream().toList()) {
			List<Callable<Integer>> tasks = new ArrayList<>();
			for (int t = 0; t < 8; t++) {
				int thread = t;
				tasks.add(() -> add.addIfAbsent(key("race"), bytes("writer-" + thread), null) ? 1 : 0);
			}
			assertThat(runAll(tasks).stream().mapToInt(Integer::intValue).sum()).isEqualTo(1);
		}
		assertThat(this.backend.capability(AddIfAbsent.class).isPresent())
			.isEqualTo(expectedCapabilities().contains(AddIfAbsent.class));
	}

	@Test
	void getAllReturnsOnlyTheKeysThatHoldEntries() {
		for (BulkGet bulk : this.backend.capability(BulkGet.class).stream().toList()) {
			this.backend.set(key("a"), bytes("A"), null);
			this.backend.set(key("b c"), bytes("BC"), null);
			Map<String, byte[]> found = bulk.getAll(List.of(key("a"), key("b c"), key("missing")));
			assertThat(found).containsOnlyKeys(key("a"), key("b c"));
			assertThat(found.get(key("a"))).isEqualTo(bytes("A"));
			assertThat(found.get(key("b c"))).isEqualTo(bytes("BC"));
			assertThat(bulk.getAll(List.of())).isEmpty();
		}
		assertThat(this.backend.capability(BulkGet.class).isPresent())
			.isEqualTo(expectedCapabilities().contains(BulkGet.class));
	}

	@Test
	void incrementCreatesWithTheInitialValueThenAdds() {
		for (Increment counter : this.backend.capability(Increment.class).stream().toList()) {
			assertThat(counter.increment(key("n"), 5, 1, null)).isEqualTo(1);
			assertThat(counter.increment(key("n"), 5, 1, null)).isEqualTo(6);
			assertThat(counter.increment(key("n"), 0, 1, null)).isEqualTo(6);
			assertThat(this.backend.get(key("n"))).isEqualTo(bytes("6"));
		}
		assertThat(this.backend.capability(Increment.class).isPresent())
			.isEqualTo(expectedCapabilities().contains(Increment.class));
	}

	@Test
	void incrementOfConcurrentWritersCountsEveryOne() throws Exception {
		for (Increment counter : this.backend.capability(Increment.class).stream().toList()) {
			List<Callable<Integer>> tasks = new ArrayList<>();
			for (int t = 0; t < 5; t++) {
				tasks.add(() -> {
					for (int i = 0; i < 20; i++) {
						counter.increment(key("n"), 1, 0, null);
					}
					return 20;
				});
			}
			runAll(tasks);
			assertThat(counter.increment(key("n"), 0, 0, null)).isEqualTo(99);
		}
		assertThat(this.backend.capability(Increment.class).isPresent())
			.isEqualTo(expectedCapabilities().contains(Increment.class));
	}

	@Test
	void incrementOfANonCounterValueFailsAsPermanent() {
		for (Increment counter : this.backend.capability(Increment.class).stream().toList()) {
			this.backend.set(key("text"), bytes("not a number"), null);
			assertThatExceptionOfType(BackendException.class)
				.isThrownBy(() -> counter.increment(key("text"), 1, 0, null))
				.satisfies((ex) -> assertThat(ex.getErrorType()).isEqualTo(BackendErrorType.PERMANENT));
		}
		assertThat(this.backend.capability(Increment.class).isPresent())
			.isEqualTo(expectedCapabilities().contains(Increment.class));
	}

	@Test
	void remainingTtlTellsMissingFromNoExpiryFromExpiring() {
		for (TtlInspection inspection : this.backend.capability(TtlInspection.class).stream().toList()) {
			this.backend.set(key("forever"), bytes("v"), null);
			this.backend.set(key("expiring"), bytes("v"), Duration.ofSeconds(60));
			assertThat(inspection.remainingTtl(key("missing"))).isEqualTo(RemainingTtl.missing());
			assertThat(inspection.remainingTtl(key("forever"))).isEqualTo(RemainingTtl.noExpiry());
			RemainingTtl expiring = inspection.remainingTtl(key("expiring"));
			assertThat(expiring.exists()).isTrue();
			assertThat(expiring.expires()).isTrue();
			assertThat(expiring.remaining())
				.hasValueSatisfying((remaining) -> assertThat(remaining).isGreaterThan(Duration.ZERO)
					.isLessThanOrEqualTo(Duration.ofSeconds(60)));
		}
		assertThat(this.backend.capability(TtlInspection.class).isPresent())
			.isEqualTo(expectedCapabilities().contains(TtlInspection.class));
	}

	@Test
	void remainingTtlOfAnExpiredEntryIsMissing() throws InterruptedException {
		for (TtlInspection inspection : this.backend.capability(TtlInspection.class).stream().toList()) {
			this.backend.set(key("k"), bytes("v"), ONE_SECOND);
			assertThat(awaitExpiry(key("k"))).isTrue();
			assertThat(inspection.remainingTtl(key("k"))).isEqualTo(RemainingTtl.missing());
		}
		assertThat(this.backend.capability(TtlInspection.class).isPresent())
			.isEqualTo(expectedCapabilities().contains(TtlInspection.class));
	}

	/**
	 * Polls until the key is gone, for at most five seconds.
	 * @param key the key
	 * @return {@code true} when it expired in time
	 * @throws InterruptedException when interrupted
	 */
	protected final boolean awaitExpiry(String key) throws InterruptedException {
		long deadline = System.nanoTime() + EXPIRY_WAIT.toNanos();
		while (System.nanoTime() < deadline) {
			if (this.backend.get(key) == null) {
				return true;
			}
			Thread.sleep(100);
		}
		return false;
	}

	/**
	 * Returns the UTF-8 bytes of a string.
	 * @param text the string
	 * @return its bytes
	 */
	protected static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static <T> List<T> runAll(List<Callable<T>> tasks) throws Exception {
		ExecutorService executor = Executors.newFixedThreadPool(tasks.size());
		try {
			List<T> results = new ArrayList<>();
			for (Future<T> future : executor.invokeAll(tasks, 60, TimeUnit.SECONDS)) {
				results.add(future.get());
			}
			return results;
		}
		finally {
			executor.shutdownNow();
		}
	}

}
