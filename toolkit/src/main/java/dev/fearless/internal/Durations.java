package dev.fearless.internal;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The one timeout rule of the toolkit (CONTRIBUTING.md, "API rules"): {@code null} is a
 * {@link NullPointerException} naming the argument, a negative duration an
 * {@link IllegalArgumentException}, zero means "do not wait", and a duration too long for a
 * {@code long} of nanoseconds saturates at {@link #MAX_NANOS} instead of throwing.
 */
public final class Durations {

    /**
     * The longest wait, about 73 years: small enough that {@code System.nanoTime() + MAX_NANOS}
     * cannot overflow, so deadlines compare correctly with {@code a - b < 0}.
     */
    public static final long MAX_NANOS = Long.MAX_VALUE >> 2;

    private Durations() {}

    /**
     * Checks a timeout argument and returns it in nanoseconds, in {@code [0, MAX_NANOS]}.
     *
     * @param timeout the duration
     * @param argument the argument's name, for the exception messages
     * @return the duration in nanoseconds, saturated
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public static long toNanosSaturated(Duration timeout, String argument) {
        Objects.requireNonNull(timeout, argument);
        if (timeout.isNegative()) {
            throw new IllegalArgumentException(argument + " must not be negative: " + timeout);
        }
        return saturate(timeout);
    }

    /**
     * {@link #toNanosSaturated(Duration, String)} for an argument named {@code timeout}.
     *
     * @param timeout the duration
     * @return the duration in nanoseconds, saturated
     */
    public static long toNanosSaturated(Duration timeout) {
        return toNanosSaturated(timeout, "timeout");
    }

    /**
     * Like {@link #toNanosSaturated(Duration, String)}, for a {@code long} and a {@link TimeUnit}.
     *
     * @param amount the amount of {@code unit}
     * @param unit the unit
     * @param argument the argument's name, for the exception messages
     * @return the amount in nanoseconds, saturated
     */
    public static long toNanosSaturated(long amount, TimeUnit unit, String argument) {
        Objects.requireNonNull(unit, "unit");
        if (amount < 0) {
            throw new IllegalArgumentException(argument + " must not be negative: " + amount + " " + unit);
        }
        return Math.min(unit.toNanos(amount), MAX_NANOS);
    }

    /**
     * A duration in nanoseconds without checks, clamped to {@code [-MAX_NANOS, MAX_NANOS]}: for
     * values that may lie in the past, such as the time left until a deadline.
     *
     * @param duration the duration, possibly negative
     * @return the duration in nanoseconds, clamped
     */
    public static long clampNanos(Duration duration) {
        if (duration.isNegative()) {
            // negated() would overflow for Duration.ofSeconds(Long.MIN_VALUE); compare in seconds.
            return duration.getSeconds() <= -(MAX_NANOS / 1_000_000_000L)
                    ? -MAX_NANOS : Math.max(duration.toNanos(), -MAX_NANOS);
        }
        return saturate(duration);
    }

    /**
     * The absolute {@link System#nanoTime()} deadline {@code nanos} after {@code startNanos}.
     *
     * @param startNanos a {@link System#nanoTime()} reading
     * @param nanos a non-negative wait
     * @return the deadline, never overflowing
     */
    public static long deadline(long startNanos, long nanos) {
        return startNanos + Math.min(nanos, MAX_NANOS);
    }

    private static long saturate(Duration nonNegative) {
        // Duration.toNanos() throws beyond ~292 years; compare in seconds first.
        if (nonNegative.getSeconds() >= MAX_NANOS / 1_000_000_000L) {
            return MAX_NANOS;
        }
        return Math.min(nonNegative.toNanos(), MAX_NANOS);
    }
}
