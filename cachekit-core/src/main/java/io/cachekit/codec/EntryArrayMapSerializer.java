package io.cachekit.codec;

import java.io.IOException;
import java.util.Map;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.type.WritableTypeId;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import com.fasterxml.jackson.databind.ser.ContextualSerializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;

import org.jspecify.annotations.Nullable;

/**
 * Writes a map as an array of alternating keys and values, each written as a declared
 * {@code Object}, so with its type id. Read by {@link EntryArrayMapDeserializer}.
 */
final class EntryArrayMapSerializer extends StdSerializer<Map<?, ?>> implements ContextualSerializer {

	private static final long serialVersionUID = 1L;

	private final @Nullable TypeSerializer entryTypeSerializer;

	EntryArrayMapSerializer(JavaType type) {
		this(type, null);
	}

	private EntryArrayMapSerializer(JavaType type, @Nullable TypeSerializer entryTypeSerializer) {
		super(type);
		this.entryTypeSerializer = entryTypeSerializer;
	}

	@Override
	public JsonSerializer<?> createContextual(SerializerProvider provider, @Nullable BeanProperty property)
			throws JsonMappingException {
		TypeSerializer typeSerializer = provider.findTypeSerializer(provider.constructType(Object.class));
		return new EntryArrayMapSerializer(provider.constructType(handledType()), typeSerializer);
	}

	@Override
	public boolean isEmpty(SerializerProvider provider, Map<?, ?> value) {
		return value.isEmpty();
	}

	@Override
	public void serialize(Map<?, ?> value, JsonGenerator gen, SerializerProvider provider) throws IOException {
		gen.writeStartArray(value, value.size() * 2);
		writeEntries(value, gen, provider);
		gen.writeEndArray();
	}

	@Override
	public void serializeWithType(Map<?, ?> value, JsonGenerator gen, SerializerProvider provider,
			TypeSerializer typeSer) throws IOException {
		WritableTypeId typeId = typeSer.writeTypePrefix(gen, typeSer.typeId(value, JsonToken.START_ARRAY));
		writeEntries(value, gen, provider);
		typeSer.writeTypeSuffix(gen, typeId);
	}

	private void writeEntries(Map<?, ?> value, JsonGenerator gen, SerializerProvider provider) throws IOException {
		for (Map.Entry<?, ?> entry : value.entrySet()) {
			writeElement(entry.getKey(), gen, provider);
			writeElement(entry.getValue(), gen, provider);
		}
	}

	private void writeElement(@Nullable Object element, JsonGenerator gen, SerializerProvider provider)
			throws IOException {
		if (element == null) {
			provider.defaultSerializeNull(gen);
			return;
		}
		JsonSerializer<Object> serializer = provider.findValueSerializer(element.getClass(), null);
		if (this.entryTypeSerializer != null) {
			serializer.serializeWithType(element, gen, provider, this.entryTypeSerializer);
		}
		else {
			serializer.serialize(element, gen, provider);
		}
	}

}
