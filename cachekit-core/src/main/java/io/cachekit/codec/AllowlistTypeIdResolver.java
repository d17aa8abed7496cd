package io.cachekit.codec;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.DatabindContext;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.jsontype.PolymorphicTypeValidator;
import com.fasterxml.jackson.databind.jsontype.impl.TypeIdResolverBase;
import com.fasterxml.jackson.databind.type.TypeFactory;
import com.fasterxml.jackson.databind.util.ClassUtil;

import org.jspecify.annotations.Nullable;

/**
 * Type ids that are class names, written and read only for classes on a
 * {@link TypeAllowlist}.
 *
 * <p>
 * Writing a class that could not be read back (off the allowlist, anonymous, local or a
 * non-static inner class) throws {@link UnwritableTypeException}. Reading checks the name
 * against the allowlist before anything loads it; a refused name fails as an
 * {@code InvalidTypeIdException} carrying the name.
 *
 * <p>
 * The only ids with type parameters are those of {@link EnumSet} and {@link EnumMap},
 * which need their enum class; the parameters are checked the same way.
 */
final class AllowlistTypeIdResolver extends TypeIdResolverBase {

	private static final Pattern ENUM_CONTAINER_ID = Pattern
		.compile("(java\\.util\\.EnumSet)<([^<>,]+)>|(java\\.util\\.EnumMap)<([^<>,]+),java\\.lang\\.Object>");

	private final TypeAllowlist allowlist;

	private final PolymorphicTypeValidator validator;

	AllowlistTypeIdResolver(JavaType baseType, TypeFactory typeFactory, TypeAllowlist allowlist,
			PolymorphicTypeValidator validator) {
		super(baseType, typeFactory);
		this.allowlist = allowlist;
		this.validator = validator;
	}

	/**
	 * Returns the declared type of the values whose ids this resolver writes and reads.
	 * @return the base type
	 */
	JavaType baseType() {
		return this._baseType;
	}

	@Override
	public String idFromValue(Object value) {
		return idFor(value, value.getClass());
	}

	@Override
	public String idFromValueAndType(@Nullable Object value, Class<?> type) {
		return idFor(value, type);
	}

	@Override
	public JsonTypeInfo.Id getMechanism() {
		return JsonTypeInfo.Id.CLASS;
	}

	@Override
	public String getDescForKnownTypeIds() {
		return "class names on the codec's allowlist";
	}

	@Override
	public JavaType typeFromId(DatabindContext context, String id) throws IOException {
		Matcher enumContainer = ENUM_CONTAINER_ID.matcher(id);
		String checked = id;
		if (enumContainer.matches()) {
			checked = (enumContainer.group(2) != null) ? enumContainer.group(2) : enumContainer.group(4);
		}
		if (!this.allowlist.allows(checked)) {
			throw invalidTypeId(context, checked, "class is not on the codec's allowlist");
		}
		JavaType type = context.resolveAndValidateSubType(this._baseType, id, this.validator);
		if (type == null) {
			throw invalidTypeId(context, id, "no such class found");
		}
		if (type.hasRawClass(Optional.class) && !type.isReferenceType()) {
			// Specializing Object to Optional skips the type modifiers that make
			// Optional a reference type, and with them the typed reading of its content.
			return context.getTypeFactory().constructType(Optional.class);
		}
		return type;
	}

	/**
	 * Returns whether a type id names a class the allowlist refuses.
	 * @param allowlist the allowlist
	 * @param id a type id as read
	 * @return whether it is refused
	 */
	static boolean isRefused(TypeAllowlist allowlist, String id) {
		Matcher enumContainer = ENUM_CONTAINER_ID.matcher(id);
		if (enumContainer.matches()) {
			String enumClass = (enumContainer.group(2) != null) ? enumContainer.group(2) : enumContainer.group(4);
			return !allowlist.allows(enumClass);
		}
		return !allowlist.allows(id);
	}

	private String idFor(@Nullable Object value, Class<?> type) {
		Class<?> cls = type;
		if (Enum.class.isAssignableFrom(cls) && !cls.isEnum()) {
			// An enum constant with a body is an instance of an anonymous subclass.
			cls = cls.getSuperclass();
		}
		if (value instanceof EnumSet<?> enumSet) {
			return enumContainerId("java.util.EnumSet<", ClassUtil.findEnumType(enumSet), ">");
		}
		if (value instanceof EnumMap<?, ?> enumMap) {
			return enumContainerId("java.util.EnumMap<", ClassUtil.findEnumType(enumMap), ",java.lang.Object>");
		}
		String unreadable = unreadableReason(cls);
		if (unreadable != null) {
			throw new UnwritableTypeException(cls.getName(), unreadable);
		}
		checkAllowed(cls.getName());
		return cls.getName();
	}

	private String enumContainerId(String prefix, Class<?> enumClass, String suffix) {
		checkAllowed(enumClass.getName());
		return prefix + enumClass.getName() + suffix;
	}

	private void checkAllowed(String className) {
		if (this.allowlist.allows(className)) {
			return;
		}
		if (TypeAllowlist.isJdkClass(className)) {
			throw new UnwritableTypeException(className, "it is not one of the JDK value types on the codec's "
					+ "allowlist; cache a value made of allowed types instead");
		}
		throw new UnwritableTypeException(className,
				"it is not on the codec's allowlist; trust its package with the property "
						+ "cachekit.serialization.trusted-packages (Spring Boot) or "
						+ "MessagePackCodec.builder().trustedPackages(...)");
	}

	/**
	 * Returns why instances of a class could not be created when reading, or {@code null}
	 * when they can be.
	 * @param cls the class
	 * @return the reason, or {@code null}
	 */
	static @Nullable String unreadableReason(Class<?> cls) {
		// The reflection below is slow and its answer never changes for a class.
		return UNREADABLE_REASONS.get(cls).orElse(null);
	}

	private static final ClassValue<Optional<String>> UNREADABLE_REASONS = new ClassValue<>() {

		@Override
		protected Optional<String> computeValue(Class<?> type) {
			return Optional.ofNullable(findUnreadableReason(type));
		}

	};

	private static @Nullable String findUnreadableReason(Class<?> cls) {
		if (cls.isArray()) {
			return unreadableReason(cls.getComponentType());
		}
		if (cls.isAnonymousClass() || cls.isHidden() || cls.isSynthetic()) {
			return "it is an anonymous class or a lambda, which cannot be created when reading";
		}
		if (cls.isLocalClass()) {
			return "it is a local class, which cannot be created when reading";
		}
		if (cls.isMemberClass() && !Modifier.isStatic(cls.getModifiers())) {
			return "it is a non-static inner class, which cannot be created when reading; make it static";
		}
		return null;
	}

	private IOException invalidTypeId(DatabindContext context, String id, String reason) {
		if (context instanceof DeserializationContext deserialization) {
			return deserialization.invalidTypeIdException(this._baseType, id, reason);
		}
		return new IOException("Invalid type id '" + id + "': " + reason);
	}

	/**
	 * A value names a class that the codec could not read back, so it is not written.
	 */
	static final class UnwritableTypeException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		private final String className;

		UnwritableTypeException(String className, String reason) {
			super("Class " + className + " cannot be written: " + reason);
			this.className = className;
		}

		String getClassName() {
			return this.className;
		}

	}

}
