package dev.fearless.handle;

import java.time.Duration;
import java.util.Objects;

/** Timeout argument checks. */
final class Durations {

    private Durations() {}

    /** Checks {@code timeout} and returns it in nanoseconds, saturated. */
    static long toNanos(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative: " + timeout);
        }
        try {
            return timeout.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }
}
