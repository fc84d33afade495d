package dev.fearless.telemetry;

/**
 * A live, read-only view of an executor's own counts, handed to
 * {@link TelemetryListener#executorCreated(ExecutorState)}. Every accepted task is counted once
 * in {@link #submitted()} and, when it ends, once in {@link #completed()} or {@link #failed()}
 * (cancelled tasks count as failed); refused tasks are counted only in {@link #rejected()}.
 *
 * <pre>{@code
 * @Override
 * public void executorCreated(ExecutorState executor) {
 *     gauges.add(new WeakReference<>(executor)); // never hold it strongly
 * }
 * }</pre>
 */
public interface ExecutorState {

    /**
     * Returns the executor's name, or {@link Telemetry#DEFAULT_NAME} when none was given.
     *
     * @return the name used as the {@code name} tag
     */
    String name();

    /**
     * Returns the concurrency limit, or {@link Integer#MAX_VALUE} when unlimited.
     *
     * @return the most tasks that may run at once
     */
    int limit();

    /**
     * Returns how many tasks hold a permit and are running now.
     *
     * @return the running count
     */
    int running();

    /**
     * Returns how many are waiting for a permit now: accepted tasks whose own thread waits, and
     * submitters blocked by a limit policy that makes the caller wait (their task is accepted once
     * the permit is theirs).
     *
     * @return the waiting count
     */
    int waiting();

    /**
     * Returns how many tasks were accepted since creation.
     *
     * @return the cumulative accepted count
     */
    long submitted();

    /**
     * Returns how many accepted tasks ended normally.
     *
     * @return the cumulative completed count
     */
    long completed();

    /**
     * Returns how many accepted tasks ended by throwing or by cancellation.
     *
     * @return the cumulative failed count
     */
    long failed();

    /**
     * Returns how many tasks were refused.
     *
     * @return the cumulative rejected count
     */
    long rejected();
}
