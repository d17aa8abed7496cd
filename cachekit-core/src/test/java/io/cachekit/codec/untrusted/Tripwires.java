package io.cachekit.codec.untrusted;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts what happened to the tripwire classes. Reading these counters does not
 * initialize the tripwires.
 */
public final class Tripwires {

	public static final AtomicInteger ONE_INITIALIZED = new AtomicInteger();

	public static final AtomicInteger ONE_CONSTRUCTED = new AtomicInteger();

	public static final AtomicInteger TWO_INITIALIZED = new AtomicInteger();

	public static final AtomicInteger TWO_CONSTRUCTED = new AtomicInteger();

	public static final AtomicInteger THREE_INITIALIZED = new AtomicInteger();

	private Tripwires() {
	}

}
