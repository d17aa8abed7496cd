package io.cachekit.tier;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.RandomAccess;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

/**
 * Estimates the heap bytes a value holds, without encoding it: the weight that bounds L1.
 *
 * <p>
 * Adds up the shallow sizes of the objects reachable from the value as HotSpot lays them
 * out on a 64-bit JVM with compressed class pointers: a 12-byte header, then the fields
 * (references of 4 bytes with compressed oops, which a heap under 32 GB has, else 8),
 * aligned to 8 bytes; arrays take 16 bytes plus their elements. The layout of a class is
 * worked out once. JDK classes, whose fields cannot be read on Java 17, are sized by
 * formula through their public API: {@code String} (Latin-1 or UTF-16), boxed primitives,
 * {@code BigDecimal}, {@code BigInteger}, the {@code java.time} values, {@code UUID},
 * {@code Optional}, and lists, sets and maps with their backing arrays, tables and nodes
 * (a collection or map that is not one of the JDK's is sized as a generic one by its
 * content too). Enum constants, {@code Class} objects and zone ids are shared and weigh
 * nothing. Every other object is read field by field; a field that cannot be read counts
 * {@value #UNREADABLE_REFERENCE} bytes.
 *
 * <p>
 * An object reachable twice is counted twice, except a string or decimal met again (such
 * as a literal repeated in every element, or a price both in a record and in a map), as
 * far as a small table of those met, by a cheap hash, remembers: the estimate errs
 * upwards, which is safe for a bound. A walk goes at most {@value #MAX_DEPTH} levels
 * deep, as the codec does (a value that refers to itself goes that deep), and visits at
 * most {@value #MAX_OBJECTS} objects; a value beyond either, or one that changes while it
 * is walked, weighs {@link #TOO_LARGE}, more than any L1 holds, or is refused when
 * classes are checked.
 *
 * <p>
 * With a class check (a cache without L2, where nothing is encoded), every class the walk
 * meets must pass it, so that L1 holds only what the codec's allowlist would let L2 hold;
 * the verdict is remembered per class. Thread-safe.
 */
final class HeapSizeEstimator {

	/** The deepest a value may nest, as deep as the codec writes. */
	static final int MAX_DEPTH = 500;

	private static final int KNOWN_CLASSES = 256;

	/** The most objects a walk visits. */
	static final int MAX_OBJECTS = 100_000;

	/** The weight of a value too large or too deep to walk. */
	static final long TOO_LARGE = Integer.MAX_VALUE;

	/** What a reference that cannot be followed counts for. */
	static final int UNREADABLE_REFERENCE = 64;

	private static final int REFERENCE = compressedOops() ? 4 : 8;

	private static final String NOT_ACCEPTED = "the codec would not write it, so L2 could not hold it either (for "
			+ "MessagePackCodec: a class off its allowlist; trust its package with the property "
			+ "cachekit.serialization.trusted-packages or MessagePackCodec.builder().trustedPackages(...))";

	private static final int HEADER = 12;

	private static final int ARRAY_HEADER = 16;

	/** How many strings and decimals a walk remembers to count a repeated one once. */
	private static final int REMEMBERED_LEAVES = 256;

	private static final ClassValue<Layout> LAYOUTS = new ClassValue<>() {

		@Override
		protected Layout computeValue(Class<?> type) {
			return Layout.of(type);
		}

	};

	private static final ThreadLocal<Walk> WALKS = ThreadLocal.withInitial(Walk::new);

	private final @Nullable ClassValue<Boolean> verdicts;

	/**
	 * The classes met last, by identity hash: a cheaper lookup than the class values.
	 * Races only lose an entry.
	 */
	private final @Nullable Known[] known = new Known[KNOWN_CLASSES];

	/**
	 * Creates an estimator.
	 * @param check tells whether instances of a class may be cached, or {@code null} to
	 * let every class in
	 */
	HeapSizeEstimator(@Nullable Predicate<Class<?>> check) {
		this.verdicts = (check != null) ? new ClassValue<>() {

			@Override
			protected Boolean computeValue(Class<?> type) {
				return check.test(type);
			}

		} : null;
	}

