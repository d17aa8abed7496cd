package io.cachekit.codec;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.ValueInstantiator;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.BeanSerializerModifier;
import com.fasterxml.jackson.databind.ser.std.StdDelegatingSerializer;
import com.fasterxml.jackson.databind.ser.std.StdScalarSerializer;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import com.fasterxml.jackson.databind.type.CollectionType;
import com.fasterxml.jackson.databind.type.MapType;
import com.fasterxml.jackson.databind.type.TypeFactory;
import com.fasterxml.jackson.databind.util.Converter;

/**
 * The codec's changes to Jackson's defaults, so that values come back equal and of their
 * class.
 *
 * <ul>
 * <li>{@link BigDecimal} and {@link BigInteger} are written as text: MessagePack has no
 * decimal type, and Jackson's MessagePack generator would drop a decimal's scale and
 * refuse large numbers. A decimal in that form is read without Jackson's general check of
 * number text ({@link DecimalTextDeserializer}).
 * <li>An {@link Instant} is written and read as Jackson's time module does (ISO-8601 text
 * in UTC), without its general formatter for the common form ({@link IsoInstantText}).
 * <li>A {@code Class} value naming a class off the allowlist is not written, as it could
 * not be read back.
 * <li>A collection or map of a class that could not be read back (JDK-internal classes
 * such as those of {@code List.of}, {@code Collections.unmodifiableList} or
 * {@code Arrays.asList}, or classes off the allowlist) is written as the general-purpose
 * class of its kind: {@code ArrayList}, {@code LinkedHashSet}, {@code TreeSet},
 * {@code ArrayDeque}, {@code LinkedHashMap} or {@code TreeMap}.
 * <li>A map whose declared key type is {@code Object} or abstract is written as an array
 * of alternating keys and values, each with its type, because Jackson would otherwise
 * write keys as strings and read them back as strings.
 * <li>An {@code Optional} where an {@code Object} is declared keeps its type id, which
 * Jackson would otherwise drop, reading back the content alone.
 * </ul>
 */
final class CodecModule extends SimpleModule {

	private static final long serialVersionUID = 1L;

	CodecModule(TypeAllowlist allowlist) {
		super("cachekit-codec");
		addSerializer(BigDecimal.class, ToStringSerializer.instance);
		addSerializer(BigInteger.class, ToStringSerializer.instance);
		addDeserializer(BigDecimal.class, new DecimalTextDeserializer());
		addSerializer(Instant.class, new InstantTextSerializer());
		addDeserializer(Instant.class, new InstantTextDeserializer());
		addSerializer(classType(), new ClassSerializer(allowlist));
		setSerializerModifier(new SerializerModifier(allowlist));
		setDeserializerModifier(new DeserializerModifier());
	}

