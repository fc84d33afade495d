/**
 * JMH suites that measure Fearless side by side with its peers in one run, and the small programs
 * that run the quick profile ({@link dev.fearless.benchmarks.QuickProfile}) and turn JMH's JSON into
 * {@code docs/benchmarks.md} ({@link dev.fearless.benchmarks.Report}).
 *
 * <p>Rules every suite follows: the Fearless benchmark and its peers do the same work (same
 * threads, same element counts, same payload); results reach a {@code Blackhole} or are summed and
 * returned, so nothing is dead code; what is not being measured (creating locks, channels,
 * executors, registries) happens in {@code @Setup}; everything that the measured operation
 * starts (threads, scopes) is joined inside the measured method.
 */
package dev.fearless.benchmarks;
