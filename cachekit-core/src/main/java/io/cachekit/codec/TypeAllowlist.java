package io.cachekit.codec;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The classes a {@link MessagePackCodec} may name in its bytes, decided on the class name
 * alone so that a refused class is never loaded.
 *
 * <p>
 * Allowed are the JDK value types listed in {@link #JDK_TYPES}, arrays of allowed types
 * (primitive arrays and {@code Object[]} included), and every class in or below a trusted
 * package. Nothing else is, not even other classes of {@code java.*}. Immutable and
 * thread-safe.
 */
final class TypeAllowlist {

	/**
	 * JDK classes that hold values only: they run no code of interest when created and
	 * filled. Collection implementations are the public, general-purpose ones; other JDK
	 * collections ({@code List.of}, {@code Collections.unmodifiableList},
	 * {@code Arrays.asList}, ...) are written as one of these.
	 */
	static final Set<String> JDK_TYPES = Set.of(
			// java.lang
			"java.lang.String", "java.lang.Boolean", "java.lang.Character", "java.lang.Byte", "java.lang.Short",
			"java.lang.Integer", "java.lang.Long", "java.lang.Float", "java.lang.Double",
			// java.math
			"java.math.BigDecimal", "java.math.BigInteger",
			// java.util values
			"java.util.UUID", "java.util.Optional",
			// java.util collections
			"java.util.ArrayList", "java.util.LinkedList", "java.util.ArrayDeque", "java.util.HashSet",
			"java.util.LinkedHashSet", "java.util.TreeSet", "java.util.EnumSet", "java.util.HashMap",
			"java.util.LinkedHashMap", "java.util.TreeMap", "java.util.EnumMap",
			"java.util.concurrent.ConcurrentHashMap", "java.util.concurrent.ConcurrentSkipListMap",
			"java.util.concurrent.ConcurrentSkipListSet", "java.util.concurrent.CopyOnWriteArrayList",
			"java.util.concurrent.CopyOnWriteArraySet",
			// java.time
			"java.time.Instant", "java.time.LocalDate", "java.time.LocalTime", "java.time.LocalDateTime",
			"java.time.OffsetDateTime", "java.time.OffsetTime", "java.time.ZonedDateTime", "java.time.Duration",
			"java.time.Period", "java.time.Year", "java.time.YearMonth", "java.time.MonthDay", "java.time.ZoneId",
			"java.time.ZoneOffset", "java.time.DayOfWeek", "java.time.Month");

	/**
	 * Packages no prefix may name: the JDK's own. Its value types are trusted one by one
	 * above; trusting a whole JDK package would let bytes name classes such as
	 * {@code java.net.URL} or {@code java.lang.ProcessBuilder}.
	 */
	private static final List<String> RESERVED_PACKAGES = List.of("java", "javax", "jdk", "sun", "com.sun");

	private static final Pattern PACKAGE_NAME = Pattern.compile(
			"\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*(\\.\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*)*");

	/** A binary class name as {@link Class#getName()} gives it, arrays excluded. */
	private static final Pattern CLASS_NAME = PACKAGE_NAME;

	private static final String PRIMITIVE_ARRAY_CODES = "ZBCSIJFD";

	/** How many class-name decisions are remembered; the check itself is the fallback. */
	static final int MAX_REMEMBERED_DECISIONS = 4096;

	private final List<String> trustedPackages;

	private final Map<String, Boolean> decisions = new ConcurrentHashMap<>();

	private TypeAllowlist(List<String> trustedPackages) {
		this.trustedPackages = trustedPackages;
	}

	/**
	 * Creates an allowlist of the JDK value types and the given packages.
	 * @param trustedPackages package names, each checked with {@link #checkPackage}
	 * @return the allowlist
	 */
	static TypeAllowlist of(Collection<String> trustedPackages) {
		List<String> prefixes = new ArrayList<>(trustedPackages.size());
		for (String trustedPackage : trustedPackages) {
			prefixes.add(trustedPackage + ".");
		}
		return new TypeAllowlist(List.copyOf(prefixes));
	}

	/**
	 * Checks a trusted package name.
	 * @param name the name
	 * @return a message saying what is wrong and how to fix it, or {@code null} when the
	 * name is acceptable
	 */
	static @Nullable String checkPackage(String name) {
		if (name.isBlank()) {
			return "must not be blank: give a package name such as 'com.example.app'";
		}
		if (name.contains("*")) {
			return "'" + name + "' must be a package name, not a pattern: write 'com.example.app' to trust "
					+ "com.example.app and every package below it";
		}
		if (!PACKAGE_NAME.matcher(name).matches()) {
			return "'" + name + "' is not a Java package name: write dot-separated identifiers such as "
					+ "'com.example.app', without a trailing dot or spaces";
		}
		for (String reserved : RESERVED_PACKAGES) {
			if (name.equals(reserved) || name.startsWith(reserved + ".")) {
				return "'" + name + "' is a JDK package and cannot be trusted as a whole: JDK value types "
						+ "(String, boxed primitives, java.time, BigDecimal, UUID, collections) are trusted already";
			}
		}
		return null;
	}

	/**
	 * Returns whether a class name is in a JDK package, which no trusted package can
	 * cover.
	 * @param className a class name
	 * @return whether it is a JDK class name
	 */
	static boolean isJdkClass(String className) {
		for (String reserved : RESERVED_PACKAGES) {
			if (className.startsWith(reserved + ".")) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Returns whether a class may be named in the bytes.
	 * @param className a name as {@link Class#getName()} returns it, possibly an array
	 * name such as {@code [Ljava.lang.String;}
	 * @return whether the class is allowed; {@code false} for anything that is not a
	 * well-formed class name
	 */
	boolean allows(String className) {
		Boolean known = this.decisions.get(className);
		if (known != null) {
			return known;
		}
		boolean allowed = decide(className);
		// Names read from foreign bytes are unbounded: remember a bounded number.
		if (this.decisions.size() < MAX_REMEMBERED_DECISIONS) {
			this.decisions.put(className, allowed);
		}
		return allowed;
	}

	private boolean decide(String className) {
		String name = className;
		boolean array = name.startsWith("[");
		while (name.startsWith("[")) {
			name = name.substring(1);
			if (name.length() == 1) {
				return PRIMITIVE_ARRAY_CODES.indexOf(name.charAt(0)) >= 0;
			}
			if (name.startsWith("L") && name.endsWith(";")) {
				name = name.substring(1, name.length() - 1);
				break;
			}
			if (!name.startsWith("[")) {
				return false;
			}
		}
		if (!CLASS_NAME.matcher(name).matches()) {
			return false;
		}
		if (JDK_TYPES.contains(name) || (array && name.equals("java.lang.Object"))) {
			return true;
		}
		for (String prefix : this.trustedPackages) {
			if (name.startsWith(prefix)) {
				return true;
			}
		}
		return false;
	}

	@Override
	public String toString() {
		return "TypeAllowlist[trustedPackages=" + this.trustedPackages + "]";
	}

}
