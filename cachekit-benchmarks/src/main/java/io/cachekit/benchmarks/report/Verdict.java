package io.cachekit.benchmarks.report;

/**
 * The outcome of one row of the report.
 */
enum Verdict {

	/** The whole range the error bars allow meets the target. */
	MET("met"),

	/** No value the error bars allow meets the target. */
	NOT_MET("not met"),

	/** The target lies inside the range the error bars allow, or they do not bound it. */
	WITHIN_NOISE("within noise"),

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
