package io.cachekit.codec;

import java.io.IOException;
import java.util.Map;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.deser.ContextualDeserializer;
import com.fasterxml.jackson.databind.deser.ValueInstantiator;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.jsontype.TypeDeserializer;
import com.fasterxml.jackson.databind.type.LogicalType;

import org.jspecify.annotations.Nullable;

/**
 * Reads a map written by {@link EntryArrayMapSerializer}: an array of alternating keys
 * and values, each read as a declared {@code Object}, so through its type id.
 */
final class EntryArrayMapDeserializer extends StdDeserializer<Map<Object, Object>> implements ContextualDeserializer {

	private static final long serialVersionUID = 1L;

	private final ValueInstantiator instantiator;

	private final @Nullable JsonDeserializer<Object> entryDeserializer;

	private final @Nullable TypeDeserializer entryTypeDeserializer;

	EntryArrayMapDeserializer(JavaType type, ValueInstantiator instantiator) {
		this(type, instantiator, null, null);
	}

	private EntryArrayMapDeserializer(JavaType type, ValueInstantiator instantiator,
			@Nullable JsonDeserializer<Object> entryDeserializer, @Nullable TypeDeserializer entryTypeDeserializer) {
		super(type);
		this.instantiator = instantiator;
		this.entryDeserializer = entryDeserializer;
		this.entryTypeDeserializer = entryTypeDeserializer;
	}

	@Override
	public JsonDeserializer<?> createContextual(DeserializationContext ctxt, @Nullable BeanProperty property)
			throws JsonMappingException {
		JavaType objectType = ctxt.constructType(Object.class);
		JsonDeserializer<Object> deserializer = ctxt.findContextualValueDeserializer(objectType, property);
		TypeDeserializer typeDeserializer = ctxt.getFactory().findTypeDeserializer(ctxt.getConfig(), objectType);
		return new EntryArrayMapDeserializer(getValueType(), this.instantiator, deserializer, typeDeserializer);
	}

	@Override
	public LogicalType logicalType() {
		return LogicalType.Map;
	}

	@Override
	@SuppressWarnings("unchecked")
	public Map<Object, Object> deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
		if (!p.isExpectedStartArrayToken()) {
			return (Map<Object, Object>) ctxt.handleUnexpectedToken(getValueType(ctxt), p);
		}
		Map<Object, Object> map = (Map<Object, Object>) this.instantiator.createUsingDefault(ctxt);
		JsonToken token;
		while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
			Object key = readElement(token, p, ctxt);
			token = p.nextToken();
			if (token == JsonToken.END_ARRAY) {
				return (Map<Object, Object>) ctxt.reportInputMismatch(this, "Map entries end with a key and no value");
			}
			Object value = readElement(token, p, ctxt);
			map.put(key, value);
		}
		return map;
	}

	private @Nullable Object readElement(@Nullable JsonToken token, JsonParser p, DeserializationContext ctxt)
			throws IOException {
		if (token == null) {
			return ctxt.reportInputMismatch(this, "Map entries are truncated");
		}
		if (token == JsonToken.VALUE_NULL || this.entryDeserializer == null) {
			return null;
		}
		if (this.entryTypeDeserializer != null) {
			return this.entryDeserializer.deserializeWithType(p, ctxt, this.entryTypeDeserializer);
		}
		return this.entryDeserializer.deserialize(p, ctxt);
	}

}
