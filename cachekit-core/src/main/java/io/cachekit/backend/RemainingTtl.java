package io.cachekit.backend;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * What {@link TtlInspection#remainingTtl(String)} found under a key: no entry, an entry
 * without expiry, or an entry with the time it has left.
 *
 * <p>
 * Immutable; equal when they say the same.
 */
public final class RemainingTtl {

	private static final RemainingTtl MISSING = new RemainingTtl(false, null);

	private static final RemainingTtl NO_EXPIRY = new RemainingTtl(true, null);

	private final boolean exists;

	private final @Nullable Duration remaining;

	private RemainingTtl(boolean exists, @Nullable Duration remaining) {
		this.exists = exists;
		this.remaining = remaining;
	}

	/**
	 * Returns the answer for a key that holds no live entry.
	 * @return the answer
	 */
	public static RemainingTtl missing() {
		return MISSING;
	}

	/**
	 * Returns the answer for an entry that never expires.
	 * @return the answer
	 */
	public static RemainingTtl noExpiry() {
		return NO_EXPIRY;
	}

	/**
	 * Returns the answer for an entry that expires after {@code remaining}.
	 * @param remaining the time the entry has left, zero (it expires within the store's
	 * precision) or more
	 * @return the answer
	 * @throws IllegalArgumentException when {@code remaining} is negative
	 */
	public static RemainingTtl expiresIn(Duration remaining) {
		Objects.requireNonNull(remaining, "remaining must not be null");
		if (remaining.isNegative()) {
			throw new IllegalArgumentException("remaining must not be negative, was " + remaining);
		}
		return new RemainingTtl(true, remaining);
	}

	/**
	 * Tells whether the key holds a live entry.
	 * @return {@code false} only for {@link #missing()}
	 */
	public boolean exists() {
		return this.exists;
	}

	/**
	 * Tells whether the entry expires.
	 * @return {@code true} only for {@link #expiresIn(Duration)}
	 */
	public boolean expires() {
		return this.remaining != null;
	}

	/**
	 * Returns the time the entry has left.
	 * @return the remaining time; empty when the key is missing or the entry never
	 * expires (tell the two apart with {@link #exists()})
	 */
	public Optional<Duration> remaining() {
		return Optional.ofNullable(this.remaining);
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return this == other || (other instanceof RemainingTtl that && this.exists == that.exists
				&& Objects.equals(this.remaining, that.remaining));
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.exists, this.remaining);
	}

	@Override
	public String toString() {
		if (!this.exists) {
			return "RemainingTtl[missing]";
		}
		return (this.remaining != null) ? "RemainingTtl[" + this.remaining + "]" : "RemainingTtl[no expiry]";
	}

}