	/**
	 * Returns whether a map is written as an array of alternating keys and values.
	 * @param type the map's type
	 * @return whether its keys need type ids
	 */
	static boolean writesEntriesAsArray(MapType type) {
		if (EnumMap.class.isAssignableFrom(type.getRawClass())) {
			return false;
		}
		JavaType keyType = type.getKeyType();
		return keyType.isJavaLangObject() || (keyType.isAbstract() && !keyType.isEnumType());
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private static Class<Class<?>> classType() {
		return (Class) Class.class;
	}

	/**
	 * Writes a {@code Class} value as its name, refusing a class that could not be read
	 * back because it is off the allowlist.
	 */
	private static final class ClassSerializer extends StdScalarSerializer<Class<?>> {

		private static final long serialVersionUID = 1L;

		private final transient TypeAllowlist allowlist;

		ClassSerializer(TypeAllowlist allowlist) {
			super(classType(), false);
			this.allowlist = allowlist;
		}

		@Override
		public void serialize(Class<?> value, JsonGenerator gen, SerializerProvider provider) throws IOException {
			if (!value.isPrimitive() && !this.allowlist.allows(value.getName())) {
				throw new AllowlistTypeIdResolver.UnwritableTypeException(value.getName(),
						"a Class value can only name a class on the codec's allowlist");
			}
			gen.writeString(value.getName());
		}

	}

	private static final class SerializerModifier extends BeanSerializerModifier {

		private static final long serialVersionUID = 1L;

		private final transient TypeAllowlist allowlist;

		SerializerModifier(TypeAllowlist allowlist) {
			this.allowlist = allowlist;
		}

		@Override
		public JsonSerializer<?> modifySerializer(SerializationConfig config, BeanDescription beanDesc,
				JsonSerializer<?> serializer) {
			if (beanDesc.getBeanClass() == Optional.class) {
				@SuppressWarnings("unchecked")
				JsonSerializer<Object> delegate = (JsonSerializer<Object>) serializer;
				return new OptionalSerializer(delegate);
			}
			return serializer;
		}

		@Override
		public JsonSerializer<?> modifyCollectionSerializer(SerializationConfig config, CollectionType valueType,
				BeanDescription beanDesc, JsonSerializer<?> serializer) {
			Class<?> raw = valueType.getRawClass();
			if (readable(raw) && SortedSet.class.isAssignableFrom(raw)) {
				return new StdDelegatingSerializer(new NaturalOrderConverter(valueType), valueType, serializer);
			}
			if (readable(raw) || EnumSet.class.isAssignableFrom(raw)) {
				return serializer;
			}
			Class<?> replacement = collectionReplacement(raw);
			JavaType output = config.getTypeFactory()
				.constructCollectionType(asCollection(replacement), valueType.getContentType());
			return new StdDelegatingSerializer(new CopyConverter(valueType, output), output, null);
		}

		@Override
		public JsonSerializer<?> modifyMapSerializer(SerializationConfig config, MapType valueType,
				BeanDescription beanDesc, JsonSerializer<?> serializer) {
			Class<?> raw = valueType.getRawClass();
			if (!readable(raw) && !EnumMap.class.isAssignableFrom(raw)) {
				Class<?> replacement = SortedMap.class.isAssignableFrom(raw) ? TreeMap.class : LinkedHashMap.class;
				JavaType output = config.getTypeFactory()
					.constructMapType(asMap(replacement), valueType.getKeyType(), valueType.getContentType());
				return new StdDelegatingSerializer(new CopyConverter(valueType, output), output, null);
			}
			JsonSerializer<?> result = writesEntriesAsArray(valueType) ? new EntryArrayMapSerializer(valueType)
					: serializer;
			if (SortedMap.class.isAssignableFrom(raw)) {
				return new StdDelegatingSerializer(new NaturalOrderConverter(valueType), valueType, result);
			}
			return result;
		}

		private boolean readable(Class<?> type) {
			return this.allowlist.allows(type.getName()) && AllowlistTypeIdResolver.unreadableReason(type) == null;
		}

		private static Class<?> collectionReplacement(Class<?> type) {
			if (List.class.isAssignableFrom(type)) {
				return ArrayList.class;
			}
			if (SortedSet.class.isAssignableFrom(type)) {
				return TreeSet.class;
			}
			if (Set.class.isAssignableFrom(type)) {
				return LinkedHashSet.class;
			}
			if (Queue.class.isAssignableFrom(type)) {
				return ArrayDeque.class;
			}
			return ArrayList.class;
		}

		@SuppressWarnings({ "unchecked", "rawtypes" })
		private static Class<? extends Collection> asCollection(Class<?> type) {
			return (Class<? extends Collection>) type;
		}

		@SuppressWarnings({ "unchecked", "rawtypes" })
		private static Class<? extends Map> asMap(Class<?> type) {
			return (Class<? extends Map>) type;
		}

	}

	private static final class DeserializerModifier extends BeanDeserializerModifier {

		private static final long serialVersionUID = 1L;

		@Override
		public JsonDeserializer<?> modifyMapDeserializer(DeserializationConfig config, MapType type,
				BeanDescription beanDesc, JsonDeserializer<?> deserializer) {
			if (writesEntriesAsArray(type) && deserializer instanceof ValueInstantiator.Gettable gettable) {
				ValueInstantiator instantiator = gettable.getValueInstantiator();
				if (instantiator != null && instantiator.canCreateUsingDefault()) {
					return new EntryArrayMapDeserializer(type, instantiator);
				}
			}
			return deserializer;
		}

	}

	/**
	 * Leaves a sorted collection or map in natural order as it is, and copies one sorted
	 * by a comparator into a {@code TreeSet} or {@code TreeMap} in natural order, which
	 * is how it is read back. A comparator cannot be written; elements that are not
	 * {@code Comparable} fail here rather than when read.
	 */
	private static final class NaturalOrderConverter implements Converter<Object, Object> {

		private final JavaType type;

		NaturalOrderConverter(JavaType type) {
			this.type = type;
		}

		@Override
		@SuppressWarnings({ "unchecked", "rawtypes" })
		public Object convert(Object value) {
			if (value instanceof SortedSet<?> set && set.comparator() != null) {
				return new TreeSet<>((Collection) new ArrayList<>(set));
			}
			if (value instanceof SortedMap<?, ?> map && map.comparator() != null) {
				TreeMap copy = new TreeMap<>();
				copy.putAll(new LinkedHashMap<>(map));
				return copy;
			}
			return value;
		}

		@Override
		public JavaType getInputType(TypeFactory typeFactory) {
			return this.type;
		}

		@Override
		public JavaType getOutputType(TypeFactory typeFactory) {
			return this.type;
		}

	}

	/**
	 * Copies a collection or map into a new instance of its replacement class.
	 */
	private static final class CopyConverter implements Converter<Object, Object> {

		private final JavaType input;

		private final JavaType output;

		CopyConverter(JavaType input, JavaType output) {
			this.input = input;
			this.output = output;
		}

		@Override
		@SuppressWarnings({ "unchecked", "rawtypes" })
		public Object convert(Object value) {
			Class<?> target = this.output.getRawClass();
			if (target == ArrayList.class) {
				return new ArrayList<>((Collection<?>) value);
			}
			if (target == LinkedHashSet.class) {
				return new LinkedHashSet<>((Collection<?>) value);
			}
			if (target == TreeSet.class) {
				return new TreeSet<>((Collection) new ArrayList<>((Collection<?>) value));
			}
			if (target == ArrayDeque.class) {
				return new ArrayDeque<>((Collection<?>) value);
			}
			if (target == TreeMap.class) {
				TreeMap copy = new TreeMap<>();
				copy.putAll(new LinkedHashMap<>((Map<?, ?>) value));
				return copy;
			}
			return new LinkedHashMap<>((Map<?, ?>) value);
		}

		@Override
		public JavaType getInputType(TypeFactory typeFactory) {
			return this.input;
		}

		@Override
		public JavaType getOutputType(TypeFactory typeFactory) {
			return this.output;
		}

	}

}