	/**
	 * Estimates the heap bytes held by a value.
	 * @param value the value, or {@code null}
	 * @return the estimate, {@link #TOO_LARGE} at most
	 * @throws RefusedValueException when classes are checked and the value holds a class
	 * that fails the check, nests too deep, or cannot be walked
	 */
	long weigh(@Nullable Object value) {
		if (value == null) {
			return 0;
		}
		Walk walk = WALKS.get();
		if (walk.busy) {
			// Re-entered from a collection's own code: walk apart.
			walk = new Walk();
		}
		walk.busy = true;
		try {
			return Math.min(walk(value, walk), TOO_LARGE);
		}
		catch (RuntimeException ex) {
			if (ex instanceof RefusedValueException refused) {
				throw refused;
			}
			// It changed while it was walked (a concurrent modification).
			return refuseOr(value, "it changed while it was weighed for L1");
		}
		finally {
			walk.reset();
		}
	}

	/**
	 * Estimates the heap bytes held by a string.
	 * @param string the string
	 * @return the estimate
	 */
	static long weighString(String string) {
		return Layout.STRING_SIZE + array(latin1(string) ? string.length() : 2L * string.length());
	}

	private long walk(Object value, Walk walk) {
		ClassValue<Boolean> verdicts = this.verdicts;
		walk.push(value, 0);
		long total = 0;
		int objects = 0;
		while (walk.size > 0) {
			int depth = walk.depths[walk.size - 1];
			Object object = walk.pop();
			if (depth > MAX_DEPTH) {
				return refuseOr(value, "it nests deeper than " + MAX_DEPTH + " levels or refers to itself");
			}
			if (++objects > MAX_OBJECTS) {
				return TOO_LARGE;
			}
			Known known = known(object.getClass());
			if (!known.accepted) {
				throw new RefusedValueException(known.type.getName(), NOT_ACCEPTED);
			}
			walk.depth = depth + 1;
			total += size(object, known.layout, walk, verdicts);
		}
		return total;
	}

	private Known known(Class<?> type) {
		int slot = type.hashCode() & (KNOWN_CLASSES - 1);
		Known known = this.known[slot];
		if (known == null || known.type != type) {
			ClassValue<Boolean> verdicts = this.verdicts;
			known = new Known(type, LAYOUTS.get(type), verdicts == null || verdicts.get(type));
			this.known[slot] = known;
		}
		return known;
	}

	private long refuseOr(Object value, String reason) {
		if (this.verdicts != null) {
			throw new RefusedValueException(value.getClass().getName(), reason);
		}
		return TOO_LARGE;
	}

	private static long size(Object object, Layout layout, Walk walk, @Nullable ClassValue<Boolean> verdicts) {
		switch (layout.kind) {
			case SHARED:
				return 0;
			case CLASS:
				if (verdicts != null && !verdicts.get((Class<?>) object)) {
					throw new RefusedValueException(((Class<?>) object).getName(), NOT_ACCEPTED);
				}
				return 0;
			case FIXED:
				return layout.shallow;
			case STRING:
				String string = (String) object;
				// Its length and first character pick the slot: hashing a new string
				// would read it all once more.
				int slot = (string.length() * 31) + (string.isEmpty() ? 0 : string.charAt(0));
				return walk.seenBefore(string, slot) ? 0 : weighString(string);
			case BIG_DECIMAL:
				BigDecimal decimal = (BigDecimal) object;
				if (walk.seenBefore(decimal, decimal.hashCode())) {
					return 0;
				}
				// Up to 18 digits the unscaled value is a long field.
				return layout.shallow + ((decimal.precision() > 18) ? bigInteger(decimal.unscaledValue()) : 0);
			case BIG_INTEGER:
				return bigInteger((BigInteger) object);
			case OPTIONAL:
				((Optional<?>) object).ifPresent(walk);
				return layout.shallow;
			case PRIMITIVE_ARRAY:
				return array((long) Array.getLength(object) * layout.element);
			case OBJECT_ARRAY:
				Object[] elements = (Object[]) object;
				for (Object element : elements) {
					walk.accept(element);
				}
				return array((long) elements.length * REFERENCE);
			case LIST:
				// Read by index: no iterator to allocate.
				List<?> list = (List<?>) object;
				int length = list.size();
				for (int i = 0; i < length; i++) {
					walk.accept(list.get(i));
				}
				return layout.container(length);
			case COLLECTION:
				Collection<?> collection = (Collection<?>) object;
				collection.forEach(walk);
				return layout.container(collection.size());
			case MAP:
				Map<?, ?> map = (Map<?, ?>) object;
				map.forEach(walk);
				return layout.container(map.size());
			case FIELDS:
				for (Field field : layout.references) {
					walk.accept(read(field, object));
				}
				return layout.shallow;
			default:
				throw new IllegalStateException("no size for " + layout.kind);
		}
	}

