package io.cachekit.codec;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.type.TypeFactory;
import com.fasterxml.jackson.databind.type.TypeModifier;
import com.fasterxml.jackson.databind.type.TypeParser;
import com.fasterxml.jackson.databind.util.ArrayBuilders;
import com.fasterxml.jackson.databind.util.LookupCache;

import org.jspecify.annotations.Nullable;

/**
 * Jackson's type factory, refusing to load by name any class off a {@link TypeAllowlist}.
 *
 * <p>
 * Every class Jackson loads from a name in the input goes through
 * {@link #findClass(String)}: type ids, the type parameters of generic type ids, and
 * values of type {@code Class}. Type ids are checked before they get here; this is the
 * backstop for the other paths, so that bytes can never make a class outside the
 * allowlist load and run its static initializer.
 */
final class AllowlistTypeFactory extends TypeFactory {

	private static final long serialVersionUID = 1L;

	private final transient TypeAllowlist allowlist;

	AllowlistTypeFactory(TypeAllowlist allowlist) {
		this(null, new TypeParser(TypeFactory.defaultInstance()), null, null, allowlist);
	}

	private AllowlistTypeFactory(@Nullable LookupCache<Object, JavaType> typeCache, TypeParser parser,
			TypeModifier @Nullable [] modifiers, @Nullable ClassLoader classLoader, TypeAllowlist allowlist) {
		super(typeCache, parser, modifiers, classLoader);
		this.allowlist = allowlist;
	}

	@Override
	public Class<?> findClass(String className) throws ClassNotFoundException {
		if (className.indexOf('.') >= 0 && !className.equals("java.lang.Object") && !this.allowlist.allows(className)) {
			throw new RefusedClassException(className);
		}
		return super.findClass(className);
	}

	@Override
	public TypeFactory withModifier(TypeModifier modifier) {
		TypeModifier[] modifiers = (this._modifiers != null)
				? ArrayBuilders.insertInListNoDup(this._modifiers, modifier) : new TypeModifier[] { modifier };
		return new AllowlistTypeFactory(null, this._parser, modifiers, this._classLoader, this.allowlist);
	}

	@Override
	public TypeFactory withClassLoader(ClassLoader classLoader) {
		return new AllowlistTypeFactory(null, this._parser, this._modifiers, classLoader, this.allowlist);
	}

	@Override
	public TypeFactory withCache(LookupCache<Object, JavaType> cache) {
		return new AllowlistTypeFactory(cache, this._parser, this._modifiers, this._classLoader, this.allowlist);
	}

	/**
	 * A class was not loaded because the allowlist refuses its name.
	 */
	static final class RefusedClassException extends ClassNotFoundException {

		private static final long serialVersionUID = 1L;

		private final String className;

		RefusedClassException(String className) {
			super("Class " + className + " is not on the codec's allowlist and was not loaded");
			this.className = className;
		}

		String getClassName() {
			return this.className;
		}

	}

}
