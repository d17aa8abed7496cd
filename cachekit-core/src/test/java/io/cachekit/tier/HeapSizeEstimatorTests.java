package io.cachekit.tier;

import java.lang.reflect.Field;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

import io.cachekit.test.ManualTime;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.openjdk.jol.info.GraphLayout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.within;

/**
 * {@link HeapSizeEstimator} against the heap layout JOL reads from the running JVM.
 */
class HeapSizeEstimatorTests {

	static {
		// JOL reads the fields of records and hidden classes through Unsafe only so.
		System.setProperty("jol.magicFieldOffset", "true");
	}

	private final HeapSizeEstimator estimator = new HeapSizeEstimator(null);

	static Stream<Arguments> values() {
		return Stream.of(Arguments.of("book512 (a List.of of two records)", book512(0)),
				Arguments.of("catalog10k (records, ArrayList, LinkedHashMap, BigDecimal, Instant)",
						Catalog.of(4, 10, 0)),
				Arguments.of("one record", Book.numbered(7)), Arguments.of("Latin-1 string", "The Art of Caching"),
				Arguments.of("UTF-16 string", "Кэширование, том 1"), Arguments.of("empty string", new String("")),
				Arguments.of("ArrayList of 25 longs", longs(25, new ArrayList<>())),
				Arguments.of("LinkedList of 25 longs", longs(25, new LinkedList<>())),
				Arguments.of("HashSet of 25 longs", longs(25, new HashSet<>())),
				Arguments.of("List.of of 5 strings", List.of("a1", "b2", "c3", "d4", "e5")),
				Arguments.of("Set.of of 5 strings", Set.of("a1", "b2", "c3", "d4", "e5")),
				Arguments.of("Map.of of 3 entries", Map.of("a1", 1L << 40, "b2", 2L << 40, "c3", 3L << 40)),
				Arguments.of("LinkedHashMap of 40 prices", prices(40, new LinkedHashMap<>())),
				Arguments.of("HashMap of 40 prices", prices(40, new HashMap<>())),
				Arguments.of("TreeMap of 40 prices", prices(40, new TreeMap<>())),
				Arguments.of("BigDecimal of 4 digits", new BigDecimal("39.90")),
				Arguments.of("BigDecimal of 40 digits", new BigDecimal("1234567890123456789012345678901234567.890")),
				Arguments.of("BigInteger of 100 bits", BigInteger.ONE.shiftLeft(100).add(BigInteger.TEN)),
				Arguments.of("Instant", Instant.parse("2026-11-01T08:00:00Z")),
				Arguments.of("LocalDateTime", LocalDateTime.parse("2026-11-01T08:00:00")),
				Arguments.of("UUID", new UUID(1, 2)), Arguments.of("Optional of a string", Optional.of("value")),
				Arguments.of("int[100]", new int[100]), Arguments.of("String[3]", new String[] { "a1", "b2", "c3" }),
				Arguments.of("Arrays.asList", Arrays.asList("a1", "b2", "c3")));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("values")
	void estimateIsWithinTwentyPercentOfTheHeapJolMeasures(String name, Object value) {
		long heap = GraphLayout.parseInstance(value).totalSize();
		long estimate = this.estimator.weigh(value);
		System.out.printf("%-70s JOL %6d B, estimate %6d B (%+.1f%%)%n", name, heap, estimate,
				100.0 * (estimate - heap) / heap);
		assertThat((double) estimate).isCloseTo(heap, within(heap * 0.2));
	}

	@Test
	void l1WeightCountsAtLeastTheHeapItsEntriesHoldAndNotMuchMore() throws ReflectiveOperationException {
		ManualTime time = new ManualTime();
		L1Store empty = store(time);
		L1Store l1 = store(time);
		long before = GraphLayout.parseInstance(caffeine(empty)).totalSize();
		for (int i = 0; i < 1000; i++) {
			l1.put("books-" + i, book512(i), 1, time.instant().plusSeconds(60));
		}
		long held = GraphLayout.parseInstance(caffeine(l1)).totalSize() - before;
		System.out.printf("1000 entries of book512: JOL %d B over an empty L1, weight %d B (%+.1f%%)%n", held,
				l1.weight(), 100.0 * (l1.weight() - held) / held);
		assertThat(l1.weight()).isGreaterThanOrEqualTo(held).isLessThan(held * 12 / 10);
	}

	@Test
	void nullWeighsNothing() {
		assertThat(this.estimator.weigh(null)).isZero();
	}

	@Test
	void sharedEnumConstantsWeighNothing() {
		assertThat(this.estimator.weigh(Thread.State.NEW)).isZero();
	}

	@Test
	void valueThatRefersToItselfIsTooLargeAndTheWalkEnds() {
		List<Object> cycle = new ArrayList<>();
		cycle.add(cycle);
		assertThat(this.estimator.weigh(cycle)).isEqualTo(HeapSizeEstimator.TOO_LARGE);
	}

	@Test
	void valueOfMoreObjectsThanAWalkVisitsIsTooLarge() {
		assertThat(this.estimator.weigh(longs(HeapSizeEstimator.MAX_OBJECTS + 1, new ArrayList<>())))
			.isEqualTo(HeapSizeEstimator.TOO_LARGE);
	}

	@Test
	void graphWhoseSharedReferencesMultiplyEndsAtTheObjectLimit() {
		// Each level refers twice to the one below: 2^60 paths, walked up to the limit.
		Object level = "leaf";
		for (int i = 0; i < 60; i++) {
			level = List.of(level, level);
		}
		assertThat(this.estimator.weigh(level)).isEqualTo(HeapSizeEstimator.TOO_LARGE);
	}

	@Test
	void checkedValueThatRefersToItselfIsRefused() {
		HeapSizeEstimator checked = new HeapSizeEstimator((type) -> true);
		List<Object> cycle = new ArrayList<>();
		cycle.add(cycle);
		assertThatExceptionOfType(HeapSizeEstimator.RefusedValueException.class).isThrownBy(() -> checked.weigh(cycle))
			.satisfies((ex) -> assertThat(ex.description()).contains("refers to itself"));
	}

	@Test
	void checkedValueRefusesAClassFoundInAField() {
		HeapSizeEstimator checked = new HeapSizeEstimator((type) -> type != UUID.class);
		assertThat(checked.weigh(Book.numbered(1))).isPositive();
		assertThatExceptionOfType(HeapSizeEstimator.RefusedValueException.class)
			.isThrownBy(() -> checked.weigh(new Holder(new UUID(1, 2))))
			.satisfies((ex) -> assertThat(ex.description()).contains(UUID.class.getName()));
	}

	@Test
	void checkedValueRefusesAClassValueNamingARefusedClass() {
		HeapSizeEstimator checked = new HeapSizeEstimator((type) -> type != UUID.class);
		assertThatExceptionOfType(HeapSizeEstimator.RefusedValueException.class)
			.isThrownBy(() -> checked.weigh(List.of(UUID.class)));
	}

	@Test
	void walkOfAnotherValueIsNotDisturbedByAnEarlierRefusal() {
		HeapSizeEstimator checked = new HeapSizeEstimator((type) -> type != UUID.class);
		assertThatExceptionOfType(HeapSizeEstimator.RefusedValueException.class)
			.isThrownBy(() -> checked.weigh(List.of(new UUID(1, 2), "a", "b", "c")));
		assertThat(checked.weigh("abc")).isEqualTo(this.estimator.weigh("abc"));
	}

	/**
	 * The Caffeine cache of an L1, without the estimator beside it, whose table of
	 * classes would lead JOL into class metadata.
	 */
	private static Object caffeine(L1Store l1) throws ReflectiveOperationException {
		Field cache = L1Store.class.getDeclaredField("cache");
		cache.setAccessible(true);
		return Objects.requireNonNull(cache.get(l1));
	}

	private static L1Store store(ManualTime time) {
		return L1Store.create(CacheConfiguration.defaults(), new TimeSource(time, time), Runnable::run,
				new TierCounters(), null, new ChangeStamps(), null);
	}

	static List<Book> book512(int index) {
		return List.of(Book.numbered(2 * index + 1), Book.numbered(2 * index + 2));
	}

	private static <C extends java.util.Collection<Long>> C longs(int count, C collection) {
		for (int i = 0; i < count; i++) {
			collection.add(1_000_000L + i);
		}
		return collection;
	}

	private static Map<String, BigDecimal> prices(int count, Map<String, BigDecimal> map) {
		for (int i = 0; i < count; i++) {
			map.put(Long.toString(9_780_000_000_000L + i), new BigDecimal("39.90").add(BigDecimal.valueOf(i, 2)));
		}
		return map;
	}

	record Holder(@Nullable Object value) {

	}

	/**
	 * A book as the benchmarks cache it.
	 */
	record Book(String title, long isbn, Instant published, List<String> authors, BigDecimal price) {

		static Book numbered(int index) {
			return new Book("The Art of Caching, volume " + index, 9_780_000_000_000L + index,
					Instant.parse("2024-01-01T00:00:00Z").plusSeconds(86_400L * index),
					List.of("Ada Lovelace", "Charles Babbage"),
					new BigDecimal("39.90").add(BigDecimal.valueOf(index, 2)));
		}

	}

	/**
	 * A page of a catalogue as the benchmarks cache it: about 10 KB once encoded.
	 */
	record Catalog(String name, Instant generatedAt, List<Shelf> shelves, Map<String, BigDecimal> prices,
			Map<String, Instant> restocked) {

		static Catalog of(int shelves, int booksPerShelf, int firstBook) {
			List<Shelf> all = new ArrayList<>();
			Map<String, BigDecimal> prices = new LinkedHashMap<>();
			Map<String, Instant> restocked = new LinkedHashMap<>();
			Instant base = Instant.parse("2026-11-01T08:00:00Z");
			for (int s = 0; s < shelves; s++) {
				List<Book> books = new ArrayList<>();
				for (int b = 0; b < booksPerShelf; b++) {
					Book book = Book.numbered(firstBook + s * booksPerShelf + b);
					books.add(book);
					prices.put(Long.toString(book.isbn()), book.price());
				}
				String name = "shelf " + (char) ('A' + s);
				all.add(new Shelf(name, "Computing, aisle " + (s + 1), books, List.of("new", "staff pick", "caching")));
				restocked.put(name, base.plusSeconds(3_600L * s));
			}
			return new Catalog("Spring catalogue", base, all, prices, restocked);
		}

	}

	record Shelf(String name, String location, List<Book> books, List<String> labels) {

	}

}
