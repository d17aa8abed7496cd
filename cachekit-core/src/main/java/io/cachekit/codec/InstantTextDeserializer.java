package io.cachekit.codec;

import java.io.IOException;
import java.time.Instant;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.deser.ContextualDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.jsontype.TypeDeserializer;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;
import org.jspecify.annotations.Nullable;

/**
 * Reads an {@link Instant} from the text {@link InstantTextSerializer} writes, through
 * {@link IsoInstantText} when the text is in its common form; Jackson's
 * {@link InstantDeserializer} reads every other token and text (and so gives every error
 * it gives), and takes over for a property whose {@code @JsonFormat} changes the format.
 */
final class InstantTextDeserializer extends StdScalarDeserializer<Instant> implements ContextualDeserializer {

	private static final long serialVersionUID = 1L;

	private final InstantDeserializer<Instant> standard = InstantDeserializer.INSTANT;

	InstantTextDeserializer() {
		super(Instant.class);
	}

	@Override
	public Instant deserialize(JsonParser parser, DeserializationContext context) throws IOException {
		if (parser.hasToken(JsonToken.VALUE_STRING)) {
			Instant instant = IsoInstantText.parse(parser.getText());
			if (instant != null) {
				return instant;
			}
		}
		return this.standard.deserialize(parser, context);
	}

	@Override
	public Object deserializeWithType(JsonParser parser, DeserializationContext context,
			TypeDeserializer typeDeserializer) throws IOException {
		return this.standard.deserializeWithType(parser, context, typeDeserializer);
	}

	@Override
	public JsonDeserializer<?> createContextual(DeserializationContext context, @Nullable BeanProperty property)
			throws JsonMappingException {
		JsonDeserializer<?> contextual = this.standard.createContextual(context, property);
		return (contextual == this.standard) ? this : contextual;
	}

}
