package io.cachekit.benchmarks.report;

/**
 * The outcome of one row of the report.
 */
enum Verdict {

	/** The whole range the error bars allow meets the target. */
	MET("met"),

	/** No value the error bars allow meets the target. */
	NOT_MET("not met"),

	/** The point value meets the target; the figure has no error bar to judge by. */
	MET_NO_ERROR_BAR("met (no error bar)"),

	/** The point value does not meet the target; the figure has no error bar. */
	NOT_MET_NO_ERROR_BAR("not met (no error bar)"),

	/** The target lies inside the range the error bars allow. */
	WITHIN_NOISE("within noise"),

	/**
	 * A score is not in the mode the row compares, such as a throughput not per second.
	 */
	WRONG_MODE("wrong mode"),

	/** The figure has no target; it is shown for comparison. */
	REPORTED("reported"),

	/** A benchmark the row needs is not in the results. */
	MISSING("missing");

	private final String text;

	Verdict(String text) {
		this.text = text;
	}

	@Override
	public String toString() {
		return this.text;
	}

}
