package io.cachekit.codec;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.Month;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import io.cachekit.codec.fixture.Catalog;
import io.cachekit.codec.fixture.Customer;
import io.cachekit.codec.fixture.Drawing;
import io.cachekit.codec.fixture.Holder;
import io.cachekit.codec.fixture.LineItem;
import io.cachekit.codec.fixture.Order;
import io.cachekit.codec.fixture.Page;
import io.cachekit.codec.fixture.Point;
import io.cachekit.codec.fixture.Shape;
import io.cachekit.codec.fixture.Stamped;
import io.cachekit.codec.fixture.Status;
import io.cachekit.codec.fixture.Unwritable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Values written by {@link MessagePackCodec} come back equal and of their class.
 */
class MessagePackCodecTests {

	private static final String KEY = MessagePackCodecEnvelopeTests.KEY;

	private static final Instant EXPIRY = Instant.parse("2031-05-06T07:08:09.123Z");

	private final MessagePackCodec codec = MessagePackCodec.builder()
		.trustedPackages("io.cachekit.codec.fixture")
		.build();

	static Stream<Object> jdkValues() {
		return Stream.of("text", "", "ünïcødé ✓", 'c', true, false, (byte) -7, (short) 300, 42, -1, Integer.MIN_VALUE,
				42L, Long.MAX_VALUE, Long.MIN_VALUE, 1.5f, 2.25d, Double.NaN, Double.NEGATIVE_INFINITY,
				new BigDecimal("1.10"), new BigDecimal("-12345678901234567890.123456789012345678901234567890"),
				new BigDecimal("1E+3"), new BigDecimal("0E-10"), new BigDecimal("-7.5E-12"),
				BigInteger.TWO.pow(200).negate(), BigInteger.ONE,
				UUID.fromString("123e4567-e89b-12d3-a456-426614174000"),
				Instant.parse("2024-02-29T23:59:59.123456789Z"), Instant.EPOCH, Instant.MIN, Instant.MAX,
				Instant.parse("+10000-01-01T00:00:00Z"), Instant.parse("-0001-12-31T23:59:59.5Z"),
				LocalDate.of(2024, 2, 29), LocalTime.of(23, 59, 59, 1), LocalDateTime.of(2024, 1, 2, 3, 4, 5, 6),
				ZonedDateTime.of(2024, 3, 31, 2, 30, 0, 0, ZoneId.of("Europe/Paris")),
				OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 0, ZoneOffset.ofHours(-7)),
				OffsetTime.of(10, 11, 12, 0, ZoneOffset.ofHoursMinutes(5, 30)), Duration.ofMillis(90061001),
				Period.of(1, 2, 3), Year.of(2024), YearMonth.of(2024, 2), MonthDay.of(2, 29),
				ZoneId.of("America/New_York"), ZoneOffset.ofHours(2), DayOfWeek.FRIDAY, Month.FEBRUARY, Status.NEW,
				Status.SHIPPED);
	}

	@ParameterizedTest
	@MethodSource("jdkValues")
	void valueRoundTripsToAnEqualValueOfItsClass(Object value) {
		Object decoded = roundTrip(value);
		assertThat(decoded).isEqualTo(value);
		assertThat(decoded.getClass()).isEqualTo(value.getClass());
	}

	@Test
	void enumConstantWithABodyRoundTripsToTheSameConstant() {
		assertThat(roundTrip(Status.SHIPPED)).isSameAs(Status.SHIPPED);
	}

	@Test
	void bigDecimalKeepsItsScale() {
		BigDecimal decoded = (BigDecimal) roundTrip(new BigDecimal("10.00"));
		assertThat(decoded.scale()).isEqualTo(2);
		assertThat(decoded.unscaledValue()).isEqualTo(BigInteger.valueOf(1000));
	}

	@Test
	void anInstantIsStoredAsTheTextInstantToStringWrites() {
		for (Instant instant : List.of(Instant.parse("2024-02-29T23:59:59.120Z"),
				Instant.parse("+10000-01-01T00:00:00Z"), Instant.MIN)) {
			String stored = new String(this.codec.encode(instant, EXPIRY, KEY), StandardCharsets.UTF_8);
			assertThat(stored).contains(instant.toString());
		}
	}

	@Test
	void instantsDeclaredAsObjectOrWithAFormatOfTheirOwnRoundTrip() {
		Instant at = Instant.parse("2024-05-06T10:15:30.001Z");
		Instant epochSeconds = Instant.parse("2025-01-02T03:04:05Z");
		Stamped stamped = new Stamped(at, Instant.parse("9999-12-31T23:59:59.999999999Z"), epochSeconds);
		assertThat(roundTrip(stamped)).isEqualTo(stamped);
		assertThat(roundTrip(new Stamped(at, Instant.MAX, epochSeconds)))
			.isEqualTo(new Stamped(at, Instant.MAX, epochSeconds));
		String stored = new String(this.codec.encode(stamped, EXPIRY, KEY), StandardCharsets.UTF_8);
		assertThat(stored).contains(at.toString()).doesNotContain(epochSeconds.toString());
	}

	@Test
	void zonedDateTimeKeepsItsZone() {
		ZonedDateTime value = ZonedDateTime.of(2024, 7, 1, 12, 0, 0, 0, ZoneId.of("Asia/Tokyo"));
		ZonedDateTime decoded = (ZonedDateTime) roundTrip(value);
		assertThat(decoded.getZone()).isEqualTo(ZoneId.of("Asia/Tokyo"));
		assertThat(decoded).isEqualTo(value);
	}

	@Test
	void byteArrayRoundTrips() {
		byte[] value = { 0, 1, -1, 127, -128 };
		assertThat((byte[]) roundTrip(value)).containsExactly(value);
	}

	@Test
	void primitiveArraysRoundTrip() {
		assertThat((int[]) roundTrip(new int[] { 1, -2, Integer.MAX_VALUE })).containsExactly(1, -2, Integer.MAX_VALUE);
		assertThat((long[]) roundTrip(new long[] { Long.MIN_VALUE, 0 })).containsExactly(Long.MIN_VALUE, 0);
		assertThat((double[]) roundTrip(new double[] { 0.5, -1 })).containsExactly(0.5, -1);
		assertThat((boolean[]) roundTrip(new boolean[] { true, false })).containsExactly(true, false);
		assertThat((char[]) roundTrip(new char[] { 'a', 'ß' })).containsExactly('a', 'ß');
	}

	@Test
	void objectArraysRoundTripWithTheirElementClasses() {
		Object[] mixed = { 1L, "two", new Point(3, 4), null };
		Object decoded = roundTrip(mixed);
		assertThat(decoded).isInstanceOf(Object[].class);
		assertThat((Object[]) decoded).containsExactly(1L, "two", new Point(3, 4), null);
		assertThat(roundTrip(new String[] { "a", "b" })).isInstanceOf(String[].class)
			.isEqualTo(new String[] { "a", "b" });
		assertThat(roundTrip(new Point[] { new Point(1, 2) })).isInstanceOf(Point[].class)
			.isEqualTo(new Point[] { new Point(1, 2) });
	}

	@Test
	void optionalRoundTripsAsOptional() {
		assertThat(roundTrip(Optional.of("present"))).isEqualTo(Optional.of("present"));
		assertThat(roundTrip(Optional.of(new Point(1, 2)))).isEqualTo(Optional.of(new Point(1, 2)));
		assertThat(roundTrip(Optional.of(7L))).isEqualTo(Optional.of(7L));
		assertThat(roundTrip(Optional.empty())).isEqualTo(Optional.empty());
	}

	@Test
	void optionalInAListKeepsItsContentClass() {
		List<Object> value = new ArrayList<>(List.of(Optional.of(5L), Optional.empty(), Optional.of(Status.PAID)));
		assertThat(roundTrip(value)).isEqualTo(value);
	}

	@Test
	void recordRoundTripsToItsClass() {
		assertThat(roundTrip(new Point(1, -2))).isInstanceOf(Point.class).isEqualTo(new Point(1, -2));
	}

	@Test
	void recordInAListRoundTripsToItsClass() {
		List<Object> value = List.of(new Point(1, 2), new LineItem("sku-1", 3, new BigDecimal("9.99")));
		List<?> decoded = (List<?>) roundTrip(value);
		assertThat(decoded).isEqualTo(value);
		assertThat(decoded.get(0)).isInstanceOf(Point.class);
		assertThat(decoded.get(1)).isInstanceOf(LineItem.class);
	}

	@Test
	void nestedRecordWithCollectionsOptionalAndTimeRoundTrips() {
		Order order = new Order(UUID.randomUUID(), "ada",
				List.of(new LineItem("a", 1, new BigDecimal("1.50")), new LineItem("b", 2, new BigDecimal("20"))),
				Map.of("promo", new BigDecimal("0.10")), EnumSet.of(Status.NEW, Status.PAID), Status.SHIPPED,
				Optional.of("leave at door"), LocalDate.of(2024, 5, 6), Instant.parse("2024-05-06T10:15:30.001Z"),
				new Point(5, 6));
		Object decoded = roundTrip(order);
		assertThat(decoded).isInstanceOf(Order.class).isEqualTo(order);
	}

	@Test
	void recordWithEmptyOptionalAndNullComponentRoundTrips() {
		Order order = new Order(new UUID(0, 1), "b", List.of(), Map.of(), Set.of(), Status.NEW, Optional.empty(),
				LocalDate.of(2000, 1, 1), Instant.EPOCH, null);
		assertThat(roundTrip(order)).isEqualTo(order);
	}

	@Test
	void javaBeanRoundTripsToItsClass() {
		Customer customer = new Customer();
		customer.setName("Grace");
		customer.setAge(85);
		customer.setTags(List.of("admiral", "cobol"));
		customer.setHome(new Point(7, 8));
		customer.setAttributes(new LinkedHashMap<>(Map.of("since", LocalDate.of(1944, 1, 1), "visits", 12L, "last",
				new Point(1, 1), "flags", List.of(true, false))));
		Object decoded = roundTrip(customer);
		assertThat(decoded).isInstanceOf(Customer.class).isEqualTo(customer);
	}

	@Test
	void componentDeclaredAsObjectKeepsTheClassOfItsValue() {
		for (Object value : List.of(5L, (short) 5, 5.0f, new BigDecimal("5.0"), new Point(5, 5), Status.PAID,
				LocalDate.of(2020, 1, 1), new ArrayList<>(List.of(1L, 2L)))) {
			Holder decoded = (Holder) roundTrip(new Holder(value));
			assertThat(decoded.value()).isEqualTo(value);
			assertThat(decoded.value().getClass()).isEqualTo(value.getClass());
		}
	}

	@Test
	void valuesDeclaredByTheirInterfaceKeepTheirRecordClass() {
		Drawing drawing = new Drawing(new Shape.Circle(1.5), List.of(new Shape.Square(2), new Shape.Circle(3)),
				new Shape[] { new Shape.Square(4) });
		assertThat(roundTrip(drawing)).isEqualTo(drawing);
	}

	@Test
	void genericRecordKeepsTheClassesOfItsElements() {
		Page<Object> page = new Page<>(List.of(new Point(1, 2), 3L, "four"), 0, 3);
		Page<?> decoded = (Page<?>) roundTrip(page);
		assertThat(decoded).isEqualTo(page);
		assertThat(decoded.content().get(1)).isInstanceOf(Long.class);
	}

	@Test
	void immutableCollectionsRoundTripAsEqualCollections() {
		assertThat(roundTrip(List.of(1L, 2L, 3L))).isEqualTo(List.of(1L, 2L, 3L)).isInstanceOf(ArrayList.class);
		assertThat(roundTrip(Set.of("a", "b"))).isEqualTo(Set.of("a", "b")).isInstanceOf(LinkedHashSet.class);
		assertThat(roundTrip(Map.of("a", 1L, "b", 2L))).isEqualTo(Map.of("a", 1L, "b", 2L))
			.isInstanceOf(LinkedHashMap.class);
		assertThat(roundTrip(List.of())).isEqualTo(List.of());
		assertThat(roundTrip(Map.of())).isEqualTo(Map.of());
	}

	@Test
	void wrappedAndViewCollectionsRoundTripAsEqualCollections() {
		List<Object> list = new ArrayList<>(List.of("x", 2L));
		assertThat(roundTrip(Collections.unmodifiableList(list))).isEqualTo(list);
		assertThat(roundTrip(Arrays.asList("a", null, "c"))).isEqualTo(Arrays.asList("a", null, "c"));
		assertThat(roundTrip(Collections.singletonList(new Point(1, 1)))).isEqualTo(List.of(new Point(1, 1)));
		assertThat(roundTrip(Collections.emptyList())).isEqualTo(List.of());
		assertThat(roundTrip(Collections.unmodifiableSet(new HashSet<>(Set.of(1, 2))))).isEqualTo(Set.of(1, 2));
		assertThat(roundTrip(Collections.synchronizedMap(new HashMap<>(Map.of("k", "v"))))).isEqualTo(Map.of("k", "v"));
		Map<String, Integer> map = new TreeMap<>(Map.of("b", 2, "a", 1));
		assertThat(roundTrip(Collections.unmodifiableSortedMap(new TreeMap<>(map)))).isEqualTo(map)
			.isInstanceOf(TreeMap.class);
		assertThat(roundTrip(map.keySet())).isEqualTo(map.keySet());
	}

	@Test
	@SuppressWarnings("JdkObsolete") // LinkedList is one of the classes under test
	void generalPurposeCollectionsKeepTheirClass() {
		for (Object value : List.of(new ArrayList<>(List.of(1, 2)), new LinkedList<>(List.of("a")),
				new HashSet<>(Set.of(1L)), new LinkedHashSet<>(List.of("b", "a")), new TreeSet<>(Set.of(3, 1, 2)),
				new HashMap<>(Map.of("a", 1)), new LinkedHashMap<>(Map.of("a", 1)),
				new TreeMap<>(Map.of("b", 1, "a", 2)), new ConcurrentHashMap<>(Map.of("a", 1)))) {
			Object decoded = roundTrip(value);
			assertThat(decoded).isEqualTo(value);
			assertThat(decoded.getClass()).isEqualTo(value.getClass());
		}
	}

	@Test
	void arrayDequeKeepsItsElementsInOrder() {
		ArrayDeque<Object> deque = new ArrayDeque<>(List.of(1L, "two", new Point(3, 3)));
		Object decoded = roundTrip(deque);
		assertThat(decoded).isInstanceOf(ArrayDeque.class);
		assertThat(elements(decoded)).containsExactly(1L, "two", new Point(3, 3));
	}

	@Test
	void insertionOrderOfLinkedCollectionsIsKept() {
		LinkedHashMap<String, Object> map = new LinkedHashMap<>();
		map.put("z", 1);
		map.put("a", 2);
		map.put("m", 3);
		assertThat(elements(((Map<?, ?>) roundTrip(map)).keySet())).containsExactly("z", "a", "m");
	}

	@Test
	void sortedSetWithAComparatorComesBackInNaturalOrder() {
		TreeSet<String> set = new TreeSet<>(Comparator.reverseOrder());
		set.addAll(List.of("a", "c", "b"));
		TreeSet<?> decoded = (TreeSet<?>) roundTrip(set);
		assertThat(decoded).isEqualTo(set);
		assertThat(elements(decoded)).containsExactly("a", "b", "c");
		assertThat(decoded.comparator()).isNull();
	}

	@Test
	void mapWithNonStringKeysKeepsTheKeyClasses() {
		Map<Object, Object> map = new LinkedHashMap<>();
		map.put(1L, "long");
		map.put(2, "int");
		map.put(Status.PAID, "enum");
		map.put(new UUID(1, 2), "uuid");
		map.put(LocalDate.of(2024, 1, 1), "date");
		map.put(new Point(1, 2), "record");
		map.put(null, "null key");
		map.put("s", null);
		Object decoded = roundTrip(map);
		assertThat(decoded).isEqualTo(map);
		assertThat(elements(((Map<?, ?>) decoded).keySet())).containsExactlyElementsOf(map.keySet());
	}

	@Test
	void immutableMapWithLongKeysKeepsLongKeys() {
		Map<Long, String> map = Map.of(1L, "a", 2L, "b");
		Map<?, ?> decoded = (Map<?, ?>) roundTrip(map);
		assertThat(decoded).isEqualTo(map);
		assertThat(decoded.get(1L)).isEqualTo("a");
	}

	@Test
	void declaredKeyTypesOfRecordComponentsAreKept() {
		EnumMap<Status, String> labels = new EnumMap<>(Status.class);
		labels.put(Status.SHIPPED, "gone");
		Catalog catalog = new Catalog(Map.of(10L, "ten"), Map.of(Status.NEW, 1, Status.SHIPPED, 2),
				new TreeMap<>(Map.of(2, "two", 1, "one")), EnumSet.of(Status.PAID), labels);
		assertThat(roundTrip(catalog)).isEqualTo(catalog);
	}

	@Test
	void enumSetAndEnumMapRoundTrip() {
		assertThat(roundTrip(EnumSet.of(Status.NEW, Status.SHIPPED))).isEqualTo(EnumSet.of(Status.NEW, Status.SHIPPED));
		EnumMap<Status, Object> map = new EnumMap<>(Status.class);
		map.put(Status.PAID, 3L);
		assertThat(roundTrip(map)).isEqualTo(map);
	}

	@Test
	void nestedCollectionsKeepTheirElementClasses() {
		Map<String, Object> value = new LinkedHashMap<>();
		value.put("lists", List.of(List.of(1L, 2), Set.of(new Point(0, 0))));
		value.put("maps", Map.of("inner", Map.of(3L, List.of(Optional.of(4L)))));
		assertThat(roundTrip(value)).isEqualTo(value);
	}

	@Test
	void nullRoundTripsAsNull() {
		CachedValue decoded = this.codec.decode(this.codec.encode(null, EXPIRY, KEY), KEY);
		assertThat(decoded.value()).isNull();
		assertThat(decoded.expiresAt()).isEqualTo(EXPIRY);
	}

	@Test
	void nullInsideCollectionsRoundTrips() {
		List<@Nullable Object> value = new ArrayList<>();
		value.add(null);
		value.add("x");
		assertThat(roundTrip(value)).isEqualTo(value);
	}

	@Test
	void valueWithNoPropertiesIsUnserializableAndNamesItsClass() {
		assertUnserializable(new Unwritable.Empty(), Unwritable.Empty.class.getName());
	}

	@Test
	void valueWhoseGetterThrowsIsUnserializable() {
		assertUnserializable(new Unwritable.FailingGetter(), "getter failed");
	}

	@Test
	void valueThatRefersToItselfIsUnserializable() {
		Unwritable.Node a = new Unwritable.Node();
		Unwritable.Node b = new Unwritable.Node();
		a.setNext(b);
		b.setNext(a);
		assertUnserializable(a, Unwritable.Node.class.getName());
		List<Object> list = new ArrayList<>();
		list.add(list);
		assertUnserializable(list, ArrayList.class.getName());
	}

	@Test
	void failureOfAValueThatRefersToItselfHasAShortMessage() {
		Unwritable.Node a = new Unwritable.Node();
		Unwritable.Node b = new Unwritable.Node();
		a.setNext(b);
		b.setNext(a);
		assertThatExceptionOfType(CodecException.class).isThrownBy(() -> this.codec.encode(a, null, KEY))
			.satisfies(
					(ex) -> assertThat(ex.getMessage()).hasSizeLessThan(500).contains(Unwritable.Node.class.getName()));
	}

	@Test
	void threadIsUnserializable() {
		assertUnserializable(Thread.currentThread(), "java.lang.Thread");
	}

	@Test
	void nonStaticInnerClassIsUnserializable() {
		assertUnserializable(new Unwritable().new Inner(), "non-static inner class");
	}

	@Test
	void anonymousClassIsUnserializable() {
		Object anonymous = new Object() {
			// A bean property to serialize.
			@SuppressWarnings({ "unused", "EffectivelyPrivate" })
			public String getName() {
				return "anonymous";
			}
		};
		assertUnserializable(anonymous, "anonymous");
	}

	@Test
	void untrustedClassIsUnserializableAndSaysHowToTrustIt() {
		assertUnserializable(new io.cachekit.codec.untrusted.Outsider("x"), "trustedPackages");
		assertUnserializable(List.of(new io.cachekit.codec.untrusted.Outsider("x")),
				"io.cachekit.codec.untrusted.Outsider");
	}

	@Test
	@SuppressWarnings("UnnecessaryStringBuilder") // StringBuilder is the class under test
	void jdkClassOffTheAllowlistIsUnserializable() {
		assertUnserializable(new java.io.File("/tmp"), "java.io.File");
		assertUnserializable(new Holder(new StringBuilder("x")), "java.lang.StringBuilder");
	}

	@Test
	void deeplyNestedValueIsUnserializable() {
		List<Object> root = new ArrayList<>();
		List<Object> current = root;
		for (int i = 0; i < 600; i++) {
			List<Object> next = new ArrayList<>();
			current.add(next);
			current = next;
		}
		assertUnserializable(root, "deeper");
	}

	@Test
	void valueNestedWithinTheLimitRoundTrips() {
		List<Object> root = new ArrayList<>();
		List<Object> current = root;
		for (int i = 0; i < 200; i++) {
			List<Object> next = new ArrayList<>();
			current.add(next);
			current = next;
		}
		assertThat(roundTrip(root)).isEqualTo(root);
	}

	@Test
	void codecIsUsableFromManyThreads() throws Exception {
		List<Thread> threads = new ArrayList<>();
		List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
		for (int t = 0; t < 8; t++) {
			int seed = t;
			Thread thread = new Thread(() -> {
				try {
					for (int i = 0; i < 200; i++) {
						Object value = List.of(new Point(seed, i), (long) i, "t" + seed);
						if (!roundTrip(value).equals(value)) {
							failures.add(new AssertionError("mismatch for " + value));
						}
					}
				}
				catch (Throwable ex) {
					failures.add(ex);
				}
			});
			threads.add(thread);
			thread.start();
		}
		for (Thread thread : threads) {
			thread.join();
		}
		assertThat(failures).isEmpty();
	}

	private Object roundTrip(Object value) {
		CachedValue decoded = this.codec.decode(this.codec.encode(value, EXPIRY, KEY), KEY);
		assertThat(decoded.expiresAt()).isEqualTo(EXPIRY);
		assertThat(decoded.value()).isNotNull();
		return decoded.value();
	}

	private static List<Object> elements(Object collection) {
		return new ArrayList<>((java.util.Collection<?>) collection);
	}

	private void assertUnserializable(Object value, String messagePart) {
		assertThatExceptionOfType(CodecException.class).isThrownBy(() -> this.codec.encode(value, null, KEY))
			.satisfies((ex) -> assertThat(ex.getKind()).isEqualTo(CodecException.Kind.UNSERIALIZABLE))
			.withMessageContaining(value.getClass().getName())
			.withMessageContaining(messagePart);
	}

}