	private static @Nullable Object read(Field field, Object object) {
		try {
			return field.get(object);
		}
		catch (IllegalAccessException ex) {
			throw new IllegalStateException("field " + field + " was made accessible but cannot be read", ex);
		}
	}

	private static long bigInteger(BigInteger integer) {
		return Layout.BIG_INTEGER_SIZE + array(4L * ((integer.bitLength() + 31) / 32));
	}

	private static boolean latin1(String string) {
		for (int i = 0, length = string.length(); i < length; i++) {
			if (string.charAt(i) > 0xFF) {
				return false;
			}
		}
		return true;
	}

	static long align(long bytes) {
		return (bytes + 7) & ~7L;
	}

	static long array(long elementBytes) {
		return align(ARRAY_HEADER + elementBytes);
	}

	static int shallow(int primitiveBytes, int references) {
		return (int) align(HEADER + primitiveBytes + (long) references * REFERENCE);
	}

	private static boolean compressedOops() {
		// HotSpot compresses references by default when the heap can be under 32 GB.
		return Runtime.getRuntime().maxMemory() < 32L * 1024 * 1024 * 1024;
	}

	/**
	 * A class, its layout, and whether it passes the check.
	 */
	private static final class Known {

		final Class<?> type;

		final Layout layout;

		final boolean accepted;

		Known(Class<?> type, Layout layout, boolean accepted) {
			this.type = type;
			this.layout = layout;
			this.accepted = accepted;
		}

	}

	/**
	 * A value that L1 must not hold because the codec would not write it.
	 */
	static final class RefusedValueException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		private final String description;

		RefusedValueException(String className, String reason) {
			this("a " + className + " cannot be cached: " + reason);
		}

		private RefusedValueException(String description) {
			super(description, null, false, false);
			this.description = description;
		}

