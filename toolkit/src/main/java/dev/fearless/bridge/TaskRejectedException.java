package dev.fearless.bridge;

import java.io.Serial;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * Thrown by a {@link VirtualExecutor} that refuses a task: its limit policy refused it, the
 * executor is shut down, or no thread could be started for it. The exception names the executor,
 * its limit and policy, the submitting thread and the {@link Reason}; a refused task was never
 * accepted, is not counted in {@link VirtualExecutor#submitted()} and never runs.
 *
 * <pre>{@code
 * try {
 *     executor.execute(job);
 *     return Response.status(202).build();
 * } catch (TaskRejectedException e) {
 *     if (e.reason() == TaskRejectedException.Reason.LIMIT_REACHED) {
 *         return Response.status(503).build(); // shed load
 *     }
 *     throw e;
 * }
 * }</pre>
 */
public final class TaskRejectedException extends RejectedExecutionException {

    @Serial
    private static final long serialVersionUID = 1L;

    /** Why a task was refused. */
    public enum Reason {
        /** Every permit was in use and the policy is {@link LimitPolicy#reject()}. */
        LIMIT_REACHED,
        /** No permit became free within the timeout of {@link LimitPolicy#blockAtMost}. */
        TIMED_OUT,
        /** The submitter was interrupted while blocked for a permit; its interrupt status is set. */
        INTERRUPTED,
        /** The executor was shut down ({@link VirtualExecutor#shutdown()} or {@code close()}). */
        SHUT_DOWN,
        /** The thread factory returned {@code null}, threw, or the thread could not be started. */
        NO_THREAD
    }

    /** The name of the executor that rejected the task. */
    private final String executorName;
    /** The executor's concurrency limit, {@link Integer#MAX_VALUE} when unlimited. */
    private final int limit;
    /** The limit policy in force, {@code null} if none. */
    private final @Nullable LimitPolicy policy;
    /** Why the task was rejected. */
    private final Reason reason;

    TaskRejectedException(String message, String executorName, int limit, @Nullable LimitPolicy policy,
            Reason reason, @Nullable Throwable cause) {
        super(message, cause);
        this.executorName = executorName;
        this.limit = limit;
        this.policy = policy;
        this.reason = reason;
    }

    /**
     * Returns the name of the executor that refused the task.
     *
     * @return the executor's name
     */
    public String executorName() {
        return executorName;
    }

    /**
     * Returns the executor's concurrency limit.
     *
     * @return the limit, or {@link Integer#MAX_VALUE} when the executor is unlimited
     */
    public int limit() {
        return limit;
    }

    /**
     * Returns the executor's limit policy.
     *
     * @return the policy, or {@code null} when the executor is unlimited
     */
    public @Nullable LimitPolicy policy() {
        return policy;
    }

    /**
     * Returns why the task was refused.
     *
     * @return the reason
     */
    public Reason reason() {
        return reason;
    }
}
