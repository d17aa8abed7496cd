/**
 * The performance report: reads the results of one JMH run of the peer comparisons and
 * the L1 retention measurement, and writes them as Markdown tables of ratios against each
 * peer, with their error bars and the targets ({@link PerformanceReport}).
 */
@NullMarked
package io.cachekit.benchmarks.report;

import org.jspecify.annotations.NullMarked;
