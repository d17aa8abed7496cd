package io.cachekit.codec;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.cfg.MapperConfig;
import com.fasterxml.jackson.databind.jsontype.PolymorphicTypeValidator;

/**
 * Jackson's gate for polymorphic type ids, backed by a {@link TypeAllowlist}.
 *
 * <p>
 * Jackson asks {@link #validateSubClassName} before it loads a class, so a refused name
 * is never loaded or initialized. The answer is never "indeterminate": a class is allowed
 * or denied on its name alone. Thread-safe.
 */
final class AllowlistTypeValidator extends PolymorphicTypeValidator.Base {

	private static final long serialVersionUID = 1L;

	private final transient TypeAllowlist allowlist;

	AllowlistTypeValidator(TypeAllowlist allowlist) {
		this.allowlist = allowlist;
	}

	@Override
	public Validity validateSubClassName(MapperConfig<?> config, JavaType baseType, String subClassName) {
		return this.allowlist.allows(subClassName) ? Validity.ALLOWED : Validity.DENIED;
	}

	@Override
	public Validity validateSubType(MapperConfig<?> config, JavaType baseType, JavaType subType) {
		return this.allowlist.allows(subType.getRawClass().getName()) ? Validity.ALLOWED : Validity.DENIED;
	}

}
