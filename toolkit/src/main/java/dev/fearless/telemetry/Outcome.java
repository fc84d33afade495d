package dev.fearless.telemetry;

import java.util.Locale;

/**
 * How a unit of work ended; the bounded set of values behind every {@code outcome} tag. Work that
 * never started because an executor refused it has no outcome: it is reported by
 * {@link TelemetryListener#executorRejected} and counted by {@link ExecutorState#rejected()}.
 *
 * <pre>{@code
 * listener.taskFinished("checkout", Outcome.CANCELLED, elapsedNanos);
 * String tag = Outcome.CANCELLED.tag(); // "cancelled"
 * }</pre>
 */
public enum Outcome {
    /** Completed normally. */
    SUCCESS,
    /** Completed by throwing. */
    FAILURE,
    /** Stopped before completion by cancellation or interrupt. */
    CANCELLED,
    /** Stopped because a deadline or timeout passed. */
    TIMEOUT;

    private final String tag = name().toLowerCase(Locale.ROOT);

    /**
     * Returns the lowercase tag value, such as {@code "success"}.
     *
     * @return the tag value used in meter tags and logs
     */
    public String tag() {
        return tag;
    }
}
