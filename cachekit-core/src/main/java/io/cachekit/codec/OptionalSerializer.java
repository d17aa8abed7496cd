package io.cachekit.codec;

import java.io.IOException;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.type.WritableTypeId;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import com.fasterxml.jackson.databind.ser.ContextualSerializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;

import org.jspecify.annotations.Nullable;

/**
 * Writes an {@link Optional} through Jackson's own serializer, except where the declared
 * type is not an {@code Optional} (an {@code Object}, say): there Jackson would write the
 * content's type id alone and read back the bare content, so this writes
 * {@code ["java.util.Optional", content]} instead.
 */
final class OptionalSerializer extends StdSerializer<Optional<?>> implements ContextualSerializer {

	private static final long serialVersionUID = 1L;

	private final JsonSerializer<Object> delegate;

	OptionalSerializer(JsonSerializer<Object> delegate) {
		super(Optional.class, false);
		this.delegate = delegate;
	}

	@Override
	@SuppressWarnings("unchecked")
	public JsonSerializer<?> createContextual(SerializerProvider provider, @Nullable BeanProperty property)
			throws JsonMappingException {
		JsonSerializer<?> contextual = provider.handleSecondaryContextualization(this.delegate, property);
		return (contextual == this.delegate) ? this : new OptionalSerializer((JsonSerializer<Object>) contextual);
	}

	@Override
	public boolean isEmpty(SerializerProvider provider, Optional<?> value) {
		return this.delegate.isEmpty(provider, value);
	}

	@Override
	public void serialize(Optional<?> value, JsonGenerator gen, SerializerProvider provider) throws IOException {
		this.delegate.serialize(value, gen, provider);
	}

	@Override
	public void serializeWithType(Optional<?> value, JsonGenerator gen, SerializerProvider provider,
			TypeSerializer typeSer) throws IOException {
		if (!(typeSer.getTypeIdResolver() instanceof AllowlistTypeIdResolver resolver)
				|| resolver.baseType().isReferenceType()) {
			this.delegate.serializeWithType(value, gen, provider, typeSer);
			return;
		}
		WritableTypeId typeId = typeSer.writeTypePrefix(gen,
				typeSer.typeId(value, Optional.class, JsonToken.VALUE_EMBEDDED_OBJECT));
		Object content = value.orElse(null);
		if (content == null) {
			provider.defaultSerializeNull(gen);
		}
		else {
			provider.findValueSerializer(content.getClass(), null).serializeWithType(content, gen, provider, typeSer);
		}
		typeSer.writeTypeSuffix(gen, typeId);
	}

}