		/**
		 * Says which class was refused and why.
		 * @return the description
		 */
		String description() {
			return this.description;
		}

	}

	/**
	 * The objects still to visit, and the strings met last. One per thread, reused.
	 */
	private static final class Walk
			implements Consumer<@Nullable Object>, BiConsumer<@Nullable Object, @Nullable Object> {

		private static final int INITIAL = 64;

		@Nullable Object[] stack = new Object[INITIAL];

		int[] depths = new int[INITIAL];

		int size;

		/** The depth of what {@link #accept} pushes now. */
		int depth;

		/** Strings and decimals met, by a cheap hash, each slot holding the last one. */
		final @Nullable Object[] leaves = new Object[REMEMBERED_LEAVES];

		boolean busy;

		void push(Object object, int depth) {
			if (this.size == this.stack.length) {
				this.stack = Arrays.copyOf(this.stack, this.size * 2);
				this.depths = Arrays.copyOf(this.depths, this.size * 2);
			}
			this.stack[this.size] = object;
			this.depths[this.size] = depth;
			this.size++;
		}

		Object pop() {
			Object object = Objects.requireNonNull(this.stack[--this.size]);
			this.stack[this.size] = null;
			return object;
		}

		@Override
		public void accept(@Nullable Object object) {
			if (object != null) {
				push(object, this.depth);
			}
		}

		@Override
		public void accept(@Nullable Object key, @Nullable Object value) {
			accept(key);
			accept(value);
		}

		/**
		 * Tells whether this very object was met before in the walk, as far as the
		 * remembered leaves tell; a miss only over-counts.
		 */
		boolean seenBefore(Object leaf, int hash) {
			int slot = (hash ^ (hash >>> 16)) & (REMEMBERED_LEAVES - 1);
			if (this.leaves[slot] == leaf) {
				return true;
			}
			this.leaves[slot] = leaf;
			return false;
		}

		void reset() {
			Arrays.fill(this.stack, 0, this.size, null);
			this.size = 0;
			Arrays.fill(this.leaves, null);
			if (this.stack.length > 4 * 1024) {
				// A deep walk is rare: keep no large arrays per thread.
				this.stack = new Object[INITIAL];
				this.depths = new int[INITIAL];
			}
			this.busy = false;
		}

	}

	private enum Kind {

		SHARED, CLASS, FIXED, STRING, BIG_DECIMAL, BIG_INTEGER, OPTIONAL, PRIMITIVE_ARRAY, OBJECT_ARRAY, LIST,
		COLLECTION, MAP, FIELDS

	}

	/**
	 * How the backing array of a collection or map grows with its size.
	 */
	private enum Backing {

		/** None: the elements are fields or nodes. */
		NONE,

		/** An array of exactly {@code factor} slots per element. */
		EXACT,

		/** An array grown by half from 10 slots, as {@link ArrayList}'s. */
		GROWN,

		/**
		 * A hash table of a power of two slots, at least 16, at most three quarters full.
		 */
		TABLE

	}

	/**
	 * How to size the objects of one class. Immutable.
	 */
	private static final class Layout {

		static final int STRING_SIZE = shallow(6, 1);

		static final int BIG_INTEGER_SIZE = shallow(20, 1);

		private static final Layout SHARED_LAYOUT = new Layout(Kind.SHARED, 0);

		private static final Map<Class<?>, Layout> JDK = jdkLayouts();

		final Kind kind;

		/** The object's own size; for a container, with what it always holds. */
		final int shallow;

		/** The size of an array's elements. */
		final int element;

		/** A container's bytes per element or entry beside its backing array. */
		final int perElement;

		final Backing backing;

		final int factor;

		final Field[] references;

		private Layout(Kind kind, int shallow) {
			this(kind, shallow, 0, 0, Backing.NONE, 0, new Field[0]);
		}

		private Layout(Kind kind, int shallow, int element, int perElement, Backing backing, int factor,
				Field[] references) {
			this.kind = kind;
			this.shallow = shallow;
			this.element = element;
			this.perElement = perElement;
			this.backing = backing;
			this.factor = factor;
			this.references = references;
		}

		private static Layout container(Kind kind, int shallow, int perElement, Backing backing, int factor) {
			return new Layout(kind, shallow, 0, perElement, backing, factor, new Field[0]);
		}

		long container(int size) {
			long table = switch (this.backing) {
				case NONE -> 0;
				case EXACT -> array((long) size * this.factor * REFERENCE);
				case GROWN -> (size == 0) ? 0 : array((long) grownCapacity(size) * REFERENCE);
				case TABLE -> array((long) tableCapacity(size) * REFERENCE);
			};
			return this.shallow + table + (long) size * this.perElement;
		}

		private static int grownCapacity(int size) {
			long capacity = 10;
			while (capacity < size) {
				capacity += capacity >> 1;
			}
			return (int) Math.min(capacity, Integer.MAX_VALUE - 8);
		}

		private static int tableCapacity(int size) {
			int capacity = 16;
			while (capacity * 3L / 4 < size && capacity < (1 << 30)) {
				capacity <<= 1;
			}
			return capacity;
		}

		static Layout of(Class<?> type) {
			Layout known = JDK.get(type);
			if (known != null) {
				return known;
			}
			if (type.isEnum() || (type.getSuperclass() != null && type.getSuperclass().isEnum())
					|| ZoneId.class.isAssignableFrom(type)) {
				return SHARED_LAYOUT;
			}
			if (type == Class.class) {
				return new Layout(Kind.CLASS, 0);
			}
			if (type.isArray()) {
				Class<?> component = type.getComponentType();
				return component.isPrimitive() ? new Layout(Kind.PRIMITIVE_ARRAY, 0, primitiveSize(component), 0,
						Backing.NONE, 0, new Field[0]) : new Layout(Kind.OBJECT_ARRAY, 0);
			}
			boolean jdk = isJdk(type);
			if (List.class.isAssignableFrom(type) && RandomAccess.class.isAssignableFrom(type)) {
				return container(Kind.LIST, shallow(8, 1) + shallow(0, 1), 0, Backing.GROWN, 1);
			}
			if (Collection.class.isAssignableFrom(type)) {
				// A wrapper, a view or another library's collection: what it wraps is
				// not seen, so it counts as a list of its own.
				return container(Kind.COLLECTION, shallow(8, 1) + shallow(0, 1), 0, Backing.GROWN, 1);
			}
			if (Map.class.isAssignableFrom(type)) {
				return container(Kind.MAP, shallow(16, 4) + shallow(0, 1), shallow(4, 3), Backing.TABLE, 1);
			}
			return fields(type, jdk);
		}

		private static Layout fields(Class<?> type, boolean jdk) {
			int primitives = 0;
			int referenceCount = 0;
			int unreadable = 0;
			List<Field> references = new ArrayList<>();
			for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
				for (Field field : c.getDeclaredFields()) {
					if (Modifier.isStatic(field.getModifiers())) {
						continue;
					}
					if (field.getType().isPrimitive()) {
						primitives += primitiveSize(field.getType());
						continue;
					}
					referenceCount++;
					if (!jdk && accessible(field)) {
						references.add(field);
					}
					else {
						unreadable++;
					}
				}
			}
			int shallow = shallow(primitives, referenceCount) + unreadable * UNREADABLE_REFERENCE;
			return new Layout(Kind.FIELDS, shallow, 0, 0, Backing.NONE, 0, references.toArray(new Field[0]));
		}

		private static boolean accessible(Field field) {
			try {
				field.setAccessible(true);
				return true;
			}
			catch (RuntimeException ex) {
				// Not open to this module (InaccessibleObjectException), or denied.
				return false;
			}
		}

		private static boolean isJdk(Class<?> type) {
			String name = type.getName();
			return name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jdk.")
					|| name.startsWith("sun.") || name.startsWith("com.sun.");
		}

		private static int primitiveSize(Class<?> type) {
			if (type == long.class || type == double.class) {
				return 8;
			}
			if (type == int.class || type == float.class) {
				return 4;
			}
			if (type == short.class || type == char.class) {
				return 2;
			}
			return 1;
		}

		private static Map<Class<?>, Layout> jdkLayouts() {
			Map<Class<?>, Layout> layouts = new HashMap<>();
			layouts.put(String.class, new Layout(Kind.STRING, STRING_SIZE));
			layouts.put(Object.class, new Layout(Kind.FIXED, shallow(0, 0)));
			for (Class<?> small : List.of(Boolean.class, Byte.class, Character.class, Short.class, Integer.class,
					Float.class)) {
				layouts.put(small, new Layout(Kind.FIXED, shallow(4, 0)));
			}
			layouts.put(Long.class, new Layout(Kind.FIXED, shallow(8, 0)));
			layouts.put(Double.class, new Layout(Kind.FIXED, shallow(8, 0)));
			layouts.put(BigDecimal.class, new Layout(Kind.BIG_DECIMAL, shallow(16, 2)));
			layouts.put(BigInteger.class, new Layout(Kind.BIG_INTEGER, BIG_INTEGER_SIZE));
			layouts.put(UUID.class, new Layout(Kind.FIXED, shallow(16, 0)));
			layouts.put(Optional.class, new Layout(Kind.OPTIONAL, shallow(0, 1)));
			int localDate = shallow(8, 0);
			int localTime = shallow(7, 0);
			int localDateTime = shallow(0, 2) + localDate + localTime;
			layouts.put(Instant.class, new Layout(Kind.FIXED, shallow(12, 0)));
			layouts.put(LocalDate.class, new Layout(Kind.FIXED, localDate));
			layouts.put(LocalTime.class, new Layout(Kind.FIXED, localTime));
			layouts.put(LocalDateTime.class, new Layout(Kind.FIXED, localDateTime));
			// Offsets and zones are shared.
			layouts.put(OffsetDateTime.class, new Layout(Kind.FIXED, shallow(0, 2) + localDateTime));
			layouts.put(OffsetTime.class, new Layout(Kind.FIXED, shallow(0, 2) + localTime));
			layouts.put(ZonedDateTime.class, new Layout(Kind.FIXED, shallow(0, 3) + localDateTime));
			layouts.put(Duration.class, new Layout(Kind.FIXED, shallow(12, 0)));
			layouts.put(Period.class, new Layout(Kind.FIXED, shallow(12, 0)));
			layouts.put(Year.class, new Layout(Kind.FIXED, shallow(4, 0)));
			layouts.put(YearMonth.class, new Layout(Kind.FIXED, shallow(8, 0)));
			layouts.put(MonthDay.class, new Layout(Kind.FIXED, shallow(8, 0)));
			int hashMap = shallow(16, 4);
			int linkedHashMap = shallow(17, 6);
			int treeMap = shallow(8, 7);
			int node = shallow(4, 3);
			int linkedNode = shallow(4, 5);
			int treeNode = shallow(1, 5);
			// Lists
			layouts.put(ArrayList.class, container(Kind.LIST, shallow(8, 1), 0, Backing.GROWN, 1));
			layouts.put(Arrays.asList().getClass(), container(Kind.LIST, shallow(0, 1), 0, Backing.EXACT, 1));
			layouts.put(List.of(1).getClass(), container(Kind.LIST, shallow(0, 2), 0, Backing.NONE, 0));
			layouts.put(List.of(1, 2, 3).getClass(), container(Kind.LIST, shallow(1, 1), 0, Backing.EXACT, 1));
			layouts.put(LinkedList.class, container(Kind.COLLECTION, shallow(8, 2), shallow(0, 3), Backing.NONE, 0));
			layouts.put(CopyOnWriteArrayList.class,
					container(Kind.LIST, shallow(0, 2) + shallow(0, 0), 0, Backing.EXACT, 1));
			layouts.put(ArrayDeque.class, container(Kind.COLLECTION, shallow(8, 1), 0, Backing.TABLE, 1));
			// Sets
			layouts.put(Set.of(1).getClass(), container(Kind.COLLECTION, shallow(0, 2), 0, Backing.NONE, 0));
			layouts.put(Set.of(1, 2, 3).getClass(), container(Kind.COLLECTION, shallow(4, 1), 0, Backing.EXACT, 2));
			layouts.put(HashSet.class, container(Kind.COLLECTION, shallow(0, 1) + hashMap, node, Backing.TABLE, 1));
			layouts.put(LinkedHashSet.class,
					container(Kind.COLLECTION, shallow(0, 1) + linkedHashMap, linkedNode, Backing.TABLE, 1));
			layouts.put(TreeSet.class, container(Kind.COLLECTION, shallow(0, 1) + treeMap, treeNode, Backing.NONE, 0));
			layouts.put(CopyOnWriteArraySet.class,
					container(Kind.COLLECTION, shallow(0, 1) + shallow(0, 2) + shallow(0, 0), 0, Backing.EXACT, 1));
			layouts.put(ConcurrentSkipListSet.class,
					container(Kind.COLLECTION, shallow(0, 1) + treeMap, treeNode, Backing.NONE, 0));
			layouts.put(EnumSet.noneOf(Backing.class).getClass(),
					container(Kind.COLLECTION, shallow(8, 2), 0, Backing.NONE, 0));
			// Maps
			layouts.put(HashMap.class, container(Kind.MAP, hashMap, node, Backing.TABLE, 1));
			layouts.put(LinkedHashMap.class, container(Kind.MAP, linkedHashMap, linkedNode, Backing.TABLE, 1));
			layouts.put(TreeMap.class, container(Kind.MAP, treeMap, treeNode, Backing.NONE, 0));
			layouts.put(ConcurrentHashMap.class, container(Kind.MAP, shallow(20, 8), node, Backing.TABLE, 1));
			layouts.put(ConcurrentSkipListMap.class, container(Kind.MAP, treeMap, treeNode, Backing.NONE, 0));
			layouts.put(EnumMap.class, container(Kind.MAP, shallow(4, 5), 0, Backing.EXACT, 1));
			layouts.put(Map.of(1, 1).getClass(), container(Kind.MAP, shallow(0, 2), 0, Backing.NONE, 0));
			layouts.put(Map.of().getClass(), container(Kind.MAP, shallow(4, 1), 0, Backing.EXACT, 4));
			return Map.copyOf(layouts);
		}

	}

}
