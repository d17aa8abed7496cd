package io.cachekit.codec.untrusted;

/**
 * An enum whose static initializer leaves a trace; never used by the tests directly.
 */
public enum TripwireEnum {

	ARMED;

	static {
		Tripwires.THREE_INITIALIZED.incrementAndGet();
	}

}
