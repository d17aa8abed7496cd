package io.cachekit.codec;

import java.io.IOException;
import java.time.Instant;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.type.WritableTypeId;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import com.fasterxml.jackson.databind.ser.ContextualSerializer;
import com.fasterxml.jackson.databind.ser.std.StdScalarSerializer;
import com.fasterxml.jackson.datatype.jsr310.ser.InstantSerializer;
import org.jspecify.annotations.Nullable;

/**
 * Writes an {@link Instant} as the text Jackson's {@link InstantSerializer} writes,
 * through {@link IsoInstantText} when it can; Jackson's serializer writes every other
 * instant, and takes over for a property whose {@code @JsonFormat} changes the format.
 */
final class InstantTextSerializer extends StdScalarSerializer<Instant> implements ContextualSerializer {

	private static final long serialVersionUID = 1L;

	private final InstantSerializer standard = InstantSerializer.INSTANCE;

	InstantTextSerializer() {
		super(Instant.class);
	}

	@Override
	public void serialize(Instant value, JsonGenerator gen, SerializerProvider provider) throws IOException {
		String text = text(value, provider);
		if (text != null) {
			gen.writeString(text);
		}
		else {
			this.standard.serialize(value, gen, provider);
		}
	}

	@Override
	public void serializeWithType(Instant value, JsonGenerator gen, SerializerProvider provider,
			TypeSerializer typeSerializer) throws IOException {
		String text = text(value, provider);
		if (text == null) {
			this.standard.serializeWithType(value, gen, provider, typeSerializer);
			return;
		}
		WritableTypeId typeId = typeSerializer.writeTypePrefix(gen,
				typeSerializer.typeId(value, JsonToken.VALUE_STRING));
		gen.writeString(text);
		typeSerializer.writeTypeSuffix(gen, typeId);
	}

	@Override
	public JsonSerializer<?> createContextual(SerializerProvider provider, @Nullable BeanProperty property)
			throws JsonMappingException {
		JsonSerializer<?> contextual = this.standard.createContextual(provider, property);
		return (contextual == this.standard) ? this : contextual;
	}

	private static @Nullable String text(Instant value, SerializerProvider provider) {
		return provider.isEnabled(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS) ? null : IsoInstantText.format(value);
	}

}
