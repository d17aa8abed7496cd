package io.cachekit.codec.untrusted;

/**
 * A JavaBean whose static initializer and constructor leave a trace.
 */
public class TripwireOne {

	static {
		Tripwires.ONE_INITIALIZED.incrementAndGet();
	}

	private String name = "";

	public TripwireOne() {
		Tripwires.ONE_CONSTRUCTED.incrementAndGet();
	}

	public String getName() {
		return this.name;
	}

	public void setName(String name) {
		this.name = name;
	}

}
