package io.cachekit.test;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Polls a condition until it holds, for tests that wait on a server or a client to
 * reconnect. The answer, not the time taken, is what a test asserts.
 */
public final class Await {

	private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);

	private Await() {
	}

	/**
	 * Polls every 100 ms for at most 15 seconds.
	 * @param condition the condition
	 * @return {@code true} when it held in time
	 */
	public static boolean until(BooleanSupplier condition) {
		return until(DEFAULT_TIMEOUT, condition);
	}

	/**
	 * Polls every 100 ms until the condition holds or the timeout passes.
	 * @param timeout how long to poll
	 * @param condition the condition
	 * @return {@code true} when it held in time
	 */
	public static boolean until(Duration timeout, BooleanSupplier condition) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			if (condition.getAsBoolean()) {
				return true;
			}
			try {
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}
		return false;
	}

}
