package io.cachekit.codec.untrusted;

/**
 * A JavaBean whose static initializer and constructor leave a trace.
 */
public class TripwireTwo {

	static {
		Tripwires.TWO_INITIALIZED.incrementAndGet();
	}

	private String name = "";

	public TripwireTwo() {
		Tripwires.TWO_CONSTRUCTED.incrementAndGet();
	}

	public String getName() {
		return this.name;
	}

	public void setName(String name) {
		this.name = name;
	}

}
