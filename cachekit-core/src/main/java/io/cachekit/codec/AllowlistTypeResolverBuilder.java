package io.cachekit.codec;

import java.util.Collection;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.MapperConfig;
import com.fasterxml.jackson.databind.jsontype.NamedType;
import com.fasterxml.jackson.databind.jsontype.PolymorphicTypeValidator;
import com.fasterxml.jackson.databind.jsontype.TypeIdResolver;

/**
 * Default typing for every value whose declared type does not fix its class.
 *
 * <p>
 * Type ids are written where the declared type is not final ({@code Object}, interfaces,
 * abstract and other non-final classes, and arrays and {@code Optional}s of them), as a
 * wrapper array {@code [class name, value]}. A value in a position of a final declared
 * type (a {@code String} or record component, say) needs no id: its class is known from
 * the declaration. The root value is written as declared {@code Object}, so it always
 * carries its class. Ids are resolved by {@link AllowlistTypeIdResolver}.
 */
final class AllowlistTypeResolverBuilder extends ObjectMapper.DefaultTypeResolverBuilder {

	private static final long serialVersionUID = 1L;

	private final transient TypeAllowlist allowlist;

	AllowlistTypeResolverBuilder(TypeAllowlist allowlist, PolymorphicTypeValidator validator) {
		super(ObjectMapper.DefaultTyping.NON_FINAL, validator);
		this.allowlist = allowlist;
		init(JsonTypeInfo.Value.construct(JsonTypeInfo.Id.CLASS, JsonTypeInfo.As.WRAPPER_ARRAY, null, null, false,
				null), null);
	}

	/**
	 * Returns this builder unchanged: bytes must name every class themselves, a value
	 * without a type id is never read as some default class.
	 */
	@Override
	public ObjectMapper.DefaultTypeResolverBuilder withDefaultImpl(Class<?> defaultImpl) {
		return this;
	}

	@Override
	protected TypeIdResolver idResolver(MapperConfig<?> config, JavaType baseType,
			PolymorphicTypeValidator subtypeValidator, Collection<NamedType> subtypes, boolean forSer,
			boolean forDeser) {
		return new AllowlistTypeIdResolver(baseType, config.getTypeFactory(), this.allowlist, subtypeValidator);
	}

}
