package io.cachekit.autoconfigure.aot;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;

/**
 * The reflection cachekit needs in a native image, whatever the application caches:
 * <ul>
 * <li>spymemcached creates its loggers by reflection from the class named by the
 * {@code net.spy.log.LoggerImpl} system property, which cachekit sets to its
 * {@code SpymemcachedLogger}: its public {@code (String)} constructor;</li>
 * <li>the codec loads the JDK value classes it allows by name and creates the collections
 * and maps among them: their declared constructors.</li>
 * </ul>
 * The application's own cached classes are hinted by {@link TrustedTypesAotProcessor}.
 */
class CachekitRuntimeHints implements RuntimeHintsRegistrar {

	static final String SPYMEMCACHED_LOGGER = "io.cachekit.backend.memcached.SpymemcachedLogger";

	/**
	 * The JDK classes the codec names in its bytes (the codec's allowlist, checked
	 * against it by the tests).
	 */
	static final List<String> JDK_TYPES = List.of("java.lang.String", "java.lang.Boolean", "java.lang.Character",
			"java.lang.Byte", "java.lang.Short", "java.lang.Integer", "java.lang.Long", "java.lang.Float",
			"java.lang.Double", "java.math.BigDecimal", "java.math.BigInteger", "java.util.UUID", "java.util.Optional",
			"java.util.ArrayList", "java.util.LinkedList", "java.util.ArrayDeque", "java.util.HashSet",
			"java.util.LinkedHashSet", "java.util.TreeSet", "java.util.EnumSet", "java.util.HashMap",
			"java.util.LinkedHashMap", "java.util.TreeMap", "java.util.EnumMap",
			"java.util.concurrent.ConcurrentHashMap", "java.util.concurrent.ConcurrentSkipListMap",
			"java.util.concurrent.ConcurrentSkipListSet", "java.util.concurrent.CopyOnWriteArrayList",
			"java.util.concurrent.CopyOnWriteArraySet", "java.time.Instant", "java.time.LocalDate",
			"java.time.LocalTime", "java.time.LocalDateTime", "java.time.OffsetDateTime", "java.time.OffsetTime",
			"java.time.ZonedDateTime", "java.time.Duration", "java.time.Period", "java.time.Year",
			"java.time.YearMonth", "java.time.MonthDay", "java.time.ZoneId", "java.time.ZoneOffset",
			"java.time.DayOfWeek", "java.time.Month");

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		hints.reflection()
			.registerTypeIfPresent(classLoader, SPYMEMCACHED_LOGGER, MemberCategory.INVOKE_PUBLIC_CONSTRUCTORS);
		for (String type : JDK_TYPES) {
			hints.reflection().registerType(TypeReference.of(type), MemberCategory.INVOKE_DECLARED_CONSTRUCTORS);
		}
	}

}
