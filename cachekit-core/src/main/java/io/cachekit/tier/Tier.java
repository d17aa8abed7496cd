package io.cachekit.tier;

/**
 * The two tiers of a {@link TieredCache}.
 */
public enum Tier {

	/** The in-process tier (Caffeine). */
	L1,

	/** The shared tier (the backend). */
	L2;

	/**
	 * Returns the tier's name as used in metric tags: {@code l1} or {@code l2}.
	 * @return the tag value
	 */
	public String tagValue() {
		return name().toLowerCase(java.util.Locale.ROOT);
	}

}
